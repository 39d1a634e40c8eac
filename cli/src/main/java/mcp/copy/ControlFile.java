package mcp.copy;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import mcp.nativebridge.Mapping;
import mcp.nativebridge.NativeFile;

/**
 * The control file: the one channel between the coordinator and its workers, mapped
 * {@code MAP_SHARED} by all of them. This class is the only description of its layout.
 *
 * <pre>
 *   0        8        16       24       32       40       48       56       64
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | magic  |version |pageSize| chunks |workers | files  |runState|strings | header
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | coord  |                    (padding to 128)                          |
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |  pid   |heartbt | copied | state  |       (padding to 64)             | worker slot x workers
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |  size  |srcAt   |srcLen  |tmpAt   |tmpLen  |       (padding)          | file row x files
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | file   | offset | length | state  | owner  |attempts| crc32c | (pad)  | chunk row x chunks
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | path strings, UTF-8, {@code strings} bytes                           |
 *   +-----------------------------------------------------------------------+
 * </pre>
 *
 * <p>Every field is a native-order {@code long} at an 8-byte-aligned offset, so that reads,
 * writes and compare-and-set through {@link #LONG} are atomic across processes sharing the pages.
 * Records are 64 bytes (a cache line) so that workers updating neighbouring rows do not contend.
 * The creator fills in everything, then publishes {@link #VERSION_OFFSET} last with a release
 * store; an opener waits for it with acquire loads.
 */
public final class ControlFile implements AutoCloseable {
    /** "MCPCTRL\0" in ASCII, read as a big-endian long. */
    public static final long MAGIC = 0x4D43504354524C00L;
    /** Changes whenever the layout below changes. */
    public static final long LAYOUT_VERSION = 2;

    public static final int RECORD_LENGTH = 64;

    // Header.
    /** {@link #MAGIC}: this is a control file. */
    public static final int MAGIC_OFFSET = 0;
    /** {@link #LAYOUT_VERSION}, written last: non-zero means the file is complete. */
    public static final int VERSION_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** The page size the chunks were aligned to. */
    public static final int PAGE_SIZE_OFFSET = VERSION_OFFSET + Long.BYTES;
    /** Number of chunk rows. */
    public static final int CHUNK_COUNT_OFFSET = PAGE_SIZE_OFFSET + Long.BYTES;
    /** Number of worker slots. */
    public static final int WORKER_COUNT_OFFSET = CHUNK_COUNT_OFFSET + Long.BYTES;
    /** Number of file rows. */
    public static final int FILE_COUNT_OFFSET = WORKER_COUNT_OFFSET + Long.BYTES;
    /** {@link #RUNNING} or {@link #STOPPING}: workers stop claiming when it is no longer running. */
    public static final int RUN_STATE_OFFSET = FILE_COUNT_OFFSET + Long.BYTES;
    /** Length of the string area at the end. */
    public static final int STRINGS_LENGTH_OFFSET = RUN_STATE_OFFSET + Long.BYTES;
    /** Process id of the coordinator: workers exit when it is gone. */
    public static final int COORDINATOR_PID_OFFSET = STRINGS_LENGTH_OFFSET + Long.BYTES;
    public static final int HEADER_LENGTH = 2 * RECORD_LENGTH;

    // Worker slot, one per worker, from HEADER_LENGTH.
    /** Process id of the worker in the slot, 0 before it starts. */
    public static final int SLOT_PID_OFFSET = 0;
    /** {@code System.currentTimeMillis()} at the worker's last sign of life. */
    public static final int SLOT_HEARTBEAT_OFFSET = SLOT_PID_OFFSET + Long.BYTES;
    /** Bytes the worker has copied and synced so far. */
    public static final int SLOT_BYTES_COPIED_OFFSET = SLOT_HEARTBEAT_OFFSET + Long.BYTES;
    /** {@link #SLOT_EMPTY}, {@link #SLOT_RUNNING} or {@link #SLOT_FINISHED}. */
    public static final int SLOT_STATE_OFFSET = SLOT_BYTES_COPIED_OFFSET + Long.BYTES;

