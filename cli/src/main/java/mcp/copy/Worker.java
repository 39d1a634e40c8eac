package mcp.copy;

import java.util.HashMap;
import java.util.Map;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * The copy loop of one worker process: claim a chunk, copy it ({@link ChunkCopier}), mark it done
 * with the checksum of what was written; until no chunk is pending or the coordinator asks to
 * stop. It reaches the files through the coordinator's descriptors, checking each one's identity.
 */
final class Worker implements AutoCloseable {
    private final ControlFile control;
    private final int slot;
    private final long pid = ProcessHandle.current().pid();
    private final Map<Integer, NativeFile[]> openFiles = new HashMap<>();

    Worker(ControlFile control, int slot) {
        this.control = control;
        this.slot = slot;
    }

    /**
     * Copies chunks until none is left, or the coordinator asks to stop (then within a slice of
     * its chunk, which is left claimed: the copy is failing); on failure, records why in the slot
     * and throws.
     */
    void run() throws CopyFailure {
        control.slotStarted(slot, pid);
        int chunk;
        while (control.isRunning() && (chunk = control.claimNext(pid)) >= 0) {
            long crc;
            SlotProgress progress;
            try {
                NativeFile[] files = files(control.chunk(chunk).fileIndex());
                progress = new SlotProgress();
                crc = ChunkCopier.copy(files[0], files[1], control.chunk(chunk), control.method(), progress);
            } catch (StopRequested e) {
                return;
            } catch (CopyFailure e) {
                WorkerError error = e.error();
                control.slotFailed(slot, new WorkerError(error.kind(), error.errno(), chunk, error.message()));
                control.markFailed(chunk);
                throw e;
            }
            // Before the chunk counts as done: once the last one is, the coordinator reads the times.
            control.addChunkNanos(slot, System.nanoTime() - progress.began - progress.syncNanos, progress.syncNanos);
            control.markDone(chunk, crc);
        }
        control.slotFinished(slot);
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

    private NativeFile[] files(int fileIndex) throws CopyFailure {
        NativeFile[] files = openFiles.get(fileIndex);
        if (files == null) {
            ControlFile.FileEntry entry = control.file(fileIndex);
            NativeFile source = reach(entry.sourceFd(), entry.sourceDevice(), entry.sourceInode(), NativeFile.Open.READ);
            try {
                files = new NativeFile[] {source,
                    reach(entry.targetFd(), entry.targetDevice(), entry.targetInode(), NativeFile.Open.READ_WRITE)};
            } catch (CopyFailure e) {
                closeQuietly(source);
                throw e;
            }
            openFiles.put(fileIndex, files);
        }
        return files;
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
        for (NativeFile[] files : openFiles.values()) {
            closeQuietly(files[0]);
            closeQuietly(files[1]);
        }
        openFiles.clear();
    }
}
