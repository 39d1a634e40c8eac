package mcp.copy;

import static mcp.copy.ControlLayout.*;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.Mapping;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * The control file: the one channel between the coordinator and its workers, mapped
 * {@code MAP_SHARED} by all of them. Its layout is {@link ControlLayout}'s; this class gives it
 * types: the header, the slots of the copying processes, the file rows and the chunk rows, and the
 * states they move through. The creator fills in everything, then publishes
 * {@link ControlLayout#VERSION_OFFSET} last with a release store; an opener waits for it with
 * acquire loads.
 *
 * <p>Files are named by the coordinator's descriptors, not by paths: a worker opens
 * {@code /proc/COORDINATOR/fd/N} and checks the device and inode recorded here, so it reaches
 * exactly the files the coordinator opened, whatever happens to names in the meantime. The control
 * file itself is reached the same way, with its identity on the worker's command line.
 */
public final class ControlFile implements AutoCloseable {
    /** Kept here for the tests and tools that read a control file: see {@link ControlLayout}. */
    public static final long LAYOUT_VERSION = ControlLayout.LAYOUT_VERSION;
    public static final int HEADER_LENGTH = ControlLayout.HEADER_LENGTH;
    public static final int VERSION_OFFSET = ControlLayout.VERSION_OFFSET;

    public static final long RUNNING = 1;
    public static final long STOPPING = 2;

    public static final long SLOT_EMPTY = 0;
    public static final long SLOT_RUNNING = 1;
    public static final long SLOT_FINISHED = 2;
    /** The worker stopped on an error it described in the slot. */
    public static final long SLOT_FAILED = 3;

    /** A file row's state: the file may still be copied. */
    public static final long FILE_COPYING = 0;
    /** A file row's state while its error is being written. */
    private static final long FILE_RECORDING = 1;
    /** A file row's state: copying it failed; its error record says why. */
    public static final long FILE_FAILED = 2;

    public static final long PENDING = 0;
    public static final long CLAIMED = 1;
    /** Copied, checksummed and synced to the device with {@code msync(MS_SYNC)}. */
    public static final long DONE = 2;
    public static final long FAILED = 3;
    private static final long STATE_MASK = 0xFF;
    private static final int OWNER_SHIFT = 8;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /**
     * One file to copy: the coordinator's descriptors of the source and of the temporary file, the
     * size, and the source's times (with its device, inode and size, what a resume checks it by).
     */
    public record FileEntry(int sourceFd, long sourceDevice, long sourceInode,
                            int targetFd, long targetDevice, long targetInode, long sizeBytes,
                            long sourceModifiedNanos, long sourceChangedNanos) {
        /** The entry for two files the coordinator holds open. */
        public static FileEntry of(NativeFile source, FileStatus sourceStatus, NativeFile target, FileStatus targetStatus,
                                   long sizeBytes) {
            return new FileEntry(source.descriptor(), sourceStatus.device(), sourceStatus.inode(),
                    target.descriptor(), targetStatus.device(), targetStatus.inode(), sizeBytes,
                    modifiedNanos(sourceStatus), changedNanos(sourceStatus));
        }

        /** True if {@code source} is the file this entry was made for, unchanged: same device, inode, size and times. */
        public boolean isSource(FileStatus source) {
            return source.device() == sourceDevice && source.inode() == sourceInode && source.sizeBytes() == sizeBytes
                    && modifiedNanos(source) == sourceModifiedNanos && changedNanos(source) == sourceChangedNanos;
        }
    }

    /** A file's modification time in nanoseconds since the epoch. */
    static long modifiedNanos(FileStatus status) {
        return status.modifiedSeconds() * 1_000_000_000L + status.modifiedNanos();
    }

    /** A file's status change time in nanoseconds since the epoch. */
    static long changedNanos(FileStatus status) {
        return status.changedSeconds() * 1_000_000_000L + status.changedNanos();
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

    static long lengthBytes(int workers, int files, int chunks) {
        return ControlLayout.lengthBytes(workers, files, chunks);
    }

    /**
     * Fills in the new, empty file {@code file} (created by the caller, which keeps ownership of
     * the descriptor's name) as a control file, and publishes it. Its blocks are reserved first
     * where the file system can: on a full disk, writing an unreserved page of the mapping would
     * fault (SIGBUS) in whichever process touched it first, instead of failing here with ENOSPC.
     */
    public static ControlFile create(NativeFile file, List<FileEntry> files, List<Chunk> chunks, int workers, long pageSize,
            CopyMethod method) throws IOException {
        long length = lengthBytes(workers, files.size(), chunks.size());
        file.reserve(length);
        file.truncate(length);
        ControlFile control = new ControlFile(file, file.map(0, length, Mapping.Access.READ_WRITE), workers, files.size(), chunks.size());
        control.fill(files, chunks, pageSize, method);
        return control;
    }

    /** Creates the control file at {@code path} (which must not exist), filled in and published. */
    public static ControlFile create(Path path, List<FileEntry> files, List<Chunk> chunks, int workers, long pageSize,
            CopyMethod method) throws IOException {
        NativeFile file = NativeFile.createExclusive(path, 0600);
        boolean ok = false;
        try {
            ControlFile control = create(file, files, chunks, workers, pageSize, method);
            ok = true;
            return control;
        } finally {
            if (!ok) {
                file.close();
            }
        }
    }

    private void fill(List<FileEntry> files, List<Chunk> chunks, long pageSize, CopyMethod method) {
        put(MAGIC_OFFSET, MAGIC);
        put(PAGE_SIZE_OFFSET, pageSize);
        put(CHUNK_COUNT_OFFSET, chunkCount);
        put(SLOT_COUNT_OFFSET, workerCount);
        put(FILE_COUNT_OFFSET, fileCount);
        put(RUN_STATE_OFFSET, RUNNING);
        put(METHOD_OFFSET, method.ordinal());
        put(COORDINATOR_PID_OFFSET, ProcessHandle.current().pid());
        put(COORDINATOR_START_OFFSET, ProcessStart.ticks(ProcessHandle.current().pid()));
        for (int i = 0; i < fileCount; i++) {
            FileEntry entry = files.get(i);
            int row = fileRow(i);
            put(row + FILE_SIZE_OFFSET, entry.sizeBytes());
            put(row + FILE_SOURCE_FD_OFFSET, entry.sourceFd());
            put(row + FILE_SOURCE_DEVICE_OFFSET, entry.sourceDevice());
            put(row + FILE_SOURCE_INODE_OFFSET, entry.sourceInode());
            put(row + FILE_TARGET_FD_OFFSET, entry.targetFd());
            put(row + FILE_TARGET_DEVICE_OFFSET, entry.targetDevice());
            put(row + FILE_TARGET_INODE_OFFSET, entry.targetInode());
            put(row + FILE_SOURCE_MODIFIED_OFFSET, entry.sourceModifiedNanos());
            put(row + FILE_SOURCE_CHANGED_OFFSET, entry.sourceChangedNanos());
            put(row + FILE_FIRST_CHUNK_OFFSET, -1);
        }
        for (int i = 0; i < chunkCount; i++) {
            Chunk chunk = chunks.get(i);
            int row = chunkRow(i);
            put(row + CHUNK_FILE_OFFSET, chunk.fileIndex());
            put(row + CHUNK_OFFSET_OFFSET, chunk.offset());
            put(row + CHUNK_LENGTH_OFFSET, chunk.lengthBytes());
            put(row + CHUNK_FILE_COUNT_OFFSET, chunk.fileCount());
            put(row + CHUNK_STATE_OFFSET, PENDING);
            for (int file = chunk.fileIndex(); file < chunk.fileIndex() + chunk.fileCount(); file++) {
                int fileRow = fileRow(file);
                if (get(fileRow + FILE_FIRST_CHUNK_OFFSET) < 0) {
                    put(fileRow + FILE_FIRST_CHUNK_OFFSET, i);
                } else if (get(fileRow + FILE_FIRST_CHUNK_OFFSET) + get(fileRow + FILE_CHUNK_COUNT_OFFSET) != i) {
                    throw new IllegalArgumentException("the chunks of file " + file + " are not consecutive");
                }
                put(fileRow + FILE_CHUNK_COUNT_OFFSET, get(fileRow + FILE_CHUNK_COUNT_OFFSET) + 1);
            }
        }
        LONG.setRelease(buffer, VERSION_OFFSET, LAYOUT_VERSION);
    }

    /**
     * Opens a control file made by {@link #create}, waiting up to {@code timeoutMillis} for its
     * creator to publish it. The control file takes over {@code file}.
     */
    public static ControlFile open(NativeFile file, long timeoutMillis) throws IOException {
        boolean ok = false;
        try {
            long length = file.status().sizeBytes();
            if (length < HEADER_LENGTH) {
                throw new IOException("control file '" + file.name() + "' is too short: " + length + " bytes");
            }
            Mapping mapping = file.map(0, length, Mapping.Access.READ_WRITE);
            ByteBuffer header = mapping.buffer();
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            long version;
            while ((version = (long) LONG.getAcquire(header, VERSION_OFFSET)) == 0) {
                if (System.nanoTime() > deadline) {
                    mapping.close();
                    throw new IOException("control file '" + file.name() + "' was created but not initialised");
                }
                Thread.onSpinWait();
            }
            long magic = (long) LONG.get(header, MAGIC_OFFSET);
            if (magic != MAGIC || version != LAYOUT_VERSION) {
                mapping.close();
                throw new IOException("control file '" + file.name() + "' has an unknown layout: app=" + LAYOUT_VERSION
                        + " file=" + version + (magic == MAGIC ? "" : " (bad magic)"));
            }
            int workers = (int) (long) LONG.get(header, SLOT_COUNT_OFFSET);
            int files = (int) (long) LONG.get(header, FILE_COUNT_OFFSET);
            int chunks = (int) (long) LONG.get(header, CHUNK_COUNT_OFFSET);
            if (workers < 0 || files < 0 || chunks < 0 || lengthBytes(workers, files, chunks) != length) {
                mapping.close();
                throw new IOException("control file '" + file.name() + "' is damaged: " + length + " bytes for "
                        + workers + " workers, " + files + " files and " + chunks + " chunks");
            }
            ControlFile control = new ControlFile(file, mapping, workers, files, chunks);
            ok = true;
            return control;
        } finally {
            if (!ok) {
                file.close();
            }
        }
    }

    /** Opens the control file at {@code path}, as a test or tool watching a copy does. */
    public static ControlFile open(Path path, long timeoutMillis) throws IOException {
        return open(NativeFile.openForWriting(path), timeoutMillis);
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

    public CopyMethod method() {
        return CopyMethod.values()[(int) get(METHOD_OFFSET)];
    }

    public long coordinatorPid() {
        return get(COORDINATOR_PID_OFFSET);
    }

    /** When the coordinator started, in clock ticks since boot ({@link ProcessStart}). */
    public long coordinatorStart() {
        return get(COORDINATOR_START_OFFSET);
    }

    /**
     * Checks what a resume relies on beyond the header {@link #open} checks: the page size is this
     * machine's, every file row's chunks and every chunk row lie within the file, each chunk of one
     * file is page-aligned and within its file, and every state is one this layout knows.
     *
     * @return what is wrong, or null if nothing is
     */
    public String damage() {
        if (pageSize() != Posix.pageSize()) {
            return "page size " + pageSize();
        }
        for (int file = 0; file < fileCount; file++) {
            long first = fileFirstChunk(file);
            long count = fileChunkCount(file);
            if (fileSize(file) < 0 || count < 0 || count > 0 && (first < 0 || first + count > chunkCount)) {
                return "file row " + file;
            }
        }
        for (int chunk = 0; chunk < chunkCount; chunk++) {
            int row = chunkRow(chunk);
            long first = get(row + CHUNK_FILE_OFFSET);
            long files = get(row + CHUNK_FILE_COUNT_OFFSET);
            long offset = get(row + CHUNK_OFFSET_OFFSET);
            long length = get(row + CHUNK_LENGTH_OFFSET);
            long state = chunkState(chunk);
            if (first < 0 || files < 1 || first + files > fileCount || length <= 0 || state > FAILED
                    || files == 1 && (offset < 0 || offset % pageSize() != 0 || offset + length > fileSize((int) first))) {
                return "chunk row " + chunk;
            }
        }
        return null;
    }

    /** Makes the whole control file durable. */
    public void sync() throws ErrnoException {
        mapping.sync();
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

    public FileEntry file(int file) {
        int row = fileRow(file);
        return new FileEntry((int) get(row + FILE_SOURCE_FD_OFFSET), get(row + FILE_SOURCE_DEVICE_OFFSET),
                get(row + FILE_SOURCE_INODE_OFFSET), (int) get(row + FILE_TARGET_FD_OFFSET),
                get(row + FILE_TARGET_DEVICE_OFFSET), get(row + FILE_TARGET_INODE_OFFSET), get(row + FILE_SIZE_OFFSET),
                get(row + FILE_SOURCE_MODIFIED_OFFSET), get(row + FILE_SOURCE_CHANGED_OFFSET));
    }

    /**
     * Records that the file's copy was renamed over its destination, which now has {@code target}'s
     * times: a resumed tree skips the file while the destination keeps them. Made durable by
     * {@link #sync}.
     */
    public void committed(int file, FileStatus target) {
        int row = fileRow(file);
        put(row + FILE_COMMITTED_CHANGED_OFFSET, changedNanos(target));
        LONG.setRelease(buffer, row + FILE_COMMITTED_MODIFIED_OFFSET, modifiedNanos(target));
    }

    /**
     * True if the file's copy was renamed over its destination, and {@code target} (the
     * destination now) is that copy, untouched since: the same inode, size and times.
     */
    public boolean isCommittedAs(int file, FileStatus target) {
        int row = fileRow(file);
        long modified = (long) LONG.getAcquire(buffer, row + FILE_COMMITTED_MODIFIED_OFFSET);
        return modified != 0 && target.isRegularFile() && target.device() == get(row + FILE_TARGET_DEVICE_OFFSET)
                && target.inode() == get(row + FILE_TARGET_INODE_OFFSET) && target.sizeBytes() == get(row + FILE_SIZE_OFFSET)
                && modifiedNanos(target) == modified && changedNanos(target) == get(row + FILE_COMMITTED_CHANGED_OFFSET);
    }

    public long fileSize(int file) {
        return get(fileRow(file) + FILE_SIZE_OFFSET);
    }

    /** The first chunk row with the file's data (its own, or its batch's); meaningful when {@link #fileChunkCount} is not 0. */
    public int fileFirstChunk(int file) {
        return (int) get(fileRow(file) + FILE_FIRST_CHUNK_OFFSET);
    }

    /** How many chunk rows hold the file's data: its chunks are the rows from {@link #fileFirstChunk} on. */
    public int fileChunkCount(int file) {
        return (int) get(fileRow(file) + FILE_CHUNK_COUNT_OFFSET);
    }

    /**
     * Records that copying the file failed, and why, unless that was recorded already: the first
     * error stands. Its pending chunks are not copied any more (see {@link #claimNext}); the other
     * files go on.
     *
     * @return true if this call recorded the failure
     */
    public boolean fileFailed(int file, WorkerError error) {
        int at = fileRow(file) + FILE_STATE_OFFSET;
        if (!LONG.compareAndSet(buffer, at, FILE_COPYING, FILE_RECORDING)) {
            return false;
        }
        putError(fileRow(file) + FILE_ERROR_OFFSET, error);
        LONG.setRelease(buffer, at, FILE_FAILED);
        return true;
    }

    /** True once a failure of the file is recorded (and its error readable). */
    public boolean isFileFailed(int file) {
        return (long) LONG.getAcquire(buffer, fileRow(file) + FILE_STATE_OFFSET) == FILE_FAILED;
    }

    /** Why copying the file failed; meaningful once {@link #isFileFailed}. */
    public WorkerError fileError(int file) {
        return getError(fileRow(file) + FILE_ERROR_OFFSET);
    }

    // Chunks.

    public Chunk chunk(int chunk) {
        int row = chunkRow(chunk);
        return new Chunk((int) get(row + CHUNK_FILE_OFFSET), get(row + CHUNK_OFFSET_OFFSET), get(row + CHUNK_LENGTH_OFFSET),
                (int) get(row + CHUNK_FILE_COUNT_OFFSET));
    }

    private long stateWord(int chunk) {
        return (long) LONG.getAcquire(buffer, chunkRow(chunk) + CHUNK_STATE_OFFSET);
    }

    public long chunkState(int chunk) {
        return stateWord(chunk) & STATE_MASK;
    }

    /** The pid of the worker that claimed the chunk last, or 0. */
    public long chunkOwner(int chunk) {
        return stateWord(chunk) >>> OWNER_SHIFT;
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
            long word = (long) LONG.getAcquire(buffer, row + CHUNK_STATE_OFFSET);
            if ((word & STATE_MASK) == PENDING
                    && LONG.compareAndSet(buffer, row + CHUNK_STATE_OFFSET, word, pid << OWNER_SHIFT | CLAIMED)) {
                LONG.getAndAdd(buffer, row + CHUNK_ATTEMPTS_OFFSET, 1L);
                claimCursor = (chunk + 1) % chunkCount;
                return chunk;
            }
        }
        return -1;
    }

    /** Records the chunk's checksum and marks it done; its bytes must already be synced. */
    public void markDone(int chunk, long crc32c) {
        LONG.setRelease(buffer, chunkRow(chunk) + CHUNK_CRC_OFFSET, crc32c);
        transition(chunk, CLAIMED, DONE);
    }

    /** Marks a pending chunk done before any copier starts: its bytes, checked against {@code crc32c}, are already in the copy. */
    public void markResumed(int chunk, long crc32c) {
        LONG.setRelease(buffer, chunkRow(chunk) + CHUNK_CRC_OFFSET, crc32c);
        transition(chunk, PENDING, DONE);
    }

    public void markFailed(int chunk) {
        transition(chunk, CLAIMED, FAILED);
    }

    /** Puts a chunk back to pending, to be copied again (after a failed verification). */
    public void reset(int chunk, long expectedState) {
        transition(chunk, expectedState, PENDING);
    }

    /**
     * Hands back every chunk that worker {@code pid} claimed or failed: it is gone, and another
     * worker copies them again.
     *
     * @return how many chunks were handed back
     */
    public int release(long pid) {
        int released = 0;
        for (int chunk = 0; chunk < chunkCount; chunk++) {
            int at = chunkRow(chunk) + CHUNK_STATE_OFFSET;
            long word = (long) LONG.getAcquire(buffer, at);
            long state = word & STATE_MASK;
            if ((state == CLAIMED || state == FAILED) && word >>> OWNER_SHIFT == pid
                    && LONG.compareAndSet(buffer, at, word, word & ~STATE_MASK | PENDING)) {
                released++;
            }
        }
        return released;
    }

    /** True once every chunk is done or failed: nothing is left to copy or being copied. */
    public boolean isSettled() {
        for (int chunk = 0; chunk < chunkCount; chunk++) {
            long state = chunkState(chunk);
            if (state != DONE && state != FAILED) {
                return false;
            }
        }
        return true;
    }

    /** The number of chunks in {@code state}. */
    public int countInState(long state) {
        int count = 0;
        for (int chunk = 0; chunk < chunkCount; chunk++) {
            if (chunkState(chunk) == state) {
                count++;
            }
        }
        return count;
    }

    private void transition(int chunk, long from, long to) {
        int at = chunkRow(chunk) + CHUNK_STATE_OFFSET;
        long word = (long) LONG.getAcquire(buffer, at);
        if ((word & STATE_MASK) != from || !LONG.compareAndSet(buffer, at, word, word & ~STATE_MASK | to)) {
            throw new IllegalStateException("chunk " + chunk + " is in state " + chunkState(chunk) + ", not " + from);
        }
    }

    // Worker slots.

    public void slotStarted(int slot, long pid) {
        int at = slotRow(slot);
        long now = System.nanoTime();
        LONG.setRelease(buffer, at + SLOT_PID_OFFSET, pid);
        LONG.setRelease(buffer, at + SLOT_STARTED_NANOS_OFFSET, now);
        LONG.setRelease(buffer, at + SLOT_HEARTBEAT_OFFSET, now);
        LONG.setRelease(buffer, at + SLOT_STATE_OFFSET, SLOT_RUNNING);
    }

    public void heartbeat(int slot) {
        LONG.setRelease(buffer, slotRow(slot) + SLOT_HEARTBEAT_OFFSET, System.nanoTime());
    }

    /** {@code System.nanoTime()} when the slot's worker started; meaningful while {@link #slotPid} is not 0. */
    public long slotStartedNanos(int slot) {
        return (long) LONG.getAcquire(buffer, slotRow(slot) + SLOT_STARTED_NANOS_OFFSET);
    }

    /** Adds the time one chunk took, apart from its {@code msync}, and the time its {@code msync} took. */
    public void addChunkNanos(int slot, long copyNanos, long syncNanos) {
        LONG.getAndAdd(buffer, slotRow(slot) + SLOT_COPY_NANOS_OFFSET, copyNanos);
        LONG.getAndAdd(buffer, slotRow(slot) + SLOT_SYNC_NANOS_OFFSET, syncNanos);
    }

    public long slotCopyNanos(int slot) {
        return (long) LONG.getAcquire(buffer, slotRow(slot) + SLOT_COPY_NANOS_OFFSET);
    }

    public long slotSyncNanos(int slot) {
        return (long) LONG.getAcquire(buffer, slotRow(slot) + SLOT_SYNC_NANOS_OFFSET);
    }

    /** {@code System.nanoTime()} at the slot's last heartbeat; comparable across processes of one host. */
    public long heartbeatNanos(int slot) {
        return (long) LONG.getAcquire(buffer, slotRow(slot) + SLOT_HEARTBEAT_OFFSET);
    }

    public void addBytesCopied(int slot, long bytes) {
        LONG.getAndAdd(buffer, slotRow(slot) + SLOT_BYTES_COPIED_OFFSET, bytes);
    }

    public void slotFinished(int slot) {
        heartbeat(slot);
        LONG.setRelease(buffer, slotRow(slot) + SLOT_STATE_OFFSET, SLOT_FINISHED);
    }

    /** Records why the worker in {@code slot} stopped, then marks the slot failed. */
    public void slotFailed(int slot, WorkerError error) {
        int at = slotRow(slot);
        putError(at + SLOT_ERROR_OFFSET, error);
        LONG.setRelease(buffer, at + SLOT_STATE_OFFSET, SLOT_FAILED);
    }

    /** What the worker in {@code slot} recorded when it failed; only meaningful once the slot is {@link #SLOT_FAILED}. */
    public WorkerError slotError(int slot) {
        return getError(slotRow(slot) + SLOT_ERROR_OFFSET);
    }

    private void putError(int at, WorkerError error) {
        byte[] message = error.message().getBytes(StandardCharsets.UTF_8);
        int length = Math.min(message.length, ERROR_MESSAGE_MAX_BYTES);
        put(at + ERROR_KIND_OFFSET, error.kind().ordinal());
        put(at + ERROR_ERRNO_OFFSET, error.errno());
        put(at + ERROR_CHUNK_OFFSET, error.chunk());
        put(at + ERROR_MESSAGE_LENGTH_OFFSET, length);
        buffer.put(at + ERROR_MESSAGE_OFFSET, message, 0, length);
    }

    private WorkerError getError(int at) {
        WorkerError.Kind[] kinds = WorkerError.Kind.values();
        long kind = get(at + ERROR_KIND_OFFSET);
        int length = (int) Math.max(0, Math.min(ERROR_MESSAGE_MAX_BYTES, get(at + ERROR_MESSAGE_LENGTH_OFFSET)));
        byte[] message = new byte[length];
        buffer.get(at + ERROR_MESSAGE_OFFSET, message);
        return new WorkerError(kind >= 0 && kind < kinds.length ? kinds[(int) kind] : WorkerError.Kind.INTERNAL,
                (int) get(at + ERROR_ERRNO_OFFSET), (int) get(at + ERROR_CHUNK_OFFSET), new String(message, StandardCharsets.UTF_8));
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
        return slotOffset(checkIndex(slot, workerCount));
    }

    private int fileRow(int file) {
        return fileOffset(workerCount, checkIndex(file, fileCount));
    }

    private int chunkRow(int chunk) {
        return chunkOffset(workerCount, fileCount, checkIndex(chunk, chunkCount));
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
