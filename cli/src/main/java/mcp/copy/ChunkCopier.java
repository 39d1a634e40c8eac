package mcp.copy;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.zip.CRC32C;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.Mapping;
import mcp.nativebridge.NativeFile;

/**
 * Copies one chunk of a file, window by window, by one of the {@link CopyMethod}s, and makes it
 * durable. This is the copy step itself, the same in a worker JVM and in the coordinator.
 *
 * <p>Nothing reads the source's mapping in Java but {@link CopyMethod#MMAP}'s
 * {@code ByteBuffer.put}, where a fault on a source that shrank under its mapping is an
 * {@link InternalError} and not a crash ({@link CopyMethod#PWRITE} gets {@code EFAULT} from the
 * kernel instead). The CRC32C intrinsic would crash the JVM on such a fault, so the checksum is
 * always taken of the copy, of what was written, slice by slice while the slice is still in the
 * CPU's cache: through the copy's mapping for {@link CopyMethod#MMAP}, by {@code pread} otherwise. A fault is blamed on the source only if the source
 * did shrink; otherwise it was writing the copy that failed (no space on a file system that could
 * not reserve it, an I/O error).
 */
final class ChunkCopier {
    /** The most mapped of each file at once: keeps address space and page tables small. */
    static final long WINDOW_BYTES = 16L << 20;
    /** The most writeback waited for at once: small, so that a slow device still lets the worker beat often. */
    static final long SYNC_PIECE_BYTES = 1L << 20;
    /** Bytes copied and checksummed together, small enough to stay in the CPU cache in between. */
    private static final int SLICE_BYTES = 256 << 10;

    /** What {@code copy_file_range} fails with where it cannot copy between two files at all. */
    private static final Set<Integer> UNSUPPORTED_IN_KERNEL = Set.of(
            ErrnoException.EXDEV, ErrnoException.EOPNOTSUPP, ErrnoException.ENOSYS, ErrnoException.EINVAL);
    /** What says the copy's file system is out of room. */
    private static final Set<Integer> FULL = Set.of(ErrnoException.ENOSPC, ErrnoException.EDQUOT, ErrnoException.EFBIG);

    /**
     * Told of the copy's progress: {@code bytes} more copied, or 0 for a sign of life alone. It is
     * told after every slice copied and every piece synced, so that a worker on a slow but healthy
     * device (dirty-page throttling blocks the copy, the sync waits for the device) still beats
     * at least every {@link #SYNC_PIECE_BYTES} written at the device's speed.
     */
    interface Progress {
        void windowDone(long bytes);

        /** Told once per chunk how long its {@code msync} took, for {@code mcp --stats}. */
        default void synced(long nanos) {
        }
    }

    private ChunkCopier() {
    }

    /**
     * Copies {@code chunk} from {@code source} to {@code target} by {@code method}, making it
     * durable with {@code msync(MS_SYNC)}: writeback of each window is started as soon as it is
     * copied ({@code sync_file_range}), and waited for once, for the whole chunk, at the end. A
     * synchronous msync per window would stall the copy on the device after every window.
     *
     * @return the CRC32C of the bytes now in the target
     */
    static long copy(NativeFile source, NativeFile target, Chunk chunk, CopyMethod method, Progress progress)
            throws CopyFailure {
        CRC32C crc = new CRC32C();
        copyRange(source, target, chunk.offset(), chunk.end(), method, crc, progress, true);
        try {
            sync(target, chunk, progress);
        } catch (InternalError fault) {
            // A fault of the copy that surfaced late, at the first call into the VM after it.
            throw blame(fault, source, target, chunk.end());
        }
        return crc.getValue();
    }

    /**
     * Copies the whole of a small file of a batch, adding its bytes to {@code crc}. No writeback
     * is started: the batch's round is made durable at once before its renames (one
     * {@code syncfs}), which a writeback started file by file would only interrupt.
     */
    static void copyFile(NativeFile source, NativeFile target, long sizeBytes, CopyMethod method, CRC32C crc,
            Progress progress) throws CopyFailure {
        copyRange(source, target, 0, sizeBytes, method, crc, progress, false);
    }

