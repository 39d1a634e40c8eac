package mcp.copy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.NativeFile;

/**
 * Reads the copies back and compares each chunk's CRC32C with the checksum its copier computed of
 * what it wrote: a single wrong byte anywhere in a chunk changes its CRC32C. Only chunks are read;
 * the holes between them were never written, and read as zeros as they do in the source. A batch
 * is read file after file, as its copier wrote it, leaving out the files that failed.
 */
final class Verifier {
    private static final int BUFFER_BYTES = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

    private Verifier() {
    }

    /**
     * The indexes of the done chunks of {@code control} whose bytes in the copies do not match.
     *
     * @param copies the copy of each file row, by row index
     */
    static List<Integer> mismatches(ControlFile control, List<NativeFile> copies, int threads) throws IOException {
        return mismatches(control, copies, threads, Set.of());
    }

    /**
     * The same, leaving out the chunks in {@code checked}: those whose bytes this process has just
     * read back against their checksums already (a resume's).
     */
    static List<Integer> mismatches(ControlFile control, List<NativeFile> copies, int threads, Set<Integer> checked)
            throws IOException {
        List<Integer> chunks = new ArrayList<>();
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunkState(chunk) == ControlFile.DONE && !checked.contains(chunk)) {
                chunks.add(chunk);
            }
        }
        int poolThreads = Math.max(1, Math.min(threads, chunks.size()));
        if (poolThreads == 1) {
            // One thread would read them all: this one does, as the in-process copy of a small file
            // would otherwise start a pool and a thread for a few bytes.
            List<Integer> mismatched = new ArrayList<>();
            for (int chunk : chunks) {
                if (crc32c(control, chunk, copies) != control.chunkCrc(chunk)) {
                    mismatched.add(chunk);
                }
            }
            return mismatched;
        }
        ExecutorService pool = Executors.newFixedThreadPool(poolThreads, runnable -> {
            Thread thread = new Thread(runnable, "verify");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int chunk : chunks) {
                results.add(pool.submit(() -> crc32c(control, chunk, copies)));
            }
            List<Integer> mismatched = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                if (results.get(i).get() != control.chunkCrc(chunks.get(i))) {
                    mismatched.add(chunks.get(i));
                }
            }
            return mismatched;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw new IOException("verifying the copies failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verifying the copies was interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The CRC32C of what chunk {@code chunk} covers in the copies, as its copier computed it. */
    private static long crc32c(ControlFile control, int chunk, List<NativeFile> copies) throws ErrnoException {
        Chunk range = control.chunk(chunk);
        if (!range.isBatch()) {
            return crc32c(copies.get(range.fileIndex()), range.offset(), range.lengthBytes());
        }
        CRC32C crc = new CRC32C();
        for (int file = range.fileIndex(); file < range.fileIndex() + range.fileCount(); file++) {
            if (!control.isFileFailed(file)) {
                update(crc, copies.get(file), 0, control.fileSize(file));
            }
        }
        return crc.getValue();
    }

    /**
     * The CRC32C of {@code [offset, offset + length)} of {@code file}, read with {@code pread}: a
     * copy shorter than it should be reads short, where a mapping would fault.
     */
    static long crc32c(NativeFile file, long offset, long lengthBytes) throws ErrnoException {
        CRC32C crc = new CRC32C();
        update(crc, file, offset, lengthBytes);
        return crc.getValue();
    }

    /**
     * Adds {@code [offset, offset + length)} of {@code file} to {@code crc}, read with
     * {@code pread} through a buffer of this thread's; a short file adds what it has. Reading a
     * page cache page this way costs a copy; reading it through a new mapping, a page fault.
     */
    static void update(CRC32C crc, NativeFile file, long offset, long lengthBytes) throws ErrnoException {
        ByteBuffer buffer = BUFFERS.get();
        for (long at = offset; at < offset + lengthBytes; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), offset + lengthBytes - at));
            int read = file.read(buffer, at);
            if (read == 0) {
                break;
            }
            at += read;
            crc.update(buffer.flip());
        }
    }
}