    // File row, one per file, after the slots.
    /** Size of the source in bytes when the copy was planned. */
    public static final int FILE_SIZE_OFFSET = 0;
    /** Source path: offset into the string area. */
    public static final int FILE_SOURCE_AT_OFFSET = FILE_SIZE_OFFSET + Long.BYTES;
    /** Source path: length in bytes. */
    public static final int FILE_SOURCE_LENGTH_OFFSET = FILE_SOURCE_AT_OFFSET + Long.BYTES;
    /** Temporary destination path: offset into the string area. */
    public static final int FILE_TARGET_AT_OFFSET = FILE_SOURCE_LENGTH_OFFSET + Long.BYTES;
    /** Temporary destination path: length in bytes. */
    public static final int FILE_TARGET_LENGTH_OFFSET = FILE_TARGET_AT_OFFSET + Long.BYTES;

    // Chunk row, one per chunk, after the file rows.
    /** Index of the file row the chunk belongs to. */
    public static final int CHUNK_FILE_OFFSET = 0;
    /** Offset of the chunk in the file, a multiple of the page size. */
    public static final int CHUNK_OFFSET_OFFSET = CHUNK_FILE_OFFSET + Long.BYTES;
    /** Length of the chunk in bytes. */
    public static final int CHUNK_LENGTH_OFFSET = CHUNK_OFFSET_OFFSET + Long.BYTES;
    /** {@link #PENDING}, {@link #CLAIMED}, {@link #DONE} or {@link #FAILED}; changed by compare-and-set. */
    public static final int CHUNK_STATE_OFFSET = CHUNK_LENGTH_OFFSET + Long.BYTES;
    /** Process id of the worker that claimed the chunk last. */
    public static final int CHUNK_OWNER_OFFSET = CHUNK_STATE_OFFSET + Long.BYTES;
    /** How many times the chunk has been claimed. */
    public static final int CHUNK_ATTEMPTS_OFFSET = CHUNK_OWNER_OFFSET + Long.BYTES;
    /** CRC32C of the source bytes of the chunk, valid once it is {@link #DONE}. */
    public static final int CHUNK_CRC_OFFSET = CHUNK_ATTEMPTS_OFFSET + Long.BYTES;

    public static final long RUNNING = 1;
    public static final long STOPPING = 2;

    public static final long SLOT_EMPTY = 0;
    public static final long SLOT_RUNNING = 1;
    public static final long SLOT_FINISHED = 2;

    public static final long PENDING = 0;
    public static final long CLAIMED = 1;
    /** Copied, checksummed and synced to the device with {@code msync(MS_SYNC)}. */
    public static final long DONE = 2;
    public static final long FAILED = 3;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** What a control file describes: the files and their chunks, and how many workers share them. */
    public record FileEntry(Path source, Path target, long sizeBytes) {
    }

    private final NativeFile file;
    private final Mapping mapping;
    private final ByteBuffer buffer;
    private final int workerCount;
    private final int fileCount;
    private final int chunkCount;
    /** Where this process looks for a pending chunk next: claims move forward through the file. */
    private int claimCursor;

    private ControlFile(NativeFile file, Mapping mapping, int workerCount, int fileCount, int chunkCount) {
        this.file = file;
        this.mapping = mapping;
        this.buffer = mapping.buffer();
        this.workerCount = workerCount;
        this.fileCount = fileCount;
        this.chunkCount = chunkCount;
    }

    static long lengthBytes(int workers, int files, int chunks, int stringBytes) {
        return HEADER_LENGTH + (long) RECORD_LENGTH * (workers + files + chunks) + stringBytes;
    }

