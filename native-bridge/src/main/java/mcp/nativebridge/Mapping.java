package mcp.nativebridge;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@code MAP_SHARED} mapping of part of a file, seen through a direct {@link ByteBuffer}.
 *
 * <p>Bytes are read and written through {@link #buffer()} in Java, never by native code: if the
 * file shrinks under the mapping, touching a page beyond its end raises SIGBUS, which the JVM turns
 * into an {@link InternalError} for buffer accesses but which would kill it inside a native call.
 * The error is not always thrown by the access itself: JDK 17 lets the faulting read return zeros
 * and throws at the thread's next call into the VM, so callers catch it around a whole unit of
 * work and must not trust bytes read before it. Buffers must not be used after {@link #close()},
 * which unmaps the memory behind them.
 */
public final class Mapping implements AutoCloseable {
    /** The protection of a mapping; writing needs a file opened with {@link NativeFile#openForWriting}. */
    public enum Access {
        READ_ONLY(Mman.PROT_READ),
        READ_WRITE(Mman.PROT_READ | Mman.PROT_WRITE);

        final int prot;

        Access(int prot) {
            this.prot = prot;
        }
    }

    private final String name;
    private final long fileOffset;
    private final int lengthBytes;
    private Pointer address;
    private ByteBuffer buffer;

    Mapping(String name, long fileOffset, Pointer address, int lengthBytes) {
        this.name = name;
        this.fileOffset = fileOffset;
        this.address = address;
        this.lengthBytes = lengthBytes;
        this.buffer = address.getByteBuffer(0, lengthBytes);
    }

    /** A new view of the mapped bytes, positioned at 0, which is {@link #fileOffset()} in the file. */
    public ByteBuffer buffer() {
        checkOpen();
        return buffer.duplicate().order(buffer.order());
    }

    public long fileOffset() {
        return fileOffset;
    }

    public int lengthBytes() {
        return lengthBytes;
    }

    /** {@code msync(MS_SYNC)}: returns once the mapping's changes are written to the device. */
    public void sync() throws ErrnoException {
        if (LibC.msync(checkOpen(), lengthBytes, Mman.MS_SYNC) == -1) {
            throw ErrnoException.of("msync", Native.getLastError(), name);
        }
    }

    /** {@code madvise(MADV_SEQUENTIAL)}: aggressive read-ahead, early reclaim behind. */
    public void adviseSequential() throws ErrnoException {
        madvise(Mman.MADV_SEQUENTIAL);
    }

    /** {@code madvise(MADV_WILLNEED)}: start reading the whole range in now. */
    public void adviseWillNeed() throws ErrnoException {
        madvise(Mman.MADV_WILLNEED);
    }

    private void madvise(int advice) throws ErrnoException {
        if (LibC.madvise(checkOpen(), lengthBytes, advice) == -1) {
            throw ErrnoException.of("madvise", Native.getLastError(), name);
        }
    }

    private Pointer checkOpen() {
        if (address == null) {
            throw new IllegalStateException("mapping of '" + name + "' at " + fileOffset + " is closed");
        }
        return address;
    }

    /** {@code munmap}: the buffer is unusable afterwards. */
    @Override
    public void close() throws ErrnoException {
        if (address != null) {
            Pointer unmapping = address;
            address = null;
            buffer = null;
            if (LibC.munmap(unmapping, lengthBytes) == -1) {
                throw ErrnoException.of("munmap", Native.getLastError(), name);
            }
        }
    }

    @Override
    public String toString() {
        return "Mapping(name=\"" + name + "\", offset=" + fileOffset + ", length=" + lengthBytes + ")";
    }
}
