package mcp.copy;

import static mcp.cli.Messages.quote;
import static mcp.cli.Messages.reason;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mcp.cli.CopyRequest;
import mcp.cli.McpCommand;
import mcp.cli.McpException;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * Copies one file with worker processes and replaces the destination only with a verified copy.
 *
 * <p>The copy is made in a temporary file beside the destination (created exclusively, mode
 * 0600, its space reserved and its size set before anything maps it). Workers copy its chunks;
 * the coordinator then reads it back against their checksums, checks the source did not change,
 * syncs it, gives it its final mode and renames it over the destination. Until that rename the
 * destination is untouched; whatever happens before it, the temporary and control files are
 * removed, also when the coordinator is interrupted.
 */
public final class Coordinator {
    /** Replacements for workers that die without a word (killed, crashed) during one copy. */
    static final int MAX_REPLACEMENTS = 3;
    /** A chunk that fails verification is copied once more; failing again fails the copy. */
    static final int MAX_ROUNDS = 2;
    /** Up to 4 bytes a char in UTF-8, plus the dots, 16 hex digits and ".mcp-control". */
    private static final int MAX_STEM_CHARS = 50;

    private final WorkerLauncher launcher;
    private final int processes;
    private final long chunkBytes;

    /**
     * @param processes the most worker processes to run at once
     * @param chunkBytes the chunk size, a multiple of the page size, or 0 to choose one
     */
    public Coordinator(WorkerLauncher launcher, int processes, long chunkBytes) {
        this.launcher = launcher;
        this.processes = processes;
        this.chunkBytes = chunkBytes;
    }

