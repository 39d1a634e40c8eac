package mcp.copy;

/**
 * The layout of the control file, described once: the offsets of every field, and where each
 * record starts. {@link ControlFile} reads and writes the fields through it; nothing else knows an
 * offset.
 *
 * <pre>
 *   0        8        16       24       32       40       48       56       64
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | magic  |version |pageSize| chunks | slots  | files  |runState| method | header
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | coord  | start  |                (padding to 128)                     |
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |  pid   |heartbt | copied | state  |            error                 | slot x slots
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |            error (kind, errno, chunk, message length, message)       |
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |started | copyNs | syncNs |                (padding)                   |
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |  size  | src fd |src dev |src ino | tmp fd |tmp dev |tmp ino |1st chnk| file row x files
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | chunks | state  |src mtim|src ctim|dst mtim|dst ctim|  error (kind,   |
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |        errno, chunk, message length, message)                        |
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |  ...message)    |                     (padding)                      |
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | file   | offset | length | state  |attempts| crc32c | files  | (pad)  | chunk row x chunks
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 * </pre>
 *
 * <p>Every field is a native-order {@code long} at an 8-byte-aligned offset, so that plain and
 * compare-and-set accesses are atomic across processes sharing the pages. Records are multiples of
 * 64 bytes (a cache line) so that processes updating neighbouring rows do not contend. Each offset
 * is derived from the one before it.
 *
 * <p>The file is also the run's journal, read by a later {@code mcp --resume} after the run was
 * interrupted: the sources' identities (device, inode, size, times) say whether a source is still
 * the one copied; a chunk row that says done, with its checksum, says that the chunk's bytes were
 * on the device before the row was written (and the row is synced after it); a file row's
 * committed times say that the copy was renamed over its destination, and what the destination's
 * times were then.
 */
public final class ControlLayout {
    /** "MCPCTRL\0" in ASCII, read as a big-endian long. */
    public static final long MAGIC = 0x4D43504354524C00L;
    /** Changes whenever the layout below changes. */
    public static final long LAYOUT_VERSION = 7;

    /** A cache line: every record is a multiple of it. */
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
    /** Number of slots, one per copying process. */
    public static final int SLOT_COUNT_OFFSET = CHUNK_COUNT_OFFSET + Long.BYTES;
    /** Number of file rows. */
    public static final int FILE_COUNT_OFFSET = SLOT_COUNT_OFFSET + Long.BYTES;
    /** Running or stopping: copiers stop claiming when it is no longer running. */
    public static final int RUN_STATE_OFFSET = FILE_COUNT_OFFSET + Long.BYTES;
    /** How chunks are copied: a {@link CopyMethod} ordinal. */
    public static final int METHOD_OFFSET = RUN_STATE_OFFSET + Long.BYTES;
    /** Process id of the coordinator: workers exit when it is gone, and reach files through its descriptors. */
    public static final int COORDINATOR_PID_OFFSET = METHOD_OFFSET + Long.BYTES;
    /** When the coordinator started ({@link ProcessStart}): with its pid, tells a live run from a dead one. */
    public static final int COORDINATOR_START_OFFSET = COORDINATOR_PID_OFFSET + Long.BYTES;
    public static final int HEADER_LENGTH = 2 * RECORD_LENGTH;

    // An error record, within a slot or a file row: why a copier failed.
    /** A {@link WorkerError.Kind} ordinal. */
    public static final int ERROR_KIND_OFFSET = 0;
    /** The errno of the failed call, or 0. */
    public static final int ERROR_ERRNO_OFFSET = ERROR_KIND_OFFSET + Long.BYTES;
    /** The chunk being copied, or -1. */
    public static final int ERROR_CHUNK_OFFSET = ERROR_ERRNO_OFFSET + Long.BYTES;
    /** Length of the message that follows, in bytes. */
    public static final int ERROR_MESSAGE_LENGTH_OFFSET = ERROR_CHUNK_OFFSET + Long.BYTES;
    /** A short description of the failure, UTF-8, for when nothing better is known. */
    public static final int ERROR_MESSAGE_OFFSET = ERROR_MESSAGE_LENGTH_OFFSET + Long.BYTES;
    public static final int ERROR_MESSAGE_MAX_BYTES = RECORD_LENGTH;
    public static final int ERROR_LENGTH = ERROR_MESSAGE_OFFSET + ERROR_MESSAGE_MAX_BYTES;

