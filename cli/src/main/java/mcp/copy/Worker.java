package mcp.copy;

import java.util.List;
import java.util.zip.CRC32C;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * The copy loop of one copying process: claim a chunk, copy it ({@link ChunkCopier}), mark it done
 * with the checksum of what was written; until no chunk is pending or the coordinator asks to
 * stop. It reaches the files through the coordinator's descriptors, checking each one's identity,
 * and keeps open only the files of the chunk at hand.
 *
 * <p>A failure to copy a file is recorded in the file's row and fails that file alone: the loop
 * goes on with the other files' chunks, and the coordinator words the failure and leaves the
 * file's destination as it was.
 */
final class Worker implements AutoCloseable {
    private final ControlFile control;
    private final int slot;
    private final long pid = ProcessHandle.current().pid();
    /**
     * The coordinator's own source and copy of each file row, when this worker runs in the
     * coordinator's process: used as they are, not reopened. Null in a worker process.
     */
    private final List<NativeFile[]> local;
    /** How often at most the journal is synced, see {@link #journal}. */
    static final long JOURNAL_INTERVAL_NANOS = 1_000_000_000L;
    /** {@code System.nanoTime()} when this copier last synced the journal. */
    private long journalled = System.nanoTime() - JOURNAL_INTERVAL_NANOS;
    /** The file whose descriptors are open, or -1. */
    private int openIndex = -1;
    private NativeFile[] open;

    /** A worker in its own process: it reaches the files through the coordinator's descriptors. */
    Worker(ControlFile control, int slot) {
        this(control, slot, null);
    }

    /** The coordinator's own copy, which uses its source and copy of each file row as they are. */
    Worker(ControlFile control, int slot, List<NativeFile[]> local) {
        this.control = control;
        this.slot = slot;
        this.local = local;
    }

    /** Copies chunks until none is left, or the coordinator asks to stop (then within a slice of its chunk). */
    void run() {
        control.slotStarted(slot, pid);
        int chunk;
        while (control.isRunning() && (chunk = control.claimNext(pid)) >= 0) {
            Chunk range = control.chunk(chunk);
            SlotProgress progress = new SlotProgress();
            try {
                long crc = range.isBatch() ? copyBatch(chunk, range, progress) : copyRange(chunk, range, progress);
                if (crc < 0) {
                    control.markFailed(chunk);
                    continue;
                }
                // Before the chunk counts as done: once the last one is, the coordinator reads the times.
                control.addChunkNanos(slot, System.nanoTime() - progress.began - progress.syncNanos, progress.syncNanos);
                control.markDone(chunk, crc);
                if (!range.isBatch() && Coordinator.resumesByChunk(control.fileSize(range.fileIndex()))) {
                    journal();
                }
            } catch (StopRequested e) {
                return;
            }
        }
        control.slotFinished(slot);
    }

    /** Copies a range of one file: its CRC32C, or -1 if the file failed (now or before). */
    private long copyRange(int chunk, Chunk range, SlotProgress progress) {
        int file = range.fileIndex();
        if (control.isFileFailed(file)) {
            return -1;
        }
        NativeFile[] files = null;
        try {
            files = files(file);
            return ChunkCopier.copy(files[0], files[1], range, control.method(), progress);
        } catch (CopyFailure e) {
            failed(file, chunk, e);
            return -1;
        } catch (InternalError fault) {
            // A fault of the copy that surfaced later than the copier could catch it.
            failed(file, chunk, ChunkCopier.blame(fault, files[0], files[1], range.end()));
            return -1;
        }
    }

    /**
     * Copies every file of a batch that has not failed, one after the other. A batch is not
     * synced here: its files are made durable together with the rest of their round, by one
     * {@code syncfs} before any of them is renamed (Coordinator), which for a tree of small files
     * is one journal commit per round instead of one per batch.
     *
     * @return the CRC32C of the copied files' bytes one after the other, or -1 if none was copied
     */
    private long copyBatch(int chunk, Chunk batch, SlotProgress progress) {
        CRC32C crc = new CRC32C();
        boolean any = false;
        int last = batch.fileIndex() + batch.fileCount() - 1;
        for (int file = batch.fileIndex(); file <= last; file++) {
            if (control.isFileFailed(file)) {
                continue;
            }
            NativeFile[] files = null;
            try {
                files = files(file);
                ChunkCopier.copyFile(files[0], files[1], control.fileSize(file), control.method(), crc, progress);
                any = true;
            } catch (CopyFailure e) {
                failed(file, chunk, e);
            } catch (InternalError fault) {
                failed(file, chunk, ChunkCopier.blame(fault, files[0], files[1], control.fileSize(file)));
            }
        }
        return any ? crc.getValue() : -1;
    }