    /** Creates the control file at {@code path} (which must not exist), filled in and published. */
    public static ControlFile create(Path path, List<FileEntry> files, List<Chunk> chunks, int workers, long pageSize)
            throws IOException {
        byte[][] strings = new byte[files.size() * 2][];
        int stringBytes = 0;
        for (int i = 0; i < files.size(); i++) {
            strings[2 * i] = files.get(i).source().toString().getBytes(StandardCharsets.UTF_8);
            strings[2 * i + 1] = files.get(i).target().toString().getBytes(StandardCharsets.UTF_8);
            stringBytes += strings[2 * i].length + strings[2 * i + 1].length;
        }
        long length = lengthBytes(workers, files.size(), chunks.size(), stringBytes);
        NativeFile file = NativeFile.createExclusive(path, 0600);
        boolean ok = false;
        try {
            file.truncate(length);
            ControlFile control = new ControlFile(file, file.map(0, length, Mapping.Access.READ_WRITE), workers, files.size(), chunks.size());
            control.fill(files, strings, chunks, pageSize, stringBytes);
            ok = true;
            return control;
        } finally {
            if (!ok) {
                file.close();
            }
        }
    }

    private void fill(List<FileEntry> files, byte[][] strings, List<Chunk> chunks, long pageSize, int stringBytes) {
        put(MAGIC_OFFSET, MAGIC);
        put(PAGE_SIZE_OFFSET, pageSize);
        put(CHUNK_COUNT_OFFSET, chunkCount);
        put(WORKER_COUNT_OFFSET, workerCount);
        put(FILE_COUNT_OFFSET, fileCount);
        put(RUN_STATE_OFFSET, RUNNING);
        put(STRINGS_LENGTH_OFFSET, stringBytes);
        put(COORDINATOR_PID_OFFSET, ProcessHandle.current().pid());
        int stringAt = 0;
        for (int i = 0; i < fileCount; i++) {
            int row = fileRow(i);
            put(row + FILE_SIZE_OFFSET, files.get(i).sizeBytes());
            put(row + FILE_SOURCE_AT_OFFSET, stringAt);
            put(row + FILE_SOURCE_LENGTH_OFFSET, strings[2 * i].length);
            buffer.put(stringsStart() + stringAt, strings[2 * i]);
            stringAt += strings[2 * i].length;
            put(row + FILE_TARGET_AT_OFFSET, stringAt);
            put(row + FILE_TARGET_LENGTH_OFFSET, strings[2 * i + 1].length);
            buffer.put(stringsStart() + stringAt, strings[2 * i + 1]);
            stringAt += strings[2 * i + 1].length;
        }
        for (int i = 0; i < chunkCount; i++) {
            Chunk chunk = chunks.get(i);
            int row = chunkRow(i);
            put(row + CHUNK_FILE_OFFSET, chunk.fileIndex());
            put(row + CHUNK_OFFSET_OFFSET, chunk.offset());
            put(row + CHUNK_LENGTH_OFFSET, chunk.lengthBytes());
            put(row + CHUNK_STATE_OFFSET, PENDING);
        }
        LONG.setRelease(buffer, VERSION_OFFSET, LAYOUT_VERSION);
    }

    /**
     * Opens a control file made by {@link #create}, waiting up to {@code timeoutMillis} for its
     * creator to publish it.
     */
    public static ControlFile open(Path path, long timeoutMillis) throws IOException {
        NativeFile file = NativeFile.openForWriting(path);
        boolean ok = false;
        try {
            long length = java.nio.file.Files.size(path);
            if (length < HEADER_LENGTH) {
                throw new IOException("control file '" + path + "' is too short: " + length + " bytes");
            }
            Mapping mapping = file.map(0, length, Mapping.Access.READ_WRITE);
            ByteBuffer header = mapping.buffer();
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            long version;
            while ((version = (long) LONG.getAcquire(header, VERSION_OFFSET)) == 0) {
                if (System.nanoTime() > deadline) {
                    mapping.close();
                    throw new IOException("control file '" + path + "' was created but not initialised");
                }
                Thread.onSpinWait();
            }
            long magic = (long) LONG.get(header, MAGIC_OFFSET);
            if (magic != MAGIC || version != LAYOUT_VERSION) {
                mapping.close();
                throw new IOException("control file '" + path + "' has an unknown layout: app=" + LAYOUT_VERSION
                        + " file=" + version + (magic == MAGIC ? "" : " (bad magic)"));
            }
            ControlFile control = new ControlFile(file, mapping, (int) (long) LONG.get(header, WORKER_COUNT_OFFSET),
                    (int) (long) LONG.get(header, FILE_COUNT_OFFSET), (int) (long) LONG.get(header, CHUNK_COUNT_OFFSET));
            ok = true;
            return control;
        } finally {
            if (!ok) {
                file.close();
            }
        }
    }

