package mcp.copy;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.NativeFile;

/**
 * Copies what can be read from a file to its end, with {@code read} and {@code write}: for files
 * whose size says nothing of their content (procfs, sysfs, FIFOs, character devices, terminals)
 * or that cannot be mapped. It runs in the coordinator; nothing here maps the source.
 */
final class Streamer {
    private static final int BUFFER_BYTES = 1 << 20;

    /** What a stream copy moved: how many bytes, and their CRC32C. */
    record Streamed(long bytes, long crc32c) {
    }

    /** A failed read of the source or write of the copy. */
    static final class StreamException extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean reading;

        StreamException(boolean reading, ErrnoException cause) {
            super(cause);
            this.reading = reading;
        }

        ErrnoException errno() {
            return (ErrnoException) getCause();
        }
    }

    private Streamer() {
    }

    /** Reads {@code from} to its end and writes everything to {@code to}, from their current offsets. */
    static Streamed copy(NativeFile from, NativeFile to) throws StreamException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        CRC32C crc = new CRC32C();
        long total = 0;
        while (true) {
            buffer.clear();
            int read;
            try {
                read = from.read(buffer);
            } catch (ErrnoException e) {
                throw new StreamException(true, e);
            }
            if (read == 0) {
                return new Streamed(total, crc.getValue());
            }
            buffer.flip();
            crc.update(buffer.duplicate());
            try {
                to.write(buffer);
            } catch (ErrnoException e) {
                throw new StreamException(false, e);
            }
            total += read;
        }
    }
}
