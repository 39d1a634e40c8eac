package mcp.copy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Reads the copy back and compares each chunk's CRC32C with the checksum its worker computed from
 * the source: a single wrong byte anywhere in a chunk changes its CRC32C.
 */
final class Verifier {
    private static final int BUFFER_BYTES = 1 << 20;

    private Verifier() {
    }

    /** The indexes of the done chunks of {@code control} whose bytes in {@code target} do not match. */
    static List<Integer> mismatches(ControlFile control, int fileIndex, Path target, int threads) throws IOException {
        List<Integer> chunks = new ArrayList<>();
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunk(chunk).fileIndex() == fileIndex) {
                chunks.add(chunk);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, chunks.size())), runnable -> {
            Thread thread = new Thread(runnable, "verify");
            thread.setDaemon(true);
            return thread;
        });
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
            ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));
            List<Future<Boolean>> results = new ArrayList<>();
            for (int chunk : chunks) {
                results.add(pool.submit(() -> crc32c(channel, control.chunk(chunk), buffers.get()) == control.chunkCrc(chunk)));
            }
            List<Integer> mismatched = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                if (!results.get(i).get()) {
                    mismatched.add(chunks.get(i));
                }
            }
            return mismatched;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException) {
                throw ((UncheckedIOException) e.getCause()).getCause();
            }
            throw new IOException("verifying '" + target + "' failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verifying '" + target + "' was interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    static long crc32c(FileChannel channel, Chunk chunk, ByteBuffer buffer) {
        CRC32C crc = new CRC32C();
        try {
            for (long at = chunk.offset(); at < chunk.end(); ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), chunk.end() - at));
                int read = channel.read(buffer, at);
                if (read < 0) {
                    break;
                }
                at += read;
                crc.update(buffer.flip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crc.getValue();
    }
}