    private static void copyRange(NativeFile source, NativeFile target, long start, long end, CopyMethod method, CRC32C crc,
            Progress progress, boolean writeback) throws CopyFailure {
        try {
            copyWindows(source, target, start, end, method, crc, progress, writeback);
        } catch (InternalError fault) {
            // A fault that surfaced late, at some later call into the VM than the copy itself.
            throw blame(fault, source, target, end);
        }
    }

    private static void copyWindows(NativeFile source, NativeFile target, long start, long end, CopyMethod method, CRC32C crc,
            Progress progress, boolean writeback) throws CopyFailure {
        CopyMethod using = method;
        for (long offset = start; offset < end; offset += WINDOW_BYTES) {
            int length = (int) Math.min(WINDOW_BYTES, end - offset);
            try {
                if (using == CopyMethod.COPY_FILE_RANGE && !copyInKernel(source, target, offset, length, crc, progress)) {
                    using = CopyMethod.PWRITE;
                }
                if (using != CopyMethod.COPY_FILE_RANGE) {
                    copyFromMapping(source, target, offset, length, using, crc, progress);
                }
            } catch (ErrnoException e) {
                // munmap, madvise or reading back what was written: not expected, and nothing the user can act on.
                throw new CopyFailure(new WorkerError(WorkerError.Kind.INTERNAL, e.errno(), -1, e.getMessage()), e);
            } catch (InternalError fault) {
                // A fault surfaces at the thread's next call into the VM, which may come after the copy loop.
                throw blame(fault, source, target, offset + length);
            }
            if (writeback) {
                try {
                    target.startWriteback(offset, length);
                } catch (ErrnoException e) {
                    throw new CopyFailure(new WorkerError(WorkerError.Kind.TARGET_WRITE, e.errno(), -1, e.getMessage()), e);
                }
            }
            progress.windowDone(length);
        }
    }

    /**
     * Copies a window from a mapping of the source: by {@code ByteBuffer.put} into a mapping of the
     * target for {@link CopyMethod#MMAP}, checksumming the slices just stored; else by
     * {@code pwrite}, checksumming the slices just written as {@code pread} reads them back.
     */
    private static void copyFromMapping(NativeFile source, NativeFile target, long offset, int length, CopyMethod method,
            CRC32C crc, Progress progress) throws CopyFailure, ErrnoException {
        try (Mapping from = map(source, offset, length, Mapping.Access.READ_ONLY, WorkerError.Kind.SOURCE_READ);
             Mapping to = method == CopyMethod.MMAP
                     ? map(target, offset, length, Mapping.Access.READ_WRITE, WorkerError.Kind.TARGET_WRITE) : null) {
            from.adviseSequential();
            ByteBuffer in = from.buffer();
            ByteBuffer out = to == null ? null : to.buffer();
            for (int at = 0; at < length; at += SLICE_BYTES) {
                int slice = Math.min(SLICE_BYTES, length - at);
                if (out != null) {
                    out.put(at, in, at, slice);
                    crc.update(out.slice(at, slice));
                } else {
                    try {
                        target.write(in.slice(at, slice), offset + at);
                    } catch (ErrnoException e) {
                        throw e.errno() == ErrnoException.EFAULT ? blame(e, source, target, offset + at + slice)
                                : new CopyFailure(new WorkerError(WorkerError.Kind.TARGET_WRITE, e.errno(), -1, e.getMessage()), e);
                    }
                    Verifier.update(crc, target, offset + at, slice);
                }
                progress.windowDone(0);
            }
        }
    }

