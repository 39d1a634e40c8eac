package mcp.copy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.NativeFile;

/**
 * Reads the copy back and compares each chunk's CRC32C with the checksum its worker computed of
 * what it wrote: a single wrong byte anywhere in a chunk changes its CRC32C. Only chunks are read;
 * the holes between them were never written, and read as zeros as they do in the source.
 */
final class Verifier {
    private static final int BUFFER_BYTES = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

    private Verifier() {
    }

    /**
     * The indexes of the done chunks of file {@code fileIndex} of {@code control} whose bytes in
     * {@code target} do not match.
     */
    static List<Integer> mismatches(ControlFile control, int fileIndex, NativeFile target, int threads) throws IOException {
        List<Integer> chunks = new ArrayList<>();
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunk(chunk).fileIndex() == fileIndex) {
                chunks.add(chunk);
            }
        }
        int poolThreads = Math.max(1, Math.min(threads, chunks.size()));
        if (poolThreads == 1) {
            // One thread would read them all: this one does, as the in-process copy of a small file
            // would otherwise start a pool and a thread for a few bytes.
            List<Integer> mismatched = new ArrayList<>();
            for (int chunk : chunks) {
                Chunk range = control.chunk(chunk);
                if (crc32c(target, range.offset(), range.lengthBytes()) != control.chunkCrc(chunk)) {
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
                Chunk range = control.chunk(chunk);
                results.add(pool.submit(() -> crc32c(target, range.offset(), range.lengthBytes())));
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
            throw new IOException("verifying '" + target.name() + "' failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verifying '" + target.name() + "' was interrupted", e);
        } finally {
            pool.shutdownNow();
        }
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
