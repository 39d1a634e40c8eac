package mcp.nativebridge;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An open file descriptor and the calls mcp makes on it. Every failure is an {@link ErrnoException}
 * naming the call and this file's name. A file is opened once and then used through its
 * descriptor only: nothing here reaches a file by name again, except the calls that take a
 * directory and a name in it ({@code *at}), which never follow a symbolic link they are not asked to.
 */
public final class NativeFile implements AutoCloseable {
    /** How a file is opened. Every open adds {@code O_CLOEXEC} and {@code O_NOCTTY}. */
    public enum Open {
        READ(Fcntl.O_RDONLY),
        WRITE(Fcntl.O_WRONLY),
        READ_WRITE(Fcntl.O_RDWR),
        /** {@code O_CREAT | O_EXCL | O_NOFOLLOW}: a new file, never anything already there, not even a dangling link. */
        CREATE_NEW(Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_NOFOLLOW),
        /** {@code O_NOFOLLOW}: fails with ELOOP if the last component is a symbolic link. */
        NO_FOLLOW(Fcntl.O_NOFOLLOW),
        DIRECTORY(Fcntl.O_DIRECTORY),
        /** {@code O_PATH}: a handle for identity and {@code *at} calls, no reading or writing. */
        PATH_ONLY(Fcntl.O_PATH),
        NON_BLOCKING(Fcntl.O_NONBLOCK),
        TRUNCATE(Fcntl.O_TRUNC);

        final int flags;

        Open(int flags) {
            this.flags = flags;
        }
    }

    /** Room for a hundred or more entries per call; a name is at most 255 bytes, a record 280. */
    private static final int DIRENT_BUFFER_BYTES = 32 * 1024;
    /** {@code struct linux_dirent64}: {@code d_ino} at 0, {@code d_off} at 8, then these. */
    private static final int DIRENT_RECLEN_OFFSET = 16;
    private static final int DIRENT_NAME_OFFSET = 19;
    /** {@code RENAME_NOREPLACE} of renameat2(2), the same on every architecture. */
    private static final int RENAME_NOREPLACE = 1;

    private final String name;
    private int fd;