    public void copy(CopyRequest request) throws McpException {
        SourceState before = readable(request);
        Path directory = request.target().getParent();
        String stem = "." + shortened(request.target().getFileName().toString()) + "." + String.format("%016x", ThreadLocalRandom.current().nextLong());
        Scratch scratch = new Scratch(directory.resolve(stem + ".mcp-part"), directory.resolve(stem + ".mcp-control"));
        Thread onInterrupt = new Thread(scratch::interrupt, "mcp-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            prepare(request, scratch.part, before.sizeBytes());
            if (before.sizeBytes() > 0) {
                copyChunks(request, scratch, before.sizeBytes());
            }
            if (!before.equals(sourceState(request))) {
                throw new McpException(quote(request.sourceName()) + " changed while it was being copied; "
                        + quote(request.targetName()) + " was left as it was");
            }
            commit(request, scratch);
        } catch (IOException e) {
            scratch.awaitExitIfInterrupted();
            throw new McpException("error copying " + quote(request.sourceName()) + " to " + quote(request.targetName())
                    + ": " + reason(e), e);
        } catch (McpException | RuntimeException e) {
            scratch.awaitExitIfInterrupted();
            throw e;
        } finally {
            scratch.discard();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: it discards the same files.
            }
        }
    }

    /** A name short enough that the scratch files' names stay within NAME_MAX (255 bytes). */
    private static String shortened(String name) {
        return name.length() <= MAX_STEM_CHARS ? name : name.substring(0, MAX_STEM_CHARS);
    }

    private static SourceState readable(CopyRequest request) throws McpException {
        try (NativeFile source = NativeFile.openForReading(request.source())) {
            return sourceState(request);
        } catch (ErrnoException e) {
            throw new McpException("cannot open " + quote(request.sourceName()) + " for reading: " + e.reason(), e);
        }
    }

    private static SourceState sourceState(CopyRequest request) throws McpException {
        try {
            return SourceState.of(request.source());
        } catch (IOException e) {
            throw new McpException("cannot stat " + quote(request.sourceName()) + ": " + reason(e), e);
        }
    }

    /** Creates the temporary file, reserves its blocks and sets its size. */
    private static void prepare(CopyRequest request, Path part, long sizeBytes) throws McpException, IOException {
        NativeFile file;
        try {
            file = NativeFile.createExclusive(part, 0600);
        } catch (ErrnoException e) {
            throw new McpException("cannot create regular file " + quote(request.targetName()) + ": " + e.reason(), e);
        }
        try (file) {
            if (sizeBytes > 0) {
                file.reserve(sizeBytes);
                file.truncate(sizeBytes);
            }
        } catch (ErrnoException e) {
            throw new McpException("error writing " + quote(request.targetName()) + ": " + e.reason(), e);
        }
    }

    private void copyChunks(CopyRequest request, Scratch scratch, long sizeBytes)
            throws McpException, IOException {
        long pageSize = Posix.pageSize();
        long chunk = chunkBytes > 0 ? chunkBytes : ChunkPlan.autoChunkBytes(sizeBytes, processes, pageSize);
        List<Chunk> chunks = ChunkPlan.split(0, sizeBytes, chunk, pageSize);
        int workers = Math.min(processes, chunks.size());
        List<ControlFile.FileEntry> files = List.of(new ControlFile.FileEntry(request.source().toAbsolutePath(), scratch.part, sizeBytes));
        try (ControlFile control = ControlFile.create(scratch.control, files, chunks, workers, pageSize)) {
            for (int round = 1; ; round++) {
                runWorkers(request, control, scratch, Math.min(workers, chunksIn(control, ControlFile.PENDING).size()));
                List<Integer> mismatched = Verifier.mismatches(control, 0, scratch.part,
                        Math.min(workers, Runtime.getRuntime().availableProcessors()));
                if (mismatched.isEmpty()) {
                    return;
                }
                if (round == MAX_ROUNDS) {
                    Chunk bad = control.chunk(mismatched.get(0));
                    throw new McpException("verification of " + quote(request.targetName()) + " failed: bytes "
                            + bad.offset() + ".." + bad.end() + " differ from " + quote(request.sourceName()) + " after "
                            + round + " attempts; " + quote(request.targetName()) + " was left as it was");
                }
                for (int index : mismatched) {
                    control.reset(index, ControlFile.DONE);
                }
            }
        }
    }

    /** Runs {@code count} workers until every chunk is done, replacing workers that die silently. */
    private void runWorkers(CopyRequest request, ControlFile control, Scratch scratch, int count)
            throws McpException, IOException {
        int replacements = 0;
        for (int slot = 0; slot < count; slot++) {
            scratch.started(start(control, scratch.control, slot));
        }
        while (true) {
            List<WorkerProcess> running = scratch.running();
            if (running.isEmpty()) {
                // A worker killed between claiming a chunk and naming itself its owner leaves a
                // claim nobody released; with every worker gone, no claim is live.
                List<Integer> stale = chunksIn(control, ControlFile.CLAIMED);
                if (stale.isEmpty() || replacements >= MAX_REPLACEMENTS) {
                    break;
                }
                replacements++;
                stale.forEach(chunk -> control.reset(chunk, ControlFile.CLAIMED));
                scratch.started(start(control, scratch.control, 0));
                continue;
            }
            awaitAnyExit(running);
            for (WorkerProcess worker : running) {
                if (worker.process.isAlive()) {
                    continue;
                }
                scratch.exited(worker);
                int status = worker.process.exitValue();
                if (status == 0 && control.slotState(worker.slot) == ControlFile.SLOT_FINISHED) {
                    continue;
                }
                List<String> said = worker.errorLines();
                if (said.isEmpty() && replacements < MAX_REPLACEMENTS) {
                    replacements++;
                    release(control, worker.process.pid());
                    scratch.started(start(control, scratch.control, worker.slot));
                    continue;
                }
                control.requestStop();
                throw new McpException("error copying " + quote(request.sourceName()) + " to " + quote(request.targetName())
                        + ": " + (said.isEmpty() ? describeExit(worker, status) : String.join("; ", said)));
            }
        }
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunkState(chunk) != ControlFile.DONE) {
                throw new IllegalStateException("every worker finished but chunk " + chunk + " is in state " + control.chunkState(chunk));
            }
        }
    }

    private static List<Integer> chunksIn(ControlFile control, long state) {
        List<Integer> chunks = new ArrayList<>();
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunkState(chunk) == state) {
                chunks.add(chunk);
            }
        }
        return chunks;
    }

    private WorkerProcess start(ControlFile control, Path controlPath, int slot) throws IOException {
        control.clearSlot(slot);
        try {
            return new WorkerProcess(slot, launcher.start(controlPath, slot));
        } catch (IOException e) {
            throw new IOException("cannot start worker " + String.join(" ", launcher.command(controlPath, slot)) + ": " + reason(e), e);
        }
    }

    private static void awaitAnyExit(List<WorkerProcess> running) {
        CompletableFuture<?>[] exits = running.stream().map(worker -> worker.process.onExit()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(exits).get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Look again: something exited, or nothing did yet.
        } catch (InterruptedException e) {
            // Nothing interrupts the coordinator's thread; look again.
        }
    }

    /** Hands the chunks a dead worker held back to the others. */
    private static void release(ControlFile control, long pid) {
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunkState(chunk) == ControlFile.CLAIMED && control.chunkOwner(chunk) == pid) {
                control.reset(chunk, ControlFile.CLAIMED);
            }
        }
    }

    private static String describeExit(WorkerProcess worker, int status) {
        String how = status > 128 ? "was killed by signal " + (status - 128) : "exited with status " + status;
        return "worker process " + worker.process.pid() + " " + how;
    }

    /**
     * Makes the copy durable, gives it its mode, and renames it over the destination, unless the
     * coordinator was interrupted first.
     */
    private static void commit(CopyRequest request, Scratch scratch) throws IOException {
        try (FileChannel channel = FileChannel.open(scratch.part, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.setPosixFilePermissions(scratch.part, request.mode());
        synchronized (scratch) {
            if (!scratch.interrupted) {
                Files.move(scratch.part, request.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel directory = FileChannel.open(scratch.part.getParent(), StandardOpenOption.READ)) {
                    directory.force(true);
                }
                scratch.committed = true;
                return;
            }
        }
        scratch.awaitExitIfInterrupted();
    }

    /**
     * The temporary and control files of one copy and the workers using them. Its lock orders the
     * commit against an interruption: the shutdown hook either finds the copy committed, and the
     * exit status says it succeeded, or stops the workers and removes both files before any
     * rename.
     */
    private static final class Scratch {
        final Path part;
        final Path control;
        private final List<WorkerProcess> workers = new ArrayList<>();
        private boolean interrupted;
        private boolean committed;

        Scratch(Path part, Path control) {
            this.part = part;
            this.control = control;
        }

        synchronized void started(WorkerProcess worker) {
            workers.add(worker);
            if (interrupted) {
                worker.kill();
            }
        }

        synchronized void exited(WorkerProcess worker) {
            workers.remove(worker);
        }

        synchronized List<WorkerProcess> running() {
            return List.copyOf(workers);
        }

        /** The shutdown hook: SIGINT, SIGTERM or SIGHUP reached the coordinator. */
        void interrupt() {
            synchronized (this) {
                if (committed) {
                    // The destination already holds the verified copy: report success, not 130.
                    Runtime.getRuntime().halt(McpCommand.EXIT_OK);
                }
                interrupted = true;
            }
            discard();
        }

        /**
         * Once interrupted, the JVM exits when the shutdown hook is done: the main thread must
         * neither commit nor report the errors that stopping the workers causes.
         */
        void awaitExitIfInterrupted() {
            boolean wasInterrupted;
            synchronized (this) {
                wasInterrupted = interrupted;
            }
            while (wasInterrupted) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // Keep waiting for the exit.
                }
            }
        }

        /** Stops every worker and removes both files; the rename, if it happened, already took the part away. */
        synchronized void discard() {
            workers.forEach(WorkerProcess::kill);
            for (WorkerProcess worker : workers) {
                worker.process.onExit().join();
            }
            workers.clear();
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                System.err.println("mcp: cannot remove " + quote(part) + ": " + reason(e));
            }
            try {
                Files.deleteIfExists(control);
            } catch (IOException e) {
                System.err.println("mcp: cannot remove " + quote(control) + ": " + reason(e));
            }
        }
    }
}