    public int workerCount() {
        return workerCount;
    }

    public int fileCount() {
        return fileCount;
    }

    public int chunkCount() {
        return chunkCount;
    }

    public long pageSize() {
        return get(PAGE_SIZE_OFFSET);
    }

    public long coordinatorPid() {
        return get(COORDINATOR_PID_OFFSET);
    }

    // Run state.

    public boolean isRunning() {
        return (long) LONG.getAcquire(buffer, RUN_STATE_OFFSET) == RUNNING;
    }

    /** Asks every worker to stop claiming chunks. */
    public void requestStop() {
        LONG.setRelease(buffer, RUN_STATE_OFFSET, STOPPING);
    }

    // Files.

    public long fileSize(int file) {
        return get(fileRow(file) + FILE_SIZE_OFFSET);
    }

    public Path sourcePath(int file) {
        return string(fileRow(file) + FILE_SOURCE_AT_OFFSET, fileRow(file) + FILE_SOURCE_LENGTH_OFFSET);
    }

    public Path targetPath(int file) {
        return string(fileRow(file) + FILE_TARGET_AT_OFFSET, fileRow(file) + FILE_TARGET_LENGTH_OFFSET);
    }

    private Path string(int atField, int lengthField) {
        byte[] bytes = new byte[(int) get(lengthField)];
        buffer.get(stringsStart() + (int) get(atField), bytes);
        return Path.of(new String(bytes, StandardCharsets.UTF_8));
    }

    // Chunks.

    public Chunk chunk(int chunk) {
        int row = chunkRow(chunk);
        return new Chunk((int) get(row + CHUNK_FILE_OFFSET), get(row + CHUNK_OFFSET_OFFSET), get(row + CHUNK_LENGTH_OFFSET));
    }

    public long chunkState(int chunk) {
        return (long) LONG.getAcquire(buffer, chunkRow(chunk) + CHUNK_STATE_OFFSET);
    }

    public long chunkOwner(int chunk) {
        return (long) LONG.getAcquire(buffer, chunkRow(chunk) + CHUNK_OWNER_OFFSET);
    }

    public long chunkAttempts(int chunk) {
        return (long) LONG.getAcquire(buffer, chunkRow(chunk) + CHUNK_ATTEMPTS_OFFSET);
    }

    public long chunkCrc(int chunk) {
        return (long) LONG.getAcquire(buffer, chunkRow(chunk) + CHUNK_CRC_OFFSET);
    }

    /**
     * Claims a pending chunk for {@code pid}: the next one after this process's last claim, or,
     * past the end, one that was handed back earlier in the file.
     *
     * @return the chunk's index, or -1 when none is pending
     */
    public int claimNext(long pid) {
        for (int scanned = 0; scanned < chunkCount; scanned++) {
            int chunk = (claimCursor + scanned) % chunkCount;
            int row = chunkRow(chunk);
            if ((long) LONG.getAcquire(buffer, row + CHUNK_STATE_OFFSET) == PENDING
                    && LONG.compareAndSet(buffer, row + CHUNK_STATE_OFFSET, PENDING, CLAIMED)) {
                LONG.setRelease(buffer, row + CHUNK_OWNER_OFFSET, pid);
                LONG.getAndAdd(buffer, row + CHUNK_ATTEMPTS_OFFSET, 1L);
                claimCursor = (chunk + 1) % chunkCount;
                return chunk;
            }
        }
        return -1;
    }

