package mcp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real copy for a progress meter to watch: copies a file chunk by chunk, adding each chunk's
 * bytes to a counter once they are written, with a pause after each so that a meter refreshing
 * every few milliseconds sees it under way.
 */
final class ChunkedCopy implements Runnable {
    private final Path source;
    private final Path target;
    private final int chunkBytes;
    private final long pauseMillis;
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong filesDone = new AtomicLong();

    ChunkedCopy(Path source, Path target, int chunkBytes, long pauseMillis) {
        this.source = source;
        this.target = target;
        this.chunkBytes = chunkBytes;
        this.pauseMillis = pauseMillis;
    }

    long bytesDone() {
        return bytesDone.get();
    }

    /** 0 until the last byte is written, then 1. */
    long filesDone() {
        return filesDone.get();
    }

    @Override
    public void run() {
        try (FileChannel in = FileChannel.open(source);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(chunkBytes);
            while (in.read(buffer) > 0) {
                buffer.flip();
                int length = buffer.remaining();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                buffer.clear();
                bytesDone.addAndGet(length);
                Thread.sleep(pauseMillis);
            }
            filesDone.set(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