    // Slot, one per copying process (slot 0 is the coordinator's own copy), from HEADER_LENGTH.
    /** Process id of the copier in the slot, 0 before it starts. */
    public static final int SLOT_PID_OFFSET = 0;
    /** {@code System.nanoTime()} (CLOCK_MONOTONIC, the same in every process) at the copier's last sign of life. */
    public static final int SLOT_HEARTBEAT_OFFSET = SLOT_PID_OFFSET + Long.BYTES;
    /** Bytes the slot's copiers have copied and synced so far. */
    public static final int SLOT_BYTES_COPIED_OFFSET = SLOT_HEARTBEAT_OFFSET + Long.BYTES;
    /** Empty, running, finished or failed (see {@link ControlFile}). */
    public static final int SLOT_STATE_OFFSET = SLOT_BYTES_COPIED_OFFSET + Long.BYTES;
    /** Why the copier stopped, once the slot is failed: an error record. */
    public static final int SLOT_ERROR_OFFSET = SLOT_STATE_OFFSET + Long.BYTES;
    /**
     * {@code System.nanoTime()} when the copier in the slot started, just before its first claim.
     * The counters that follow, of what copiers did for {@code mcp --stats}, are never cleared: they
     * sum up every copier that ran in the slot.
     */
    public static final int SLOT_STARTED_NANOS_OFFSET = SLOT_ERROR_OFFSET + ERROR_LENGTH;
    /** Nanoseconds spent in chunks other than waiting for the device: mapping, copying, checksumming, starting writeback. */
    public static final int SLOT_COPY_NANOS_OFFSET = SLOT_STARTED_NANOS_OFFSET + Long.BYTES;
    /** Nanoseconds spent waiting for the device ({@code msync(MS_SYNC)}, {@code syncfs}). */
    public static final int SLOT_SYNC_NANOS_OFFSET = SLOT_COPY_NANOS_OFFSET + Long.BYTES;
    public static final int SLOT_LENGTH = records(SLOT_SYNC_NANOS_OFFSET + Long.BYTES);

    // File row, one per file, after the slots.
    /** Size of the source in bytes when the copy was planned. */
    public static final int FILE_SIZE_OFFSET = 0;
    /** The coordinator's descriptor of the source. */
    public static final int FILE_SOURCE_FD_OFFSET = FILE_SIZE_OFFSET + Long.BYTES;
    /** The source's device ({@code major << 32 | minor}). */
    public static final int FILE_SOURCE_DEVICE_OFFSET = FILE_SOURCE_FD_OFFSET + Long.BYTES;
    /** The source's inode. */
    public static final int FILE_SOURCE_INODE_OFFSET = FILE_SOURCE_DEVICE_OFFSET + Long.BYTES;
    /** The coordinator's descriptor of the temporary file the copy is written to. */
    public static final int FILE_TARGET_FD_OFFSET = FILE_SOURCE_INODE_OFFSET + Long.BYTES;
    /** The temporary file's device. */
    public static final int FILE_TARGET_DEVICE_OFFSET = FILE_TARGET_FD_OFFSET + Long.BYTES;
    /** The temporary file's inode. */
    public static final int FILE_TARGET_INODE_OFFSET = FILE_TARGET_DEVICE_OFFSET + Long.BYTES;
    /** The first chunk row holding the file's data (its chunks are consecutive), or its batch's row. */
    public static final int FILE_FIRST_CHUNK_OFFSET = FILE_TARGET_INODE_OFFSET + Long.BYTES;
    /** How many chunk rows hold the file's data (1 for a file in a batch, 0 for an empty file). */
    public static final int FILE_CHUNK_COUNT_OFFSET = FILE_FIRST_CHUNK_OFFSET + Long.BYTES;
    /** 0 while the file may still be copied, or failed: copying it failed and the error record says why. */
    public static final int FILE_STATE_OFFSET = FILE_CHUNK_COUNT_OFFSET + Long.BYTES;
    /** The source's modification time when the copy was planned, in nanoseconds since the epoch. */
    public static final int FILE_SOURCE_MODIFIED_OFFSET = FILE_STATE_OFFSET + Long.BYTES;
    /** The source's status change time when the copy was planned, in nanoseconds since the epoch. */
    public static final int FILE_SOURCE_CHANGED_OFFSET = FILE_SOURCE_MODIFIED_OFFSET + Long.BYTES;
    /** 0, or once the copy was renamed over its destination, the destination's modification time then. */
    public static final int FILE_COMMITTED_MODIFIED_OFFSET = FILE_SOURCE_CHANGED_OFFSET + Long.BYTES;
    /** The destination's status change time when the copy was renamed over it, once it was. */
    public static final int FILE_COMMITTED_CHANGED_OFFSET = FILE_COMMITTED_MODIFIED_OFFSET + Long.BYTES;
    /** Why copying the file failed, once it has: an error record. */
    public static final int FILE_ERROR_OFFSET = FILE_COMMITTED_CHANGED_OFFSET + Long.BYTES;
    public static final int FILE_LENGTH = records(FILE_ERROR_OFFSET + ERROR_LENGTH);