    private NativeFile(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /**
     * {@code openat(directory, name, flags | O_CLOEXEC | O_NOCTTY, mode)}; a null directory means
     * the current one (or an absolute name).
     */
    public static NativeFile open(NativeFile directory, String name, int mode, Open... how) throws ErrnoException {
        int flags = Fcntl.O_CLOEXEC | Fcntl.O_NOCTTY;
        for (Open open : how) {
            flags |= open.flags;
        }
        byte[] path = FileNames.encodeForC(name);
        while (true) {
            int fd = LibC.openat(directory == null ? Fcntl.AT_FDCWD : directory.checkOpen(), path, flags, mode);
            if (fd >= 0) {
                return new NativeFile(name, fd);
            }
            int errno = Native.getLastError();
            if (errno != ErrnoException.EINTR) {
                throw ErrnoException.of("open", errno, name);
            }
        }
    }

    /** {@code open(name, O_RDONLY)}. */
    public static NativeFile openForReading(String name) throws ErrnoException {
        return open(null, name, 0, Open.READ);
    }

    /** {@code open(path, O_RDONLY)}. */
    public static NativeFile openForReading(Path path) throws ErrnoException {
        return openForReading(path.toString());
    }

    /** {@code open(path, O_RDWR)}: writable mappings need a descriptor opened for reading and writing. */
    public static NativeFile openForWriting(Path path) throws ErrnoException {
        return open(null, path.toString(), 0, Open.READ_WRITE);
    }

    /**
     * {@code open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, mode)}: creates a new file, failing
     * with EEXIST if anything, even a dangling symbolic link, is already at {@code path}.
     */
    public static NativeFile createExclusive(Path path, int mode) throws ErrnoException {
        return open(null, path.toString(), mode, Open.READ_WRITE, Open.CREATE_NEW);
    }

    /**
     * Opens the file that descriptor {@code fd} of process {@code pid} has open, through
     * {@code /proc/PID/fd/FD}: the same file, whatever has happened to its names meanwhile.
     * Callers check its identity ({@link #status()}) against what they were told to expect.
     */
    public static NativeFile openDescriptorOf(long pid, int fd, Open... how) throws ErrnoException {
        return open(null, "/proc/" + pid + "/fd/" + fd, 0, how);
    }

    /** {@code statx(directory, name)}, following a final symbolic link only if asked to. */
    public static FileStatus status(NativeFile directory, String name, boolean followLinks) throws ErrnoException {
        byte[] statx = new byte[Fcntl.STATX_LENGTH];
        int flags = followLinks ? 0 : Fcntl.AT_SYMLINK_NOFOLLOW;
        if (LibC.statx(directory == null ? Fcntl.AT_FDCWD : directory.checkOpen(), FileNames.encodeForC(name),
                flags, Fcntl.STATX_BASIC_STATS, statx) == -1) {
            throw ErrnoException.of("stat", Native.getLastError(), name);
        }
        return FileStatus.of(statx);
    }

    /** The status of {@code name} in {@code directory}, not following a link, or null if there is no such name. */
    public static FileStatus statusIfAny(NativeFile directory, String name) throws ErrnoException {
        try {
            return status(directory, name, false);
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    /** {@code renameat(fromDirectory, from, toDirectory, to)}: replaces {@code to} atomically. */
    public static void rename(NativeFile fromDirectory, String from, NativeFile toDirectory, String to) throws ErrnoException {
        if (LibC.renameat(fromDirectory.checkOpen(), FileNames.encodeForC(from), toDirectory.checkOpen(),
                FileNames.encodeForC(to)) == -1) {
            throw ErrnoException.of("rename", Native.getLastError(), from);
        }
    }

    /** {@code renameat2(..., RENAME_NOREPLACE)}: renames {@code from}, failing with EEXIST rather than replace {@code to}. */
    public static void renameNoReplace(NativeFile fromDirectory, String from, NativeFile toDirectory, String to)
            throws ErrnoException {
        if (LibC.renameat2(fromDirectory.checkOpen(), FileNames.encodeForC(from), toDirectory.checkOpen(),
                FileNames.encodeForC(to), RENAME_NOREPLACE) == -1) {
            throw ErrnoException.of("rename", Native.getLastError(), from);
        }
    }

    /** {@code unlinkat(directory, name, 0)}: removes a name, never what a link points to. */
    public static void unlink(NativeFile directory, String name) throws ErrnoException {
        if (LibC.unlinkat(directory.checkOpen(), FileNames.encodeForC(name), 0) == -1) {
            throw ErrnoException.of("unlink", Native.getLastError(), name);
        }
    }

    /** {@code mkdirat(directory, name, mode)}: a new directory, its mode less the umask. */
    public static void makeDirectory(NativeFile directory, String name, int mode) throws ErrnoException {
        if (LibC.mkdirat(directory.checkOpen(), FileNames.encodeForC(name), mode) == -1) {
            throw ErrnoException.of("mkdir", Native.getLastError(), name);
        }
    }

    /**
     * {@code symlinkat(target, directory, name)}: a new symbolic link holding {@code target}, any
     * bytes but NUL ({@link FileNames#decode} strings, as {@link #readSymbolicLink} returns them),
     * which nothing here resolves or checks.
     */
    public static void makeSymbolicLink(String target, NativeFile directory, String name) throws ErrnoException {
        if (LibC.symlinkat(FileNames.encodeForC(target), directory.checkOpen(), FileNames.encodeForC(name)) == -1) {
            throw ErrnoException.of("symlink", Native.getLastError(), name);
        }
    }

    /**
     * {@code readlinkat(directory, name)}: what the symbolic link holds, whole however long, as a
     * {@link FileNames#decode} string, so that {@link #makeSymbolicLink} writes back the same bytes.
     */
    public static String readSymbolicLink(NativeFile directory, String name) throws ErrnoException {
        return readLink(directory.checkOpen(), name, name);
    }

    /** {@code readlinkat}, with a larger buffer until the contents fit; errors name {@code nameForErrors}. */
    private static String readLink(int directory, String name, String nameForErrors) throws ErrnoException {
        byte[] path = FileNames.encodeForC(name);
        for (int size = 256; ; size *= 2) {
            byte[] buffer = new byte[size];
            long length = LibC.readlinkat(directory, path, buffer, size);
            if (length == -1) {
                throw ErrnoException.of("readlink", Native.getLastError(), nameForErrors);
            }
            if (length < size) {
                // readlink does not say whether it cut the contents short; only a buffer it did not fill shows it did not.
                return FileNames.decode(Arrays.copyOf(buffer, (int) length));
            }
        }
    }

    /**
     * {@code linkat(fromDirectory, from, toDirectory, to, 0)}: a second name for the file
     * {@code from} names; a symbolic link there gets a second name itself, it is not followed.
     * Errors name {@code to}, the name that could not be made.
     */
    public static void link(NativeFile fromDirectory, String from, NativeFile toDirectory, String to) throws ErrnoException {
        if (LibC.linkat(fromDirectory.checkOpen(), FileNames.encodeForC(from), toDirectory.checkOpen(),
                FileNames.encodeForC(to), 0) == -1) {
            throw ErrnoException.of("link", Native.getLastError(), to);
        }
    }

    /** {@code mknodat(directory, name, S_IFIFO | mode, 0)}: a new named pipe, its mode less the umask. */
    public static void makeFifo(NativeFile directory, String name, int mode) throws ErrnoException {
        makeNode(directory, name, FileStatus.S_IFIFO | (mode & FileStatus.PERMISSIONS), 0);
    }

    /**
     * {@code mknodat(directory, name, mode, rdev)}: a new special file, its permissions less the
     * umask. Making a character or block device takes privilege (EPERM otherwise).
     *
     * @param mode the type bits ({@link FileStatus#S_IFCHR}, {@link FileStatus#S_IFBLK},
     *        {@link FileStatus#S_IFIFO}, {@link FileStatus#S_IFSOCK}) with the permissions
     * @param rdev the device, as {@link FileStatus#rdev()} gives it; 0 for a FIFO or a socket
     */
    public static void makeNode(NativeFile directory, String name, int mode, long rdev) throws ErrnoException {
        if (LibC.mknodat(directory.checkOpen(), FileNames.encodeForC(name), mode, devT(rdev)) == -1) {
            throw ErrnoException.of("mknod", Native.getLastError(), name);
        }
    }

    /** glibc's {@code makedev} of the {@code major << 32 | minor} that {@link FileStatus} holds. */
    static long devT(long rdev) {
        long major = rdev >>> 32;
        long minor = rdev & 0xffffffffL;
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /**
     * {@code utimensat(directory, name, times, flags)}: sets the access and modification times to
     * the nanosecond (as far as the file system keeps them); with {@code followLinks} false, a
     * symbolic link's own times ({@code AT_SYMLINK_NOFOLLOW}).
     */
    public static void setTimes(NativeFile directory, String name, boolean followLinks, long accessedSeconds, int accessedNanos,
                                long modifiedSeconds, int modifiedNanos) throws ErrnoException {
        long[] times = {accessedSeconds, accessedNanos, modifiedSeconds, modifiedNanos};
        if (LibC.utimensat(directory.checkOpen(), FileNames.encodeForC(name), times,
                followLinks ? 0 : Fcntl.AT_SYMLINK_NOFOLLOW) == -1) {
            throw ErrnoException.of("utimensat", Native.getLastError(), name);
        }
    }

    /**
     * {@code fchownat(directory, name, uid, gid, AT_SYMLINK_NOFOLLOW)}, as {@code lchown} does:
     * a symbolic link's own owner and group, never its target's; -1 leaves that one as it is.
     */
    public static void changeOwner(NativeFile directory, String name, int uid, int gid) throws ErrnoException {
        if (LibC.fchownat(directory.checkOpen(), FileNames.encodeForC(name), uid, gid, Fcntl.AT_SYMLINK_NOFOLLOW) == -1) {
            throw ErrnoException.of("lchown", Native.getLastError(), name);
        }
    }

    /** The name this file was opened by, for messages. */
    public String name() {
        return name;
    }

    /**
     * The name as a {@link Path}, which the JVM encodes in its own file-name encoding.
     *
     * @throws java.nio.file.InvalidPathException if the name is not one a {@code Path} can hold:
     *         bytes that are not UTF-8 ({@link FileNames} escapes), or any non-ASCII name where that
     *         encoding ({@code sun.jnu.encoding}, from the locale) is not UTF-8. {@link #name()}
     *         holds every name, so messages use that.
     */
    public Path path() {
        return Path.of(name);
    }

    /** The descriptor number, e.g. for another process to reach this file as {@code /proc/PID/fd/N}. */
    public int descriptor() {
        return checkOpen();
    }

    /**
     * The file's absolute name now, as the kernel tracks it ({@code readlink} of
     * {@code /proc/self/fd/N}): where a symbolic link that was followed to open it led.
     */
    public String realName() throws ErrnoException {
        return readLink(Fcntl.AT_FDCWD, "/proc/self/fd/" + checkOpen(), name);
    }

    /** {@code statx(fd)}: the open file's status, whatever its name is now. */
    public FileStatus status() throws ErrnoException {
        byte[] statx = new byte[Fcntl.STATX_LENGTH];
        if (LibC.statx(checkOpen(), new byte[1], Fcntl.AT_EMPTY_PATH, Fcntl.STATX_BASIC_STATS, statx) == -1) {
            throw ErrnoException.of("stat", Native.getLastError(), name);
        }
        return FileStatus.of(statx);
    }

    /**
     * The names in this directory, without "." and "..", in the order the file system gives
     * them, as {@link FileNames#decode} strings: any bytes come back as the name that reaches the
     * same entry. Read with {@code getdents64} through a descriptor of its own ({@code openat(fd,
     * ".")}), so this works on a {@link Open#PATH_ONLY} handle too and leaves this descriptor's
     * offset alone.
     */
    public List<String> list() throws ErrnoException {
        List<String> names = new ArrayList<>();
        try (NativeFile self = openSelf()) {
            byte[] buffer = new byte[DIRENT_BUFFER_BYTES];
            ByteBuffer records = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
            while (true) {
                long got = LibC.getdents64(self.checkOpen(), buffer, buffer.length);
                if (got == 0) {
                    return names;
                }
                if (got == -1) {
                    int errno = Native.getLastError();
                    if (errno == ErrnoException.EINTR) {
                        continue;
                    }
                    throw ErrnoException.of("getdents64", errno, name);
                }
                addNames(records, (int) got, names);
            }
        }
    }

    /** Adds the names of the {@code struct linux_dirent64} records in the first {@code length} bytes. */
    static void addNames(ByteBuffer records, int length, List<String> names) {
        for (int record = 0; record < length; record += Short.toUnsignedInt(records.getShort(record + DIRENT_RECLEN_OFFSET))) {
            int start = record + DIRENT_NAME_OFFSET;
            int end = start;
            while (records.get(end) != 0) {
                end++;
            }
            boolean dots = (end - start == 1 || end - start == 2) && records.get(start) == '.' && records.get(end - 1) == '.';
            if (!dots) {
                byte[] entry = new byte[end - start];
                records.get(start, entry);
                names.add(FileNames.decode(entry));
            }
        }
    }

    /** A new descriptor of this directory for reading, with an offset of its own; errors name this file. */
    private NativeFile openSelf() throws ErrnoException {
        try {
            return open(this, ".", 0, Open.READ, Open.DIRECTORY);
        } catch (ErrnoException e) {
            throw ErrnoException.of("open", e.errno(), name);
        }
    }

    /** {@code fstatfs(fd).f_type}: the file system's magic number, e.g. 0x9fa0 for procfs. */
    public long fileSystemType() throws ErrnoException {
        return fileSystemType(statfs());
    }

    /**
     * Bytes available to an unprivileged user on the file system: {@code f_bavail} blocks of
     * {@code f_frsize} bytes, as {@code statvfs} and {@code df} count them.
     */
    public long fileSystemAvailableBytes() throws ErrnoException {
        return availableBytes(statfs());
    }

    private byte[] statfs() throws ErrnoException {
        byte[] statfs = new byte[Fcntl.STATFS_LENGTH];
        if (LibC.fstatfs(checkOpen(), statfs) == -1) {
            throw ErrnoException.of("statfs", Native.getLastError(), name);
        }
        return statfs;
    }

    /** {@code f_type} of the {@code struct statfs} in {@code statfs} (native order). */
    static long fileSystemType(byte[] statfs) {
        return ByteBuffer.wrap(statfs).order(ByteOrder.nativeOrder()).getLong(0);
    }

    /**
     * {@code f_bavail * f_frsize} of the {@code struct statfs} in {@code statfs}. The block counts
     * are in units of {@code f_frsize}, not of {@code f_bsize} (the preferred I/O size, which
     * some file systems, FUSE ones among them, make larger); where {@code f_frsize} is 0, as from
     * kernels before 2.6, the unit is {@code f_bsize}, as glibc's {@code statvfs} has it.
     */
    static long availableBytes(byte[] statfs) {
        ByteBuffer b = ByteBuffer.wrap(statfs).order(ByteOrder.nativeOrder());
        long fragmentSize = b.getLong(72);
        return b.getLong(32) * (fragmentSize != 0 ? fragmentSize : b.getLong(8));
    }

    /** {@code lseek(fd, offset, SEEK_DATA)}: the start of the next data at or after offset, or -1 if there is none. */
    public long seekData(long offset) throws ErrnoException {
        return seek(offset, Fcntl.SEEK_DATA);
    }

    /** {@code lseek(fd, offset, SEEK_HOLE)}: the start of the next hole (the end of the file counts as one). */
    public long seekHole(long offset) throws ErrnoException {
        return seek(offset, Fcntl.SEEK_HOLE);
    }

    private long seek(long offset, int whence) throws ErrnoException {
        long at = LibC.lseek(checkOpen(), offset, whence);
        if (at == -1) {
            int errno = Native.getLastError();
            if (errno == ErrnoException.ENXIO) {
                return -1;
            }
            throw ErrnoException.of("lseek", errno, name);
        }
        return at;
    }

    /**
     * {@code read(fd)} into the buffer's remaining space (a direct buffer), advancing its position.
     *
     * @return the bytes read, 0 at end of file
     * @throws IllegalArgumentException if the buffer is read-only, as {@code FileChannel.read} does:
     *         libc would write into the memory behind it all the same
     */
    public int read(ByteBuffer buffer) throws ErrnoException {
        return read(buffer, LibC::read);
    }

    /**
     * {@code pread(fd, offset)} into the buffer's remaining space (a direct buffer), advancing its
     * position; the file's offset is not moved.
     *
     * @return the bytes read, 0 at end of file
     */
    public int read(ByteBuffer buffer, long offset) throws ErrnoException {
        return read(buffer, (fd, slice, count) -> LibC.pread(fd, slice, count, offset));
    }

    /** {@code read} or {@code pread}, as C would call it. */
    private interface ReadCall {
        long read(int fd, ByteBuffer buffer, long count);
    }

    private int read(ByteBuffer buffer, ReadCall call) throws ErrnoException {
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("read of '" + name + "' into a read-only buffer");
        }
        while (true) {
            long read = call.read(checkOpen(), buffer.slice(), buffer.remaining());
            if (read >= 0) {
                buffer.position(buffer.position() + (int) read);
                return (int) read;
            }
            int errno = Native.getLastError();
            if (errno != ErrnoException.EINTR) {
                throw ErrnoException.of("read", errno, name);
            }
        }
    }

    /** {@code write(fd)} of all the buffer's remaining bytes (a direct buffer), advancing its position. */
    public void write(ByteBuffer buffer) throws ErrnoException {
        write(buffer, (fd, slice, count, done) -> LibC.write(fd, slice, count));
    }

    /**
     * {@code pwrite(fd, offset)} of all the buffer's remaining bytes (a direct buffer, which may be
     * a view of a {@link Mapping}), advancing its position; the file's offset is not moved. Bytes
     * read from a mapping whose file shrank under it fail the call with {@code EFAULT}, where
     * reading them in Java or native code would raise SIGBUS; the bytes before the fault are
     * written, and the buffer's position says how many.
     */
    public void write(ByteBuffer buffer, long offset) throws ErrnoException {
        write(buffer, (fd, slice, count, done) -> LibC.pwrite(fd, slice, count, offset + done));
    }

    /** {@code write} or {@code pwrite}, as C would call it, {@code done} bytes into the buffer. */
    private interface WriteCall {
        long write(int fd, ByteBuffer buffer, long count, long done);
    }

    private void write(ByteBuffer buffer, WriteCall call) throws ErrnoException {
        for (long done = 0; buffer.hasRemaining(); ) {
            long written = call.write(checkOpen(), buffer.slice(), buffer.remaining(), done);
            if (written >= 0) {
                buffer.position(buffer.position() + (int) written);
                done += written;
                continue;
            }
            int errno = Native.getLastError();
            if (errno != ErrnoException.EINTR) {
                throw ErrnoException.of("write", errno, name);
            }
        }
    }

    /**
     * {@code copy_file_range(source, sourceOffset, this, offset, length)}: the kernel copies the
     * bytes from file to file without passing them through this process, or shares the blocks
     * (a reflink) or copies on the server where the file system can.
     *
     * @return the bytes copied, fewer than asked for if the source ends sooner, 0 at its end
     * @throws ErrnoException {@code EXDEV}, {@code EOPNOTSUPP}, {@code ENOSYS} or {@code EINVAL}
     *         where the kernel or the file systems cannot copy between these two files
     */
    public long copyFrom(NativeFile source, long sourceOffset, long offset, long lengthBytes) throws ErrnoException {
        long[] in = {sourceOffset};
        long[] out = {offset};
        while (true) {
            long copied = LibC.copy_file_range(source.checkOpen(), in, checkOpen(), out, lengthBytes, 0);
            if (copied >= 0) {
                return copied;
            }
            int errno = Native.getLastError();
            if (errno != ErrnoException.EINTR) {
                throw ErrnoException.of("copy_file_range", errno, name);
            }
        }
    }

    /** {@code fsync(fd)}: the file's data and metadata are on the device when it returns. */
    public void sync() throws ErrnoException {
        if (LibC.fsync(checkOpen()) == -1) {
            throw ErrnoException.of("fsync", Native.getLastError(), name);
        }
    }

    /**
     * {@code syncfs(fd)}: everything written to the file system this file is on is on the device
     * when it returns; one call makes a batch of many small files durable, where an
     * {@code fsync} each would wait for the device once per file. Other processes' writes to that
     * file system are flushed too, which costs time but is harmless. A write error since this
     * descriptor was opened is reported (Linux 5.8 and later).
     */
    public void syncFileSystem() throws ErrnoException {
        if (LibC.syncfs(checkOpen()) == -1) {
            throw ErrnoException.of("syncfs", Native.getLastError(), name);
        }
    }

    /**
     * {@code sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE)}: starts writing the
     * range's dirty pages to the device and returns without waiting, so that the wait for
     * durability later ({@code msync(MS_SYNC)}) finds most of the work done.
     */
    public void startWriteback(long offset, long lengthBytes) throws ErrnoException {
        if (LibC.sync_file_range(checkOpen(), offset, lengthBytes, Fcntl.SYNC_FILE_RANGE_WRITE) == -1) {
            throw ErrnoException.of("sync_file_range", Native.getLastError(), name);
        }
    }

    /**
     * {@code sync_file_range(fd, offset, length, WAIT_BEFORE | WRITE | WAIT_AFTER)}: writes the
     * range's dirty pages to the device and waits until they are written. This is not durability
     * (neither the file's metadata nor the device's cache are flushed: {@code fsync} or
     * {@code msync(MS_SYNC)} does that), but it leaves them little to do, and it can be done a
     * small range at a time, each call returning after a bounded wait.
     */
    public void awaitWriteback(long offset, long lengthBytes) throws ErrnoException {
        int flags = Fcntl.SYNC_FILE_RANGE_WAIT_BEFORE | Fcntl.SYNC_FILE_RANGE_WRITE | Fcntl.SYNC_FILE_RANGE_WAIT_AFTER;
        if (LibC.sync_file_range(checkOpen(), offset, lengthBytes, flags) == -1) {
            throw ErrnoException.of("sync_file_range", Native.getLastError(), name);
        }
    }

    /**
     * {@code fallocate(fd, 0, 0, length)}: reserves the blocks now, so that running out of space
     * fails here rather than as SIGBUS in a worker writing through a mapping.
     *
     * @return false if the file system cannot reserve space (EOPNOTSUPP); then nothing was done
     */
    public boolean reserve(long lengthBytes) throws ErrnoException {
        return reserve(0, lengthBytes);
    }

    /** {@code fallocate(fd, 0, offset, length)}; see {@link #reserve(long)}. */
    public boolean reserve(long offset, long lengthBytes) throws ErrnoException {
        if (lengthBytes == 0) {
            checkOpen();
            return true; // fallocate rejects a zero length with EINVAL; there is nothing to reserve
        }
        if (LibC.fallocate(checkOpen(), 0, offset, lengthBytes) == -1) {
            int errno = Native.getLastError();
            if (errno == ErrnoException.EOPNOTSUPP) {
                return false;
            }
            throw ErrnoException.of("fallocate", errno, name);
        }
        return true;
    }

    /** {@code ftruncate(fd, length)}: a file must have its size before pages of it are mapped. */
    public void truncate(long lengthBytes) throws ErrnoException {
        if (LibC.ftruncate(checkOpen(), lengthBytes) == -1) {
            throw ErrnoException.of("ftruncate", Native.getLastError(), name);
        }
    }

    /** {@code posix_fadvise(fd, offset, length, POSIX_FADV_SEQUENTIAL)}: read-ahead for a range read once. */
    public void adviseSequential(long offset, long lengthBytes) throws ErrnoException {
        fadvise(offset, lengthBytes, Fcntl.POSIX_FADV_SEQUENTIAL);
    }

    /** {@code posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED)}: drops clean cached pages of the range. */
    public void adviseDontNeed(long offset, long lengthBytes) throws ErrnoException {
        fadvise(offset, lengthBytes, Fcntl.POSIX_FADV_DONTNEED);
    }

    private void fadvise(long offset, long lengthBytes, int advice) throws ErrnoException {
        int errno = LibC.posix_fadvise(checkOpen(), offset, lengthBytes, advice);
        if (errno != 0) {
            throw ErrnoException.of("posix_fadvise", errno, name);
        }
    }

    /** {@code fchmod(fd, mode)}: permission bits, set-id and sticky bits included. */
    public void changeMode(int mode) throws ErrnoException {
        if (LibC.fchmod(checkOpen(), mode) == -1) {
            throw ErrnoException.of("fchmod", Native.getLastError(), name);
        }
    }

    /** {@code fchown(fd, uid, gid)}; -1 leaves that one as it is. */
    public void changeOwner(int uid, int gid) throws ErrnoException {
        if (LibC.fchown(checkOpen(), uid, gid) == -1) {
            throw ErrnoException.of("fchown", Native.getLastError(), name);
        }
    }

    /**
     * {@code futimens(fd, times)}: sets the access and modification times to the nanosecond (as
     * far as the file system keeps them). Needs a descriptor opened for reading or writing, not
     * {@link Open#PATH_ONLY} (EBADF); the change time becomes now, as always.
     */
    public void setTimes(long accessedSeconds, int accessedNanos, long modifiedSeconds, int modifiedNanos) throws ErrnoException {
        long[] times = {accessedSeconds, accessedNanos, modifiedSeconds, modifiedNanos};
        if (LibC.futimens(checkOpen(), times) == -1) {
            throw ErrnoException.of("futimens", Native.getLastError(), name);
        }
    }

    /**
     * The names of the file's extended attributes ({@code listxattr} of {@code /proc/self/fd/N},
     * which also works for a descriptor opened with {@link Open#PATH_ONLY}). Like file names,
     * they are any bytes and come as {@link FileNames#decode} strings, which
     * {@link #extendedAttribute} and {@link #setExtendedAttribute} take back.
     */
    public List<String> extendedAttributeNames() throws ErrnoException {
        byte[] self = FileNames.encodeForC("/proc/self/fd/" + checkOpen());
        while (true) {
            long size = LibC.listxattr(self, null, 0);
            if (size == -1) {
                throw ErrnoException.of("listxattr", Native.getLastError(), name);
            }
            byte[] list = new byte[(int) size];
            long got = size == 0 ? 0 : LibC.listxattr(self, list, size);
            if (got == -1) {
                int errno = Native.getLastError();
                if (errno == ErrnoException.ERANGE) {
                    continue; // the list grew in between
                }
                throw ErrnoException.of("listxattr", errno, name);
            }
            List<String> names = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < got; i++) {
                if (list[i] == 0) {
                    names.add(FileNames.decode(Arrays.copyOfRange(list, start, i)));
                    start = i + 1;
                }
            }
            return names;
        }
    }

    /** The value of an extended attribute ({@code getxattr}), or null if it is gone. */
    public byte[] extendedAttribute(String attribute) throws ErrnoException {
        byte[] self = FileNames.encodeForC("/proc/self/fd/" + checkOpen());
        byte[] key = FileNames.encodeForC(attribute);
        while (true) {
            long size = LibC.getxattr(self, key, null, 0);
            if (size == -1) {
                int errno = Native.getLastError();
                if (errno == ErrnoException.ENODATA) {
                    return null;
                }
                throw ErrnoException.of("getxattr", errno, name);
            }
            byte[] value = new byte[(int) size];
            long got = size == 0 ? 0 : LibC.getxattr(self, key, value, size);
            if (got == -1) {
                int errno = Native.getLastError();
                if (errno == ErrnoException.ERANGE) {
                    continue;
                }
                throw ErrnoException.of("getxattr", errno, name);
            }
            return got == size ? value : Arrays.copyOf(value, (int) got);
        }
    }

    /** {@code fsetxattr(fd, attribute, value, 0)}. */
    public void setExtendedAttribute(String attribute, byte[] value) throws ErrnoException {
        if (LibC.fsetxattr(checkOpen(), FileNames.encodeForC(attribute), value, value.length, 0) == -1) {
            throw ErrnoException.of("setxattr", Native.getLastError(), name);
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
        Pointer address = LibC.mmap(null, lengthBytes, access.prot, Mman.MAP_SHARED, checkOpen(), offset);
        if (Pointer.nativeValue(address) == -1L) {
            throw ErrnoException.of("mmap", Native.getLastError(), name);
        }
        return new Mapping(name, offset, address, (int) lengthBytes);
    }

    private int checkOpen() {
        if (fd < 0) {
            throw new IllegalStateException("file '" + name + "' is closed");
        }
        return fd;
    }

    @Override
    public void close() throws ErrnoException {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            if (LibC.close(closing) == -1) {
                throw ErrnoException.of("close", Native.getLastError(), name);
            }
        }
    }

    @Override
    public String toString() {
        return "NativeFile(name=\"" + name + "\", fd=" + fd + ")";
    }
}