    /**
     * Copies a window with {@code copy_file_range}, a slice at a time, checksumming each slice as
     * {@code pread} reads it back.
     *
     * @return false if the kernel cannot copy between these files (nothing of the window was
     *         copied then): the caller copies it another way
     */
    private static boolean copyInKernel(NativeFile source, NativeFile target, long offset, int length, CRC32C crc,
            Progress progress) throws CopyFailure, ErrnoException {
        for (int at = 0; at < length; at += SLICE_BYTES) {
            int slice = Math.min(SLICE_BYTES, length - at);
            for (int done = 0; done < slice; ) {
                long copied;
                try {
                    copied = target.copyFrom(source, offset + at + done, offset + at + done, slice - done);
                } catch (ErrnoException e) {
                    if (at + done == 0 && UNSUPPORTED_IN_KERNEL.contains(e.errno())) {
                        return false;
                    }
                    throw new CopyFailure(new WorkerError(FULL.contains(e.errno()) ? WorkerError.Kind.TARGET_WRITE
                            : WorkerError.Kind.INTERNAL, e.errno(), -1, e.getMessage()), e);
                }
                if (copied == 0) {
                    throw blame(null, source, target, offset + at + slice);
                }
                done += (int) copied;
            }
            Verifier.update(crc, target, offset + at, slice);
            progress.windowDone(0);
        }
        return true;
    }

    /**
     * Makes the chunk's range of the target durable: first its writeback is waited for
     * {@link #SYNC_PIECE_BYTES} at a time ({@code sync_file_range}), so that a worker waiting on a
     * slow device still shows signs of life; then {@code msync(MS_SYNC)} of the range, window by
     * window, which flushes what is left (the file's metadata, the device's cache) and returns
     * once the chunk is on the device. The kernel syncs every dirty page of that range of the
     * file, whichever mapping or write dirtied it, so a fresh mapping that touches no page
     * serves. One msync per window, not per piece: each call may commit the file system's journal.
     */
    private static void sync(NativeFile target, Chunk chunk, Progress progress) throws CopyFailure {
        long began = System.nanoTime();
        try {
            for (long offset = chunk.offset(); offset < chunk.end(); offset += SYNC_PIECE_BYTES) {
                target.awaitWriteback(offset, Math.min(SYNC_PIECE_BYTES, chunk.end() - offset));
                progress.windowDone(0);
            }
            for (long offset = chunk.offset(); offset < chunk.end(); offset += WINDOW_BYTES) {
                try (Mapping range = map(target, offset, Math.min(WINDOW_BYTES, chunk.end() - offset), Mapping.Access.READ_WRITE,
                        WorkerError.Kind.TARGET_WRITE)) {
                    range.sync();
                }
                progress.windowDone(0);
            }
        } catch (ErrnoException e) {
            throw new CopyFailure(new WorkerError(WorkerError.Kind.TARGET_WRITE, e.errno(), -1, e.getMessage()), e);
        }
        progress.synced(System.nanoTime() - began);
    }

    private static Mapping map(NativeFile file, long offset, long length, Mapping.Access access, WorkerError.Kind kind)
            throws CopyFailure {
        try {
            return file.map(offset, length, access);
        } catch (ErrnoException e) {
            throw new CopyFailure(new WorkerError(kind, e.errno(), -1, e.getMessage()), e);
        }
    }

    /**
     * Says whose fault a SIGBUS, an {@code EFAULT} or a premature end of the source was: the
     * source's if it shrank below {@code windowEnd}, else the destination's.
     */
    static CopyFailure blame(Throwable fault, NativeFile source, NativeFile target, long windowEnd) {
        try {
            if (source.status().sizeBytes() < windowEnd) {
                return new CopyFailure(new WorkerError(WorkerError.Kind.SOURCE_CHANGED, 0, -1, "the source shrank"), fault);
            }
            boolean full = target.fileSystemAvailableBytes() < WINDOW_BYTES;
            return new CopyFailure(new WorkerError(WorkerError.Kind.TARGET_WRITE, full ? ErrnoException.ENOSPC : ErrnoException.EIO,
                    -1, "fault writing the copy"), fault);
        } catch (ErrnoException e) {
            return new CopyFailure(new WorkerError(WorkerError.Kind.INTERNAL, e.errno(), -1, e.getMessage()), fault);
        }
    }
}