    /**
     * Makes the rows of the chunks done so far durable, for a resume to read, at most once per
     * {@link #JOURNAL_INTERVAL_NANOS}: a power cut then costs a resume at most that much copying
     * again, and the copy one device flush a second rather than one per chunk. Rows are only
     * marked done once their bytes are synced, so a row that says done on the device, by this
     * sync or by the kernel's writeback, never comes before its bytes. Batches are not
     * journalled: their bytes are not synced before they are marked done, and a resume copies
     * them again. A sync that fails is only chunks a resume copies again.
     */
    private void journal() {
        long now = System.nanoTime();
        if (now - journalled < JOURNAL_INTERVAL_NANOS) {
            return;
        }
        journalled = now;
        try {
            control.sync();
        } catch (ErrnoException e) {
            // The rows reach the device with the kernel's writeback.
        }
    }

    private void failed(int file, int chunk, CopyFailure e) {
        WorkerError error = e.error();
        control.fileFailed(file, new WorkerError(error.kind(), error.errno(), chunk, error.message()));
    }

    /** One chunk's progress: every step is a sign of life in the slot; the bytes and the time it took are counted there. */
    private final class SlotProgress implements ChunkCopier.Progress {
        final long began = System.nanoTime();
        long syncNanos;

        @Override
        public void windowDone(long bytes) {
            if (bytes > 0) {
                control.addBytesCopied(slot, bytes);
            }
            control.heartbeat(slot);
            if (!control.isRunning()) {
                throw new StopRequested();
            }
        }

        @Override
        public void synced(long nanos) {
            syncNanos += nanos;
        }
    }

    /**
     * The coordinator asked every worker to stop, in the middle of a chunk: it is failing, and
     * the coordinator's own copy must stop before the control file it writes to is unmapped.
     */
    private static final class StopRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopRequested() {
            super(null, null, false, false);
        }
    }

    /** The source and copy of file {@code fileIndex}, opened once for its chunks; the previous file's are closed. */
    private NativeFile[] files(int fileIndex) throws CopyFailure {
        if (local != null) {
            return local.get(fileIndex);
        }
        if (openIndex == fileIndex) {
            return open;
        }
        close();
        ControlFile.FileEntry entry = control.file(fileIndex);
        NativeFile source = reach(entry.sourceFd(), entry.sourceDevice(), entry.sourceInode(), NativeFile.Open.READ);
        try {
            open = new NativeFile[] {source,
                reach(entry.targetFd(), entry.targetDevice(), entry.targetInode(), NativeFile.Open.READ_WRITE)};
        } catch (CopyFailure e) {
            closeQuietly(source);
            throw e;
        }
        openIndex = fileIndex;
        return open;
    }

    /** Opens the coordinator's descriptor {@code fd}, if it is still the file with that identity. */
    private NativeFile reach(int fd, long device, long inode, NativeFile.Open how) throws CopyFailure {
        return reach(control.coordinatorPid(), fd, device, inode, how);
    }

    static NativeFile reach(long coordinatorPid, int fd, long device, long inode, NativeFile.Open how) throws CopyFailure {
        NativeFile file;
        try {
            file = NativeFile.openDescriptorOf(coordinatorPid, fd, how);
        } catch (ErrnoException e) {
            throw new CopyFailure(new WorkerError(WorkerError.Kind.OPEN, e.errno(), -1, e.getMessage()), e);
        }
        try {
            FileStatus status = file.status();
            if (status.device() != device || status.inode() != inode) {
                throw new CopyFailure(new WorkerError(WorkerError.Kind.OPEN, 0, -1, "descriptor " + fd + " of process "
                        + coordinatorPid + " is not the file the coordinator named"), null);
            }
            return file;
        } catch (ErrnoException e) {
            closeQuietly(file);
            throw new CopyFailure(new WorkerError(WorkerError.Kind.OPEN, e.errno(), -1, e.getMessage()), e);
        } catch (CopyFailure e) {
            closeQuietly(file);
            throw e;
        }
    }

    private static void closeQuietly(NativeFile file) {
        try {
            file.close();
        } catch (ErrnoException e) {
            // Closing a descriptor only read from: nothing was lost.
        }
    }

    @Override
    public void close() {
        if (open != null) {
            closeQuietly(open[0]);
            closeQuietly(open[1]);
        }
        open = null;
        openIndex = -1;
    }
}