    /** Records the chunk's checksum and marks it done; its bytes must already be synced. */
    public void markDone(int chunk, long crc32c) {
        int row = chunkRow(chunk);
        LONG.setRelease(buffer, row + CHUNK_CRC_OFFSET, crc32c);
        transition(chunk, CLAIMED, DONE);
    }

    public void markFailed(int chunk) {
        transition(chunk, CLAIMED, FAILED);
    }

    /** Puts a chunk back to pending, to be copied again (after a failed verification). */
    public void reset(int chunk, long expectedState) {
        transition(chunk, expectedState, PENDING);
    }

    private void transition(int chunk, long from, long to) {
        if (!LONG.compareAndSet(buffer, chunkRow(chunk) + CHUNK_STATE_OFFSET, from, to)) {
            throw new IllegalStateException("chunk " + chunk + " is in state " + chunkState(chunk) + ", not " + from);
        }
    }

    // Worker slots.

    public void slotStarted(int slot, long pid) {
        int at = slotRow(slot);
        LONG.setRelease(buffer, at + SLOT_PID_OFFSET, pid);
        heartbeat(slot);
        LONG.setRelease(buffer, at + SLOT_STATE_OFFSET, SLOT_RUNNING);
    }

    public void heartbeat(int slot) {
        LONG.setRelease(buffer, slotRow(slot) + SLOT_HEARTBEAT_OFFSET, System.currentTimeMillis());
    }

    public void addBytesCopied(int slot, long bytes) {
        LONG.getAndAdd(buffer, slotRow(slot) + SLOT_BYTES_COPIED_OFFSET, bytes);
    }

    public void slotFinished(int slot) {
        heartbeat(slot);
        LONG.setRelease(buffer, slotRow(slot) + SLOT_STATE_OFFSET, SLOT_FINISHED);
    }

    public long slotState(int slot) {
        return (long) LONG.getAcquire(buffer, slotRow(slot) + SLOT_STATE_OFFSET);
    }

    public long slotPid(int slot) {
        return (long) LONG.getAcquire(buffer, slotRow(slot) + SLOT_PID_OFFSET);
    }

    public long slotBytesCopied(int slot) {
        return (long) LONG.getAcquire(buffer, slotRow(slot) + SLOT_BYTES_COPIED_OFFSET);
    }

    /** Marks a slot empty again, for a worker that starts afresh in it. */
    public void clearSlot(int slot) {
        LONG.setRelease(buffer, slotRow(slot) + SLOT_STATE_OFFSET, SLOT_EMPTY);
        LONG.setRelease(buffer, slotRow(slot) + SLOT_PID_OFFSET, 0L);
    }

    // Layout arithmetic.

    private int slotRow(int slot) {
        return HEADER_LENGTH + RECORD_LENGTH * checkIndex(slot, workerCount);
    }

    private int fileRow(int file) {
        return HEADER_LENGTH + RECORD_LENGTH * (workerCount + checkIndex(file, fileCount));
    }

    private int chunkRow(int chunk) {
        return HEADER_LENGTH + RECORD_LENGTH * (workerCount + fileCount + checkIndex(chunk, chunkCount));
    }

    private int stringsStart() {
        return HEADER_LENGTH + RECORD_LENGTH * (workerCount + fileCount + chunkCount);
    }

    private static int checkIndex(int index, int count) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(index + " is not in 0.." + (count - 1));
        }
        return index;
    }

    private long get(int offset) {
        return (long) LONG.get(buffer, offset);
    }

    private void put(int offset, long value) {
        LONG.set(buffer, offset, value);
    }

    @Override
    public void close() throws IOException {
        try {
            mapping.close();
        } finally {
            file.close();
        }
    }
}
