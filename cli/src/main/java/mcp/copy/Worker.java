package mcp.copy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import mcp.nativebridge.Mapping;
import mcp.nativebridge.NativeFile;

/**
 * The copy loop of one worker process: claim a chunk, copy it window by window through two
 * mappings, checksum the source bytes, {@code msync(MS_SYNC)}, mark the chunk done; until no chunk
 * is pending or the coordinator asks to stop.
 */
final class Worker implements AutoCloseable {
    /** The most a worker maps of each file at once: keeps address space and page tables small. */
    static final long WINDOW_BYTES = 16L << 20;
    /** Bytes copied and checksummed together, small enough to stay in the CPU cache in between. */
    private static final int SLICE_BYTES = 256 << 10;

    private final ControlFile control;
    private final int slot;
    private final long pid = ProcessHandle.current().pid();
    private final Map<Integer, NativeFile[]> openFiles = new HashMap<>();

    Worker(ControlFile control, int slot) {
        this.control = control;
        this.slot = slot;
    }

    void run() throws IOException {
        control.slotStarted(slot, pid);
        int chunk;
        while (control.isRunning() && (chunk = control.claimNext(pid)) >= 0) {
            long crc;
            try {
                crc = copy(control.chunk(chunk));
            } catch (IOException | RuntimeException e) {
                control.markFailed(chunk);
                throw e;
            }
            control.markDone(chunk, crc);
        }
        control.slotFinished(slot);
    }

    private long copy(Chunk chunk) throws IOException {
        NativeFile[] files = files(chunk.fileIndex());
        NativeFile source = files[0];
        NativeFile target = files[1];
        CRC32C crc = new CRC32C();
        try {
            for (long offset = chunk.offset(); offset < chunk.end(); offset += WINDOW_BYTES) {
                long length = Math.min(WINDOW_BYTES, chunk.end() - offset);
                try (Mapping from = source.map(offset, length, Mapping.Access.READ_ONLY);
                     Mapping to = target.map(offset, length, Mapping.Access.READ_WRITE)) {
                    from.adviseSequential();
                    copy(from.buffer(), to.buffer(), crc);
                    to.sync();
                }
                control.addBytesCopied(slot, length);
                control.heartbeat(slot);
            }
        } catch (InternalError e) {
            // SIGBUS, thrown at or soon after the access: a mapped page lies beyond the end of the file.
            throw new IOException("'" + source.path() + "' shrank while it was being copied", e);
        }
        return crc.getValue();
    }

    private static void copy(ByteBuffer from, ByteBuffer to, CRC32C crc) {
        for (int at = 0; at < from.limit(); at += SLICE_BYTES) {
            int length = Math.min(SLICE_BYTES, from.limit() - at);
            ByteBuffer slice = from.slice(at, length);
            to.put(at, slice, 0, length);
            crc.update(slice);
        }
    }

    private NativeFile[] files(int fileIndex) throws IOException {
        NativeFile[] files = openFiles.get(fileIndex);
        if (files == null) {
            NativeFile source = NativeFile.openForReading(control.sourcePath(fileIndex));
            try {
                files = new NativeFile[] {source, NativeFile.openForWriting(control.targetPath(fileIndex))};
            } catch (IOException e) {
                source.close();
                throw e;
            }
            openFiles.put(fileIndex, files);
        }
        return files;
    }

    @Override
    public void close() throws IOException {
        for (NativeFile[] files : openFiles.values()) {
            files[0].close();
            files[1].close();
        }
        openFiles.clear();
    }
}
