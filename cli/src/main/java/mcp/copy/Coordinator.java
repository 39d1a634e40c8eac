package mcp.copy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.Mapping;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * Copies one file and replaces the destination only with a verified copy.
 *
 * <p>The copy is made in a temporary file beside the destination (created exclusively, mode
 * 0600, its data ranges reserved and its size set before anything maps it). Regular files are
 * copied by worker processes, chunk by chunk, through mappings; files whose size says nothing of
 * their content, or that cannot be mapped, are streamed by the coordinator. The coordinator then
 * reads the copy back against the checksums, checks that the source did not change, gives the copy
 * the attributes DEST must have, syncs it and renames it over DEST. Until that rename DEST is
 * untouched; whatever happens before it, the temporary and control files are removed.
 *
 * <p>Every file is reached through a descriptor opened once: the source, DEST's directory, the
 * temporary and control files (created with {@code O_EXCL | O_NOFOLLOW}); names in DEST's
 * directory, which others may be able to write, are only ever used relative to that directory's
 * descriptor and checked against the descriptor's identity before mcp acts on them.
 */
public final class Coordinator {
    /** Replacements for workers that die without a word (killed, crashed, stuck) during one copy. */
    static final int MAX_REPLACEMENTS = 3;
    /** A chunk that fails verification is copied once more; failing again fails the copy. */
    static final int MAX_ROUNDS = 2;
    /** Up to 4 bytes a char in UTF-8, plus the dots, 16 hex digits and ".mcp-control". */
    private static final int MAX_STEM_CHARS = 50;
    /**
     * A worker that has not beaten for this long is taken for stuck (stopped, or waiting on a hung
     * device) and replaced. Workers beat after every 256 KiB copied and every 1 MiB synced: the
     * bound is the time to sync one such piece at 128 KiB/s, a device far slower than any disk,
     * plus 5 s.
     */
    static final long HEARTBEAT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5)
            + TimeUnit.SECONDS.toNanos(ChunkCopier.SYNC_PIECE_BYTES / (128L << 10));
    /** A worker JVM that has not started copying after this long is taken for stuck too. */
    static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /**
     * Up to this much data, and for any size with {@code -n 1}, the coordinator copies alone:
     * with the kernel copying ({@code copy_file_range}) and the coordinator copying from the
     * start, a worker JVM adds its start-up's CPU to a copy bound by the device's writeback. On 2
     * CPUs, medians of 5, the coordinator alone against it and one worker: 256 MiB 590 / 645 ms,
     * 512 MiB 892 / 1221 ms, 1 GiB 2014 / 2000 ms (docs/design.md). The system property
     * {@code mcp.inProcessMaxBytes} replaces it: the tests lower it, so that they exercise worker
     * JVMs on sources of tens of MiB; the launcher sets none.
     */
    static final long IN_PROCESS_MAX_BYTES = Long.getLong("mcp.inProcessMaxBytes", 512L << 20);
    /** How often the coordinator looks at its workers. */
    private static final long SUPERVISE_MILLIS = 200;
    /**
     * File systems whose files' sizes say nothing of their content (procfs, sysfs and the like):
     * their files are streamed.
     */
    static final Set<Long> SIZE_LESS_FILE_SYSTEMS = Set.of(
            0x9fa0L,        // proc
            0x62656572L,    // sysfs
            0x64626720L,    // debugfs
            0x74726163L,    // tracefs
            0x73636673L,    // securityfs
            0x27e0ebL,      // cgroup
            0x63677270L,    // cgroup2
            0x62656570L,    // configfs
            0x6165676cL,    // pstore
            0xde5e81e4L,    // efivarfs
            0xcafe4a11L,    // bpf
            0x65735543L,    // fusectl
            0x42494e4dL,    // binfmt_misc
            0xf97cff8cL);   // selinuxfs

    private final WorkerLauncher launcher;
    private final int processes;
    private final long chunkBytes;
    private final boolean verifyMedia;
    private final Optional<CopyMethod> method;
    private final Stats stats;
    private final Events events;
    /** Chunks of the current file copied again after a failed verification. */
    private int recopied;
    private final WorkerBudget budget = WorkerBudget.ofThisMachine();

    /**
     * @param processes the most worker processes to run at once, as asked for; no more than the
     *        machine's {@link WorkerBudget} are run
     * @param chunkBytes the chunk size, a multiple of the page size, or 0 to choose one
     * @param verifyMedia read the copy back from the device, not from the page cache
     * @param method how chunks are copied, or empty to choose by the copy's file system
     *        ({@link CopyMethod#forFileSystem})
     * @param stats told of each phase from {@link Stats.Phase#PLAN} on, and of what is copied how
     * @param events told of what the user may want to know as it happens
     */
    public Coordinator(WorkerLauncher launcher, int processes, long chunkBytes, boolean verifyMedia,
            Optional<CopyMethod> method, Stats stats, Events events) {
        this.launcher = launcher;
        this.processes = processes;
        this.chunkBytes = chunkBytes;
        this.verifyMedia = verifyMedia;
        this.method = method;
        this.stats = stats;
        this.events = events;
    }

    /**
     * Copies one file: DEST is replaced by a verified copy, or left as it was and the failure thrown.
     *
     * @return what was copied; the outcome is {@link FileReport.Outcome#COPIED} or {@link FileReport.Outcome#COPIED_NOT_DURABLE}
     */
    public FileReport copy(CopyRequest request) throws CopyException {
        stats.enter(Stats.Phase.PLAN);
        recopied = 0;
        if (request.writesThrough()) {
            long bytes = writeThrough(request);
            return new FileReport(request.sourceName(), request.targetName(), FileReport.Outcome.COPIED, bytes, 0, null);
        }
        boolean stream = streams(request);
        List<Chunk> chunks = stream ? List.of() : plan(request);
        stats.enter(Stats.Phase.SETUP);
        Scratch scratch = Scratch.create(request, events);
        Thread onInterrupt = new Thread(scratch::interrupt, "mcp-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            if (stream) {
                stream(request, scratch);
            } else {
                prepare(request, scratch, chunks);
                if (!chunks.isEmpty()) {
                    copyChunks(request, scratch, chunks);
                }
                stats.enter(Stats.Phase.VERIFY);
                checkSourceUnchanged(request);
            }
            stats.enter(Stats.Phase.COMMIT);
            FileReport.Outcome outcome = commit(request, scratch, events);
            return new FileReport(request.sourceName(), request.targetName(), outcome, stats.bytes(), recopied, null);
        } catch (CopyException | RuntimeException e) {
            scratch.awaitExitIfInterrupted();
            throw e;
        } finally {
            stats.enter(Stats.Phase.CLEANUP);
            scratch.discard();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: it discards the same files.
            }
        }
    }

    /**
     * True if the source must be streamed: it is not a regular file, its file system's sizes say
     * nothing (procfs, sysfs), it claims to be empty (such files are often not), or it cannot be
     * mapped (tried on its first page).
     */
    private static boolean streams(CopyRequest request) throws CopyException {
        FileStatus status = request.sourceStatus();
        if (!status.isRegularFile() || status.sizeBytes() == 0) {
            return true;
        }
        try {
            if (SIZE_LESS_FILE_SYSTEMS.contains(request.source().fileSystemType())) {
                return true;
            }
            request.source().map(0, Math.min(status.sizeBytes(), Posix.pageSize()), Mapping.Access.READ_ONLY).close();
            return false;
        } catch (ErrnoException e) {
            if (e.call().equals("mmap")) {
                return true;
            }
            throw new CopyException(Failure.of(Failure.Kind.STAT, request.sourceName(), null, e, false), e);
        }
    }

    /** The chunks of the source's data, checked before any space is reserved. */
    private List<Chunk> plan(CopyRequest request) throws CopyException {
        long pageSize = Posix.pageSize();
        long size = request.sourceStatus().sizeBytes();
        List<long[]> extents;
        try {
            extents = Extents.of(request.source(), size, pageSize);
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.READ, request.sourceName(), request.targetName(), e, false), e);
        }
        long dataBytes = extents.stream().mapToLong(extent -> extent[1] - extent[0]).sum();
        stats.mode(Stats.Mode.IN_PROCESS);
        stats.sizeBytes(size);
        stats.bytes(dataBytes);
        long chunk = chunkBytes > 0 ? chunkBytes
                : ChunkPlan.autoChunkBytes(dataBytes, Math.min(processes, budget.limit()), pageSize);
        try {
            return ChunkPlan.split(0, extents, chunk, pageSize);
        } catch (IllegalArgumentException e) {
            throw new CopyException(Failure.of(Failure.Kind.CHUNK_SIZE, request.sourceName(), request.targetName(),
                    e.getMessage(), false));
        }
    }

    /** Reserves the blocks of the source's data ranges, so that a full disk fails here, and sets the copy's size. */
    private static void prepare(CopyRequest request, Scratch scratch, List<Chunk> chunks) throws CopyException {
        try {
            for (Chunk chunk : chunks) {
                if (!scratch.part.reserve(chunk.offset(), chunk.lengthBytes())) {
                    break; // the file system cannot reserve: a full disk will show as a write fault
                }
            }
            scratch.part.truncate(request.sourceStatus().sizeBytes());
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.WRITE, request.sourceName(), request.targetName(), e, false), e);
        }
    }

    private void copyChunks(CopyRequest request, Scratch scratch, List<Chunk> chunks) throws CopyException {
        long pageSize = Posix.pageSize();
        long dataBytes = chunks.stream().mapToLong(Chunk::lengthBytes).sum();
        boolean inProcess = processes == 1 || dataBytes <= IN_PROCESS_MAX_BYTES;
        // Copying processes, the coordinator among them: slot 0 is its own.
        int workers = inProcess ? 1 : Math.min(processes, chunks.size());
        if (workers > budget.limit()) {
            if (budget.boundByMemory(workers)) {
                events.workersLimited(processes, budget.limit(), budget.reason());
            }
            workers = budget.limit();
        }
        stats.mode(inProcess ? Stats.Mode.IN_PROCESS : Stats.Mode.WORKERS);
        stats.chunks(chunks.size(), inProcess ? 0 : workers);
        try {
            FileStatus partStatus = scratch.part.status();
            List<ControlFile.FileEntry> files = List.of(ControlFile.FileEntry.of(request.source(), request.sourceStatus(),
                    scratch.part, partStatus, request.sourceStatus().sizeBytes()));
            CopyMethod using = method.isPresent() ? method.get() : CopyMethod.forFileSystem(scratch.part.fileSystemType());
            stats.method(using);
            try (ControlFile control = ControlFile.create(scratch.createControl(), files, chunks, workers, pageSize, using)) {
                for (int round = 1; ; round++) {
                    stats.enter(Stats.Phase.SPAWN);
                    try {
                        if (inProcess) {
                            runInProcess(request, control);
                        } else {
                            runWorkers(request, control, scratch, Math.min(workers, control.countInState(ControlFile.PENDING)) - 1);
                        }
                    } finally {
                        stats.ran(control, !inProcess);
                    }
                    stats.enter(Stats.Phase.VERIFY);
                    if (verifyMedia) {
                        scratch.part.sync();
                        scratch.part.adviseDontNeed(0, 0);
                    }
                    List<Integer> mismatched = Verifier.mismatches(control, 0, scratch.part,
                            Math.min(workers, Runtime.getRuntime().availableProcessors()));
                    if (mismatched.isEmpty()) {
                        return;
                    }
                    if (round == MAX_ROUNDS) {
                        Chunk bad = control.chunk(mismatched.get(0));
                        throw new CopyException(Failure.of(Failure.Kind.VERIFY, request.sourceName(), request.targetName(),
                                "bytes " + bad.offset() + ".." + bad.end() + ", " + round + " attempts", true));
                    }
                    for (int index : mismatched) {
                        control.reset(index, ControlFile.DONE);
                    }
                    recopied += mismatched.size();
                }
            }
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.WRITE, request.sourceName(), request.targetName(), e, false), e);
        } catch (IOException e) {
            throw new CopyException(Failure.of(Failure.Kind.COPY, request.sourceName(), request.targetName(),
                    e.getMessage(), false), e);
        }
    }

    /** Copies every pending chunk on this thread, with the same worker code a worker JVM runs. */
    private static void runInProcess(CopyRequest request, ControlFile control) throws CopyException {
        try (Worker worker = new Worker(control, 0)) {
            worker.run();
        } catch (CopyFailure e) {
            throw failure(request, e.error());
        }
    }

    /**
     * Copies on this thread's behalf while {@code count} worker JVMs (slots 1 to {@code count})
     * start and join in, until every chunk is done: a worker JVM takes a quarter of a second or
     * more to start, in which the coordinator's own copy (slot 0, the same {@link Worker} code) is
     * already under way. Workers that die without a word or stop beating are replaced; an error
     * a worker or the coordinator's copy reports fails the copy with it.
     */
    private void runWorkers(CopyRequest request, ControlFile control, Scratch scratch, int count)
            throws CopyException, IOException {
        int replacements = 0;
        for (int slot = 1; slot <= count; slot++) {
            scratch.started(start(control, scratch, slot));
        }
        OwnCopy own = OwnCopy.start(control);
        boolean done = false;
        try {
            while (control.countInState(ControlFile.DONE) < control.chunkCount()) {
                List<WorkerProcess> running = scratch.running();
                awaitAnyExit(running, own.finished);
                if (own.failure() != null) {
                    control.requestStop();
                    throw failure(request, own.failure().error());
                }
                for (WorkerProcess worker : running) {
                    if (worker.process.isAlive()) {
                        if (isStuck(control, worker)) {
                            worker.stuck = true;
                            worker.kill();
                        }
                        continue;
                    }
                    scratch.exited(worker);
                    long state = control.slotState(worker.slot);
                    if (state == ControlFile.SLOT_FINISHED) {
                        continue;
                    }
                    if (state == ControlFile.SLOT_FAILED && worker.process.exitValue() == WorkerMain.EXIT_FAILED) {
                        control.requestStop();
                        throw failure(request, control.slotError(worker.slot));
                    }
                    control.release(worker.process.pid());
                    if (replacements == MAX_REPLACEMENTS) {
                        control.requestStop();
                        throw new CopyException(Failure.of(Failure.Kind.WORKERS_LOST, request.sourceName(),
                                request.targetName(), describeExit(worker) + ", and " + MAX_REPLACEMENTS + " workers before it",
                                true));
                    }
                    replacements++;
                    stats.replaced();
                    scratch.started(start(control, scratch, worker.slot));
                }
                if (own.finished.isDone() && scratch.running().isEmpty()
                        && control.countInState(ControlFile.DONE) < control.chunkCount()) {
                    // Every copier finished, yet chunks remain: handed back by a worker that died
                    // after the others had found nothing left to claim.
                    own = OwnCopy.start(control);
                }
            }
            done = true;
        } finally {
            if (!done) {
                // Failing: the coordinator's copy stops within a slice (Worker), and must have
                // stopped before the control file it writes to is unmapped.
                control.requestStop();
            }
            // Done: the coordinator's copy has found nothing left to claim, or is about to.
            own.finished.join();
        }
    }

    /** The coordinator's own copy, in slot 0 of the control file, on a thread of its own. */
    private static final class OwnCopy {
        /** Completes when the copy ends, whether it copied all it could or failed. */
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        private volatile CopyFailure failure;

        static OwnCopy start(ControlFile control) {
            OwnCopy own = new OwnCopy();
            Thread thread = new Thread(() -> {
                try (Worker worker = new Worker(control, 0)) {
                    worker.run();
                } catch (CopyFailure e) {
                    own.failure = e;
                } finally {
                    own.finished.complete(null);
                }
            }, "mcp-copy");
            thread.setDaemon(true);   // an interrupted copy exits with the JVM; its files are gone then
            thread.start();
            return own;
        }

        /** Why the copy failed, or null. */
        CopyFailure failure() {
            return failure;
        }
    }

    private static boolean isStuck(ControlFile control, WorkerProcess worker) {
        long now = System.nanoTime();
        long state = control.slotState(worker.slot);
        if (state == ControlFile.SLOT_RUNNING) {
            return now - control.heartbeatNanos(worker.slot) > HEARTBEAT_TIMEOUT_NANOS;
        }
        return state == ControlFile.SLOT_EMPTY && now - worker.startedNanos > START_TIMEOUT_NANOS;
    }

    private WorkerProcess start(ControlFile control, Scratch scratch, int slot) throws IOException {
        control.clearSlot(slot);
        FileStatus status = scratch.control.status();
        stats.spawning(slot);
        try {
            return new WorkerProcess(slot, launcher.start(scratch.control.descriptor(), status.device(), status.inode(), slot));
        } catch (IOException e) {
            throw new IOException("cannot start a worker process: " + e.getMessage(), e);
        }
    }

    /** Waits up to {@link #SUPERVISE_MILLIS} for a worker to exit or for {@code ownCopy} to end. */
    private static void awaitAnyExit(List<WorkerProcess> running, CompletableFuture<Void> ownCopy) {
        List<CompletableFuture<?>> ends = new ArrayList<>();
        running.forEach(worker -> ends.add(worker.process.onExit()));
        if (!ownCopy.isDone()) {
            ends.add(ownCopy);
        }
        if (ends.isEmpty()) {
            return;
        }
        CompletableFuture<?>[] exits = ends.toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(exits).get(SUPERVISE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Look again: something exited, or nothing did yet.
        } catch (InterruptedException e) {
            // Nothing interrupts the coordinator's thread; look again.
        }
    }

    private static String describeExit(WorkerProcess worker) {
        if (worker.stuck) {
            return "worker process " + worker.process.pid() + " stopped responding and was killed";
        }
        int status = worker.process.exitValue();
        String how = status > 128 ? "was killed by signal " + (status - 128) : "exited with status " + status;
        List<String> said = worker.errorLines();
        return "worker process " + worker.process.pid() + " " + how + (said.isEmpty() ? "" : " (" + said.get(0) + ")");
    }

    /** The failure for an error a worker recorded. */
    private static CopyException failure(CopyRequest request, WorkerError error) {
        Failure.Kind kind;
        switch (error.kind()) {
            case SOURCE_CHANGED:
                kind = Failure.Kind.SOURCE_CHANGED;
                break;
            case SOURCE_READ:
                kind = Failure.Kind.READ;
                break;
            case TARGET_WRITE:
                kind = Failure.Kind.WRITE;
                break;
            default:
                kind = Failure.Kind.COPY;
                break;
        }
        return new CopyException(new Failure(kind, request.sourceName(), request.targetName(), null, error.errno(),
                error.message(), true));
    }

    private static void checkSourceUnchanged(CopyRequest request) throws CopyException {
        try {
            if (!request.source().status().isUnchangedSince(request.sourceStatus())) {
                throw sourceChanged(request);
            }
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.STAT, request.sourceName(), null, e, false), e);
        }
    }

    private static CopyException sourceChanged(CopyRequest request) {
        return new CopyException(Failure.of(Failure.Kind.SOURCE_CHANGED, request.sourceName(), request.targetName(),
                (String) null, true));
    }

    /** Streams the source into the temporary file, then reads the copy back against the bytes' checksum. */
    private void stream(CopyRequest request, Scratch scratch) throws CopyException {
        stats.mode(Stats.Mode.STREAM);
        Streamer.Streamed streamed = stream(request, scratch.part);
        try {
            scratch.part.sync();
            stats.enter(Stats.Phase.VERIFY);
            if (verifyMedia) {
                scratch.part.adviseDontNeed(0, 0);
            }
            long size = scratch.part.status().sizeBytes();
            if (size != streamed.bytes() || (size > 0 && Verifier.crc32c(scratch.part, 0, size) != streamed.crc32c())) {
                throw new CopyException(Failure.of(Failure.Kind.VERIFY, request.sourceName(), request.targetName(),
                        (String) null, true));
            }
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.WRITE, request.sourceName(), request.targetName(), e, false), e);
        }
    }

    /** DEST is a FIFO or a device: the bytes are written into it, as cp does; nothing can be read back. */
    private long writeThrough(CopyRequest request) throws CopyException {
        stats.mode(Stats.Mode.WRITE_THROUGH);
        return stream(request, request.existing()).bytes();
    }

    /** Streams the source into {@code target}, naming the file whose read or write failed. */
    private Streamer.Streamed stream(CopyRequest request, NativeFile target) throws CopyException {
        stats.enter(Stats.Phase.COPY);
        try {
            Streamer.Streamed streamed = Streamer.copy(request.source(), target);
            stats.bytes(streamed.bytes());
            return streamed;
        } catch (Streamer.StreamException e) {
            throw new CopyException(Failure.of(e.reading ? Failure.Kind.READ : Failure.Kind.WRITE, request.sourceName(),
                    request.targetName(), e.errno(), false), e);
        }
    }

    /**
     * Gives the copy DEST's attributes, syncs it, and renames it over DEST, unless the coordinator
     * was interrupted first.
     */
    private static FileReport.Outcome commit(CopyRequest request, Scratch scratch, Events events) throws CopyException {
        Attributes.apply(request, scratch.part);
        try {
            scratch.part.sync();
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.WRITE, request.sourceName(), request.targetName(), e, false), e);
        }
        synchronized (scratch) {
            if (scratch.interrupted) {
                scratch.awaitExitIfInterrupted();
            }
            scratch.rename();
        }
        try {
            request.directory().sync();
            return FileReport.Outcome.COPIED;
        } catch (ErrnoException e) {
            // A directory mcp may not read is open as a path only (Operands), which fsync refuses with
            // EBADF: what kept it from being synced is the permission to read it, not a bad descriptor.
            int errno = e.errno() == ErrnoException.EBADF ? ErrnoException.EACCES : e.errno();
            events.warning(new Events.Warning(Events.Warning.Kind.DIRECTORY_NOT_SYNCED, request.targetName(), errno));
            return FileReport.Outcome.COPIED_NOT_DURABLE;
        }
    }

    /**
     * The temporary and control files of one copy and the workers using them. Its lock orders the
     * commit against an interruption: the shutdown hook either finds the copy committed, and the
     * exit status says it succeeded, or stops the workers and removes both files before any
     * rename.
     */
    private static final class Scratch {
        final CopyRequest request;
        final Events events;
        final String stem;
        final NativeFile part;
        NativeFile control;
        private String controlName;
        private FileStatus partStatus;
        private FileStatus controlStatus;
        private final List<WorkerProcess> workers = new ArrayList<>();
        private boolean interrupted;
        private boolean committed;

        private Scratch(CopyRequest request, Events events, String stem, NativeFile part, FileStatus partStatus) {
            this.request = request;
            this.events = events;
            this.stem = stem;
            this.part = part;
            this.partStatus = partStatus;
        }

        /** Creates the temporary file beside DEST: {@code O_EXCL | O_NOFOLLOW}, mode 0600. */
        static Scratch create(CopyRequest request, Events events) throws CopyException {
            String stem = "." + shortened(request.leaf()) + "." + String.format("%016x", ThreadLocalRandom.current().nextLong());
            NativeFile part;
            try {
                part = NativeFile.open(request.directory(), stem + ".mcp-part", 0600,
                        NativeFile.Open.READ_WRITE, NativeFile.Open.CREATE_NEW);
            } catch (ErrnoException e) {
                if (request.existing() != null && e.errno() == ErrnoException.EACCES) {
                    // The directory by the name it was opened by: DEST's, or where a symbolic link at DEST led.
                    throw new CopyException(Failure.of(Failure.Kind.DIRECTORY_NOT_WRITABLE, request.sourceName(),
                            request.targetName(), e, false).withDetail(request.directory().name()), e);
                }
                throw new CopyException(Failure.of(Failure.Kind.CREATE, request.sourceName(), request.targetName(), e, false), e);
            }
            try {
                return new Scratch(request, events, stem, part, part.status());
            } catch (ErrnoException e) {
                throw new CopyException(Failure.of(Failure.Kind.CREATE, request.sourceName(), request.targetName(), e, false), e);
            }
        }

        /**
         * Creates the control file beside the temporary file, the same way, under a name of its
         * own: one that could be told from the temporary file's could be taken first by another
         * user who can write the directory.
         */
        NativeFile createControl() throws ErrnoException {
            String name = "." + shortened(request.leaf()) + "." + String.format("%016x", ThreadLocalRandom.current().nextLong())
                    + ".mcp-control";
            NativeFile file = NativeFile.open(request.directory(), name, 0600, NativeFile.Open.READ_WRITE, NativeFile.Open.CREATE_NEW);
            synchronized (this) {
                controlName = name;
                control = file;
                controlStatus = file.status();
            }
            return file;
        }

        /**
         * A name short enough that the scratch files' names stay within NAME_MAX (255 bytes), never
         * cut between the two halves of a character outside the BMP: half of one has no bytes.
         */
        private static String shortened(String name) {
            if (name.length() <= MAX_STEM_CHARS) {
                return name;
            }
            int end = Character.isHighSurrogate(name.charAt(MAX_STEM_CHARS - 1)) ? MAX_STEM_CHARS - 1 : MAX_STEM_CHARS;
            return name.substring(0, end);
        }

        /**
         * Renames the copy over DEST, after checking that its name is still the file mcp wrote, and
         * checks afterwards that DEST is that file: another user who can write the directory could
         * have put something else under either name.
         */
        void rename() throws CopyException {
            String partName = stem + ".mcp-part";
            String target = request.targetName();
            try {
                if (!isOurs(partName, partStatus)) {
                    throw new CopyException(Failure.of(Failure.Kind.SCRATCH_REPLACED, request.sourceName(), target,
                            (String) null, true));
                }
                NativeFile.rename(request.directory(), partName, request.directory(), request.leaf());
                committed = true;
                if (!isOurs(request.leaf(), partStatus)) {
                    throw new CopyException(Failure.of(Failure.Kind.TARGET_REPLACED, request.sourceName(), target,
                            (String) null, false));
                }
            } catch (ErrnoException e) {
                throw new CopyException(Failure.of(Failure.Kind.REPLACE, request.sourceName(), target, e, !committed), e);
            }
        }

        private boolean isOurs(String name, FileStatus ours) throws ErrnoException {
            try {
                return NativeFile.status(request.directory(), name, false).isSameFile(ours);
            } catch (ErrnoException e) {
                if (e.errno() == ErrnoException.ENOENT) {
                    return false;
                }
                throw e;
            }
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

        /** The shutdown hook: a fatal signal reached the coordinator (see {@link FatalSignals}). */
        void interrupt() {
            synchronized (this) {
                if (committed) {
                    // The destination already holds the verified copy: report success, not 130.
                    Runtime.getRuntime().halt(0);
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

        /**
         * Stops every worker and removes both files, each only if its name still is the file mcp
         * created; the rename, if it happened, already took the temporary file's name away.
         */
        synchronized void discard() {
            workers.forEach(WorkerProcess::kill);
            for (WorkerProcess worker : workers) {
                worker.process.onExit().join();
            }
            workers.clear();
            remove(stem + ".mcp-part", partStatus, part);
            partStatus = null;
            if (control != null) {
                remove(controlName, controlStatus, control);
                controlStatus = null;
            }
        }

        private void remove(String name, FileStatus ours, NativeFile file) {
            try {
                if (ours != null && isOurs(name, ours)) {
                    NativeFile.unlink(request.directory(), name);
                }
            } catch (ErrnoException e) {
                events.warning(new Events.Warning(Events.Warning.Kind.SCRATCH_NOT_REMOVED, name, e.errno()));
            }
            try {
                file.close();
            } catch (ErrnoException e) {
                // Everything that mattered was synced or is being thrown away.
            }
        }
    }
}