    // Chunk row, one per chunk, after the file rows.
    /** Index of the file row the chunk belongs to; for a batch, of its first file. */
    public static final int CHUNK_FILE_OFFSET = 0;
    /** Offset of the chunk in the file, a multiple of the page size; 0 for a batch. */
    public static final int CHUNK_OFFSET_OFFSET = CHUNK_FILE_OFFSET + Long.BYTES;
    /** Length of the chunk in bytes; for a batch, the sum of its files' sizes. */
    public static final int CHUNK_LENGTH_OFFSET = CHUNK_OFFSET_OFFSET + Long.BYTES;
    /**
     * Pending, claimed, done or failed in the low 8 bits, the pid of the copier that last claimed
     * it above them: one compare-and-set claims a chunk and names its owner, so no claim is ever
     * without one.
     */
    public static final int CHUNK_STATE_OFFSET = CHUNK_LENGTH_OFFSET + Long.BYTES;
    /** How many times the chunk has been claimed. */
    public static final int CHUNK_ATTEMPTS_OFFSET = CHUNK_STATE_OFFSET + Long.BYTES;
    /** CRC32C of the chunk's bytes as written to the copy (of a batch: its files' bytes one after the other, failed files left out), valid once done. */
    public static final int CHUNK_CRC_OFFSET = CHUNK_ATTEMPTS_OFFSET + Long.BYTES;
    /** 1 for a range of one file; n for a batch of n whole files, the rows from {@link #CHUNK_FILE_OFFSET} on. */
    public static final int CHUNK_FILE_COUNT_OFFSET = CHUNK_CRC_OFFSET + Long.BYTES;
    public static final int CHUNK_LENGTH = records(CHUNK_FILE_COUNT_OFFSET + Long.BYTES);

    private ControlLayout() {
    }

    /** The length of a control file with these counts. */
    public static long lengthBytes(int slots, int files, int chunks) {
        return HEADER_LENGTH + (long) SLOT_LENGTH * slots + (long) FILE_LENGTH * files + (long) CHUNK_LENGTH * chunks;
    }

    /** Where slot {@code slot} starts. */
    static int slotOffset(int slot) {
        return HEADER_LENGTH + SLOT_LENGTH * slot;
    }

    /** Where file row {@code file} starts, after {@code slots} slots. */
    static int fileOffset(int slots, int file) {
        return HEADER_LENGTH + SLOT_LENGTH * slots + FILE_LENGTH * file;
    }

    /** Where chunk row {@code chunk} starts, after {@code slots} slots and {@code files} file rows. */
    static int chunkOffset(int slots, int files, int chunk) {
        return HEADER_LENGTH + SLOT_LENGTH * slots + FILE_LENGTH * files + CHUNK_LENGTH * chunk;
    }

    /** {@code bytes} rounded up to whole records. */
    private static int records(int bytes) {
        return (bytes + RECORD_LENGTH - 1) / RECORD_LENGTH * RECORD_LENGTH;
    }
}
