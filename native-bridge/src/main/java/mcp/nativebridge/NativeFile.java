package mcp.nativebridge;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An open file descriptor and the calls mcp makes on it. Every failure is an {@link ErrnoException}
 * naming the call and this file's path.
 */
public final class NativeFile implements AutoCloseable {
    /** The charset Java itself uses to turn path strings into bytes for the kernel. */
    private static final Charset FILE_NAME_CHARSET = Charset.forName(System.getProperty("sun.jnu.encoding"));

    private final Path path;
    private int fd;

    private NativeFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** {@code open(path, O_RDONLY)}. */
    public static NativeFile openForReading(Path path) throws ErrnoException {
        return open(path, Fcntl.O_RDONLY | Fcntl.O_CLOEXEC, 0);
    }

    /** {@code open(path, O_RDWR)}: writable mappings need a descriptor opened for reading and writing. */
    public static NativeFile openForWriting(Path path) throws ErrnoException {
        return open(path, Fcntl.O_RDWR | Fcntl.O_CLOEXEC, 0);
    }

    /**
     * {@code open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, mode)}: creates a new file, failing
     * with EEXIST if anything, even a dangling symbolic link, is already at {@code path}.
     */
    public static NativeFile createExclusive(Path path, int mode) throws ErrnoException {
        return open(path, Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, mode);
    }

    private static NativeFile open(Path path, int flags, int mode) throws ErrnoException {
        byte[] name = path.toString().getBytes(FILE_NAME_CHARSET);
        int fd = LibC.INSTANCE.open(Arrays.copyOf(name, name.length + 1), flags, mode);
        if (fd == -1) {
            throw ErrnoException.of("open", Native.getLastError(), path);
        }
        return new NativeFile(path, fd);
    }

    public Path path() {
        return path;
    }

    /**
     * {@code fallocate(fd, 0, 0, length)}: reserves the blocks now, so that running out of space
     * fails here rather than as SIGBUS in a worker writing through a mapping.
     *
     * @return false if the file system cannot reserve space (EOPNOTSUPP); then nothing was done
     */
    public boolean reserve(long lengthBytes) throws ErrnoException {
        if (lengthBytes == 0) {
            checkOpen();
            return true; // fallocate rejects a zero length with EINVAL; there is nothing to reserve
        }
        if (LibC.INSTANCE.fallocate(checkOpen(), 0, 0L, lengthBytes) == -1) {
            int errno = Native.getLastError();
            if (errno == ErrnoException.EOPNOTSUPP) {
                return false;
            }
            throw ErrnoException.of("fallocate", errno, path);
        }
        return true;
    }

    /** {@code ftruncate(fd, length)}: a file must have its size before pages of it are mapped. */
    public void truncate(long lengthBytes) throws ErrnoException {
        if (LibC.INSTANCE.ftruncate(checkOpen(), lengthBytes) == -1) {
            throw ErrnoException.of("ftruncate", Native.getLastError(), path);
        }
    }

    /** {@code posix_fadvise(fd, offset, length, POSIX_FADV_SEQUENTIAL)}: read-ahead for a range read once. */
    public void adviseSequential(long offset, long lengthBytes) throws ErrnoException {
        int errno = LibC.INSTANCE.posix_fadvise(checkOpen(), offset, lengthBytes, Fcntl.POSIX_FADV_SEQUENTIAL);
        if (errno != 0) {
            throw ErrnoException.of("posix_fadvise", errno, path);
        }
    }

    /**
     * {@code mmap(NULL, length, prot, MAP_SHARED, fd, offset)}.
     *
     * @param offset a multiple of {@link Posix#pageSize()}
     * @param lengthBytes more than zero and at most {@link Integer#MAX_VALUE}, so one buffer spans it
     */
    public Mapping map(long offset, long lengthBytes, Mapping.Access access) throws ErrnoException {
        if (offset < 0 || offset % Posix.pageSize() != 0) {
            throw new IllegalArgumentException("mapping offset " + offset + " is not a multiple of the page size " + Posix.pageSize());
        }
        if (lengthBytes <= 0 || lengthBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mapping length " + lengthBytes + " is not in 1.." + Integer.MAX_VALUE);
        }
        Pointer address = LibC.INSTANCE.mmap(null, lengthBytes, access.prot, Mman.MAP_SHARED, checkOpen(), offset);
        if (Pointer.nativeValue(address) == -1L) {
            throw ErrnoException.of("mmap", Native.getLastError(), path);
        }
        return new Mapping(path, offset, address, (int) lengthBytes);
    }

    private int checkOpen() {
        if (fd < 0) {
            throw new IllegalStateException("file '" + path + "' is closed");
        }
        return fd;
    }

    @Override
    public void close() throws ErrnoException {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            if (LibC.INSTANCE.close(closing) == -1) {
                throw ErrnoException.of("close", Native.getLastError(), path);
            }
        }
    }

    @Override
    public String toString() {
        return "NativeFile(path=\"" + path + "\", fd=" + fd + ")";
    }
}
