package mcp.copy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.Mapping;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * Copies files and replaces each destination only with a verified copy.
 *
 * <p>Each copy is made in a temporary file beside its destination (created exclusively, mode
 * 0600, its data ranges reserved and its size set before anything maps it). The regular files of
 * a round share one control file and one set of copying processes: large files are split into
 * chunks, small ones grouped into batches, so that a claim is never one tiny file. Files whose
 * size says nothing of their content, or that cannot be mapped, are streamed by the coordinator.
 * The coordinator then reads the copies back against the checksums, checks that the sources did
 * not change, gives each copy the attributes its destination must have, syncs them and renames
 * them over their destinations. A file that fails leaves its destination as it was and does not
 * stop the others; whatever happens, no temporary or control file remains.
 *
 * <p>Every file is reached through a descriptor opened once: the sources, the destinations'
 * directories, the temporary and control files (created with {@code O_EXCL | O_NOFOLLOW}); names
 * in a destination's directory, which others may be able to write, are only ever used relative to
 * that directory's descriptor and checked against the descriptor's identity before mcp acts on them.
 */
public final class Coordinator {
    /** Replacements for workers that die without a word (killed, crashed, stuck) during one copy. */
    static final int MAX_REPLACEMENTS = 3;
    /** A chunk that fails verification is copied once more; failing again fails the copy. */
    static final int MAX_ROUNDS = 2;
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

    /** Files up to this size are copied whole, in batches, rather than chunk by chunk. */
    static final long BATCH_FILE_MAX_BYTES = 1L << 20;
    /** A batch holds files of up to this many bytes in all... */
    static final long BATCH_MAX_BYTES = 16L << 20;
    /** ...and no more than this many files. */
    static final int BATCH_MAX_FILES = 128;

    private final WorkerLauncher launcher;
    private final int processes;
    private final long chunkBytes;
    private final boolean verifyMedia;
    private final Optional<CopyMethod> method;
    private final Stats stats;
    private final Leftovers leftovers;
    private final WorkerBudget budget = WorkerBudget.ofThisMachine();
    /** Whether the regular files of a device (by {@link FileStatus#device}) map and say their size: see {@link #streams}. */
    private final Map<Long, Boolean> mappableDevices = new HashMap<>();
    /** The control file of the round being copied, for {@link #bytesInFlight}; guarded by {@link #live}'s lock. */
    private final ControlFile[] live = new ControlFile[1];
    /** What the last round's copiers copied, until its files are reported done; guarded by {@link #live}'s lock. */
    private long settledBytes;
    /** The round being copied, for {@link #copiersAlive}. */
    private volatile Round liveRound;

    /**
     * @param processes the most copying processes to run at once, as asked for; no more than the
     *        machine's {@link WorkerBudget} are run
     * @param chunkBytes the chunk size, a multiple of the page size, or 0 to choose one
     * @param verifyMedia read the copies back from the device, not from the page cache
     * @param method how chunks are copied, or empty to choose by the copy's file system
     *        ({@link CopyMethod#forFileSystem})
     * @param stats told of each phase from {@link Stats.Phase#PLAN} on, and of what is copied how
     * @param resume resume from what interrupted runs left ({@code --resume}), and keep what an
     *        interrupted run leaves, instead of removing both
     */
    public Coordinator(WorkerLauncher launcher, int processes, long chunkBytes, boolean verifyMedia,
            Optional<CopyMethod> method, Stats stats, boolean resume) {
        this.leftovers = new Leftovers(resume);
        this.launcher = launcher;
        this.processes = processes;
        this.chunkBytes = chunkBytes;
        this.verifyMedia = verifyMedia;
        this.method = method;
        this.stats = stats;
    }

    /**
     * Copies files, each on its own terms: a failure of one is reported for it, and the others go
     * on. The regular files share one control file and one set of copiers; the caller keeps the
     * round small enough for their descriptors (two per file) to stay open at once.
     *
     * @param events told of each file as it is done, and of warnings
     * @param preserve the attributes of the sources each copy gets, on top of what {@link Attributes} gives it
     * @return a report per request, in the same order; each was also told to {@link Events#fileDone}
     */
    public List<FileReport> copyAll(List<CopyRequest> requests, Events events, Set<Preserve.Attribute> preserve) {
        stats.enter(Stats.Phase.PLAN);
        FileReport[] reports = new FileReport[requests.size()];
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            CopyRequest request = requests.get(i);
            try {
                if (request.writesThrough()) {
                    reports[i] = writeThrough(request);
                } else if (streams(request)) {
                    reports[i] = copyStreamed(request, events, preserve);
                } else {
                    Leftovers.Found found = leftovers.find(request);
                    if (found instanceof Leftovers.Committed) {
                        long size = request.sourceStatus().sizeBytes();
                        reports[i] = new FileReport(request.sourceName(), request.targetName(),
                                FileReport.Outcome.ALREADY_COPIED, size, 0, null, FileReport.Type.FILE, size);
                    } else if (found instanceof Leftovers.Refused) {
                        reports[i] = FileReport.failed(((Leftovers.Refused) found).failure());
                    } else {
                        Planned file = new Planned(i, request);
                        file.partial = found instanceof Leftovers.Partial ? (Leftovers.Partial) found : null;
                        planned.add(file);
                    }
                }
            } catch (CopyException e) {
                reports[i] = FileReport.failed(e.failure());
            }
            if (reports[i] != null) {
                events.fileDone(reports[i]);
            }
        }
        if (!planned.isEmpty()) {
            copyChunked(planned, events, preserve);
            synchronized (live) {
                settledBytes = 0;   // from here on, the files reported done count their bytes
            }
            for (Planned file : planned) {
                reports[file.index] = file.report();
                events.fileDone(reports[file.index]);
            }
        }
        return List.of(reports);
    }

    /** What interrupted runs left beside this run's destinations, and this run's journals. */
    Leftovers leftovers() {
        return leftovers;
    }

    /**
     * True if a file of this size is copied in chunks that a resume can reuse: a smaller one is
     * copied whole in a batch, not synced on its own (see {@link Worker}), and copied again.
     */
    static boolean resumesByChunk(long sizeBytes) {
        return sizeBytes > BATCH_FILE_MAX_BYTES;
    }

    /** What this run measures of itself, for the engine's phases. */
    Stats stats() {
        return stats;
    }

    /**
     * Bytes the copiers of the round under way have copied so far, for a progress line; after
     * the copy, while the round is verified and committed, what they copied; 0 once its files are
     * reported done. Safe to call from any thread: the control file is not unmapped meanwhile.
     */
    public long bytesInFlight() {
        synchronized (live) {
            ControlFile control = live[0];
            return control == null ? settledBytes : copiedSoFar(control);
        }
    }

    private static long copiedSoFar(ControlFile control) {
        long bytes = 0;
        for (int slot = 0; slot < control.workerCount(); slot++) {
            bytes += control.slotBytesCopied(slot);
        }
        return bytes;
    }

    /** Copying processes at work now: the coordinator's own copy and the workers running; 0 between rounds. */
    public int copiersAlive() {
        Round round = liveRound;
        synchronized (live) {
            return live[0] == null ? 0 : 1 + (round == null ? 0 : round.running().size());
        }
    }

    /**
     * True if the source must be streamed: it is not a regular file, its file system's sizes say
     * nothing (procfs, sysfs), it claims to be empty (such files are often not), or it cannot be
     * mapped (tried on its first page).
     */
    private boolean streams(CopyRequest request) throws CopyException {
        FileStatus status = request.sourceStatus();
        if (!status.isRegularFile() || status.sizeBytes() == 0) {
            return true;
        }
        Boolean known = mappableDevices.get(status.device());
        if (known != null) {
            return !known;
        }
        try {
            if (SIZE_LESS_FILE_SYSTEMS.contains(request.source().fileSystemType())) {
                mappableDevices.put(status.device(), false);
                return true;
            }
            request.source().map(0, Math.min(status.sizeBytes(), Posix.pageSize()), Mapping.Access.READ_ONLY).close();
            // A tree's files are on few file systems: one file that maps says its file system's do.
            mappableDevices.put(status.device(), true);
            return false;
        } catch (ErrnoException e) {
            if (e.call().equals("mmap")) {
                return true;
            }
            throw new CopyException(Failure.of(Failure.Kind.STAT, request.sourceName(), null, e, false), e);
        }
    }

    /** A regular file copied through chunks or a batch, and what became of it. */
    private static final class Planned {
        final int index;
        final CopyRequest request;
        /** Its data ranges, {@code [start, end)}; a small file's is the whole file. */
        List<long[]> extents;
        long dataBytes;
        Scratch scratch;
        /** Its row in the control file, or -1 if it has no data to copy. */
        int row = -1;
        int recopied;
        /** What an interrupted run left of its copy, to resume from, or null. */
        Leftovers.Partial partial;
        /** Of a resumed file: the checksum of each chunk found done and intact, by offset. */
        Map<Long, Long> reusable = Map.of();
        long resumedBytes;
        Failure failure;
        FileReport.Outcome outcome;

        Planned(int index, CopyRequest request) {
            this.index = index;
            this.request = request;
        }

        long sizeBytes() {
            return request.sourceStatus().sizeBytes();
        }

        boolean ok() {
            return failure == null;
        }

        void fail(Failure why) {
            if (failure == null) {
                failure = why;
            }
        }

        void fail(CopyException e) {
            fail(e.failure());
        }

        FileReport report() {
            return failure != null ? FileReport.failed(failure)
                    : new FileReport(request.sourceName(), request.targetName(), outcome, dataBytes, recopied, null,
                            FileReport.Type.FILE, resumedBytes);
        }
    }

    /**
     * Plans, copies, verifies and commits the regular files of a round: one control file and one
     * set of copiers for all of them.
     */
    private void copyChunked(List<Planned> planned, Events events, Set<Preserve.Attribute> preserve) {
        for (Planned file : planned) {
            try {
                plan(file);
                stats.addFile(file.sizeBytes(), file.dataBytes);
            } catch (CopyException e) {
                file.fail(e);
            }
        }
        stats.mode(Stats.Mode.IN_PROCESS);
        stats.enter(Stats.Phase.SETUP);
        inRound(events, round -> {
            for (Planned file : planned) {
                if (file.ok()) {
                    try {
                        file.scratch = file.partial != null ? round.adopt(file.request, file.partial) : null;
                        if (file.scratch == null) {
                            file.partial = null;
                            file.scratch = round.create(file.request);
                        }
                        prepare(file);
                    } catch (CopyException e) {
                        file.fail(e);
                    }
                }
            }
            copyChunks(round, planned, events);
            stats.enter(Stats.Phase.VERIFY);
            for (Planned file : planned) {
                if (file.ok()) {
                    checkSourceUnchanged(file);
                }
            }
            stats.enter(Stats.Phase.COMMIT);
            commit(round, planned, events, preserve);
            return null;
        });
    }

    /** Work done with the scratch files of one round. */
    private interface RoundWork<T, E extends Exception> {
        T run(Round round) throws E;
    }

    /**
     * Runs {@code work} with a round of its own, whose scratch files are discarded whatever
     * happens, and whose interruption (a fatal signal) ends the run: the main thread then waits
     * for the exit instead of reporting the errors that stopping the workers causes.
     */
    private <T, E extends Exception> T inRound(Events events, RoundWork<T, E> work) throws E {
        Round round = Round.start(events, leftovers);
        try {
            return work.run(round);
        } catch (Exception e) {
            round.awaitExitIfInterrupted();
            throw e;
        } finally {
            stats.enter(Stats.Phase.CLEANUP);
            round.finish();
            round.awaitExitIfInterrupted();
        }
    }

    /** The file's data ranges: a small file's is all of it; a large one's, the ranges that hold data. */
    private static void plan(Planned file) throws CopyException {
        long size = file.sizeBytes();
        if (size <= BATCH_FILE_MAX_BYTES) {
            file.extents = List.of(new long[] {0, size});
        } else {
            try {
                file.extents = Extents.of(file.request.source(), size, Posix.pageSize());
            } catch (ErrnoException e) {
                throw new CopyException(Failure.of(Failure.Kind.READ, file.request.sourceName(), file.request.targetName(), e,
                        false), e);
            }
        }
        file.dataBytes = file.extents.stream().mapToLong(extent -> extent[1] - extent[0]).sum();
    }

    /**
     * Reserves the blocks of a large file's data ranges, so that a full disk fails here, and sets
     * the copy's size. A small file, copied whole in a batch, is not reserved: one call more per
     * file of a tree, for a file the copy fills at once.
     */
    private static void prepare(Planned file) throws CopyException {
        NativeFile part = file.scratch.part;
        try {
            for (long[] extent : file.sizeBytes() <= BATCH_FILE_MAX_BYTES ? List.<long[]>of() : file.extents) {
                if (!part.reserve(extent[0], extent[1] - extent[0])) {
                    break; // the file system cannot reserve: a full disk will show as a write fault
                }
            }
            part.truncate(file.sizeBytes());
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.WRITE, file.request.sourceName(), file.request.targetName(), e,
                    false), e);
        }
    }

    /**
     * The chunks of every file that has data to copy, giving each its control-file row: large
     * files split into page-aligned chunks, small ones grouped into batches.
     */
    private List<Chunk> chunks(List<Planned> withData, long pageSize) {
        long dataBytes = withData.stream().mapToLong(file -> file.dataBytes).sum();
        long chunk = chunkBytes > 0 ? chunkBytes
                : ChunkPlan.autoChunkBytes(dataBytes, Math.min(processes, budget.limit()), pageSize);
        List<Chunk> chunks = new ArrayList<>();
        int batchFirst = -1;
        int batchFiles = 0;
        long batchBytes = 0;
        for (int row = 0; row < withData.size(); row++) {
            Planned file = withData.get(row);
            file.row = row;
            if (file.sizeBytes() <= BATCH_FILE_MAX_BYTES) {
                if (batchFiles > 0 && (batchFiles == BATCH_MAX_FILES || batchBytes + file.dataBytes > BATCH_MAX_BYTES)) {
                    chunks.add(batchChunk(batchFirst, batchFiles, batchBytes));
                    batchFiles = 0;
                    batchBytes = 0;
                }
                if (batchFiles == 0) {
                    batchFirst = row;
                }
                batchFiles++;
                batchBytes += file.dataBytes;
                continue;
            }
            if (batchFiles > 0) {
                chunks.add(batchChunk(batchFirst, batchFiles, batchBytes));
                batchFiles = 0;
                batchBytes = 0;
            }
            try {
                chunks.addAll(file.partial != null ? resumedChunks(file.partial, row)
                        : ChunkPlan.split(row, file.extents, chunk, pageSize));
            } catch (IllegalArgumentException e) {
                file.fail(Failure.of(Failure.Kind.CHUNK_SIZE, file.request.sourceName(), file.request.targetName(),
                        e.getMessage(), false));
            }
        }
        if (batchFiles > 0) {
            chunks.add(batchChunk(batchFirst, batchFiles, batchBytes));
        }
        return chunks;
    }

    /** The chunks of a resumed file: those of its interrupted copy, so that its journal's rows apply as they are. */
    private static List<Chunk> resumedChunks(Leftovers.Partial partial, int row) {
        ControlFile journal = partial.journal();
        List<Chunk> chunks = new ArrayList<>();
        int first = journal.fileFirstChunk(partial.row());
        for (int old = first; old < first + journal.fileChunkCount(partial.row()); old++) {
            Chunk chunk = journal.chunk(old);
            chunks.add(new Chunk(row, chunk.offset(), chunk.lengthBytes()));
        }
        return chunks;
    }

    /**
     * Reads back each chunk of a resumed file that its journal says was done, and keeps those
     * whose bytes still have the checksum it recorded: a chunk whose bytes never reached the
     * device (a power cut), or were changed since, is copied again.
     */
    private static void checkResumed(Planned file, Events events) {
        ControlFile journal = file.partial.journal();
        int row = file.partial.row();
        Map<Long, Long> reusable = new HashMap<>();
        int first = journal.fileFirstChunk(row);
        for (int old = first; old < first + journal.fileChunkCount(row); old++) {
            if (journal.chunkState(old) != ControlFile.DONE) {
                continue;
            }
            Chunk chunk = journal.chunk(old);
            try {
                long crc = Verifier.crc32c(file.scratch.part, chunk.offset(), chunk.lengthBytes());
                if (crc == journal.chunkCrc(old)) {
                    reusable.put(chunk.offset(), crc);
                    file.resumedBytes += chunk.lengthBytes();
                    continue;
                }
            } catch (ErrnoException e) {
                // Unreadable: copied again, which rewrites it.
            }
            file.recopied++;
        }
        file.reusable = reusable;
        if (file.resumedBytes > 0) {
            events.warning(new Events.Warning(Events.Warning.Kind.RESUMED, file.request.targetName(), 0, file.resumedBytes, 0));
        }
    }

    /** A batch, or for one file alone, an ordinary chunk of all of it. */
    private static Chunk batchChunk(int first, int files, long bytes) {
        return files == 1 ? new Chunk(first, 0, bytes) : Chunk.batch(first, files, bytes);
    }

    /** Copies the data of every file of the round that has any, and verifies it, copying mismatched chunks once more. */
    private void copyChunks(Round round, List<Planned> planned, Events events) {
        long pageSize = Posix.pageSize();
        List<Planned> withData = new ArrayList<>();
        for (Planned file : planned) {
            if (file.ok() && file.dataBytes > 0) {
                withData.add(file);
            }
        }
        List<Chunk> chunks = chunks(withData, pageSize);
        chunks.removeIf(chunk -> !withData.get(chunk.fileIndex()).ok());
        if (chunks.isEmpty()) {
            return;
        }
        for (Planned file : withData) {
            if (file.partial != null && file.ok()) {
                checkResumed(file, events);
            }
        }
        List<Chunk> pending = chunks.stream().filter(chunk -> reusedCrc(withData, chunk) == null).toList();
        long dataBytes = pending.stream().mapToLong(Chunk::lengthBytes).sum();
        boolean inProcess = processes == 1 || dataBytes <= IN_PROCESS_MAX_BYTES;
        // Copying processes, the coordinator among them: slot 0 is its own.
        int workers = inProcess ? 1 : Math.min(processes, pending.size());
        if (workers > budget.limit()) {
            if (budget.boundByMemory(workers)) {
                events.workersLimited(processes, budget.limit(), budget.reason());
            }
            workers = budget.limit();
        }
        stats.mode(inProcess ? Stats.Mode.IN_PROCESS : Stats.Mode.WORKERS);
        stats.chunks(chunks.size(), inProcess ? 0 : workers);
        Planned first = withData.get(chunks.get(0).fileIndex());
        try {
            List<ControlFile.FileEntry> rows = new ArrayList<>();
            List<NativeFile> copies = new ArrayList<>();
            List<NativeFile[]> local = new ArrayList<>();
            for (Planned file : withData) {
                rows.add(ControlFile.FileEntry.of(file.request.source(), file.request.sourceStatus(), file.scratch.part,
                        file.scratch.partStatus, file.sizeBytes()));
                copies.add(file.scratch.part);
                local.add(new NativeFile[] {file.request.source(), file.scratch.part});
            }
            CopyMethod using = method.isPresent() ? method.get() : CopyMethod.forFileSystem(first.scratch.part.fileSystemType());
            stats.method(using);
            ControlFile control = round.journal(ControlFile.create(round.createControl(first.request), rows, chunks, workers,
                    pageSize, using));
            boolean journalled = false;
            Set<Integer> resumed = new HashSet<>();
            for (int index = 0; index < chunks.size(); index++) {
                Long crc = reusedCrc(withData, chunks.get(index));
                if (crc != null) {
                    control.markResumed(index, crc);
                    resumed.add(index);
                }
                journalled |= resumesByChunk(withData.get(chunks.get(index).fileIndex()).sizeBytes());
            }
            if (journalled) {
                // The journal's header and rows on the device before any chunk is said done in it.
                control.sync();
            }
            try (Live shown = new Live(control, round)) {
                for (int attempt = 1; ; attempt++) {
                    stats.enter(Stats.Phase.SPAWN);
                    try {
                        if (inProcess) {
                            runInProcess(control, local);
                        } else {
                            runWorkers(round, control, local, Math.min(workers, control.countInState(ControlFile.PENDING)) - 1);
                        }
                    } finally {
                        stats.ran(control, !inProcess);
                    }
                    for (Planned file : withData) {
                        if (control.isFileFailed(file.row)) {
                            file.fail(failure(file.request, control.fileError(file.row)));
                        }
                    }
                    stats.enter(Stats.Phase.VERIFY);
                    if (verifyMedia) {
                        for (Planned file : withData) {
                            if (file.ok()) {
                                file.scratch.part.sync();
                                file.scratch.part.adviseDontNeed(0, 0);
                            }
                        }
                    }
                    // A resumed chunk was read back against its checksum before the copy began;
                    // with --verify=media, it is read again, from the device.
                    List<Integer> mismatched = Verifier.mismatches(control, copies,
                            Math.min(workers, Runtime.getRuntime().availableProcessors()),
                            verifyMedia ? Set.of() : resumed);
                    if (mismatched.isEmpty()) {
                        return;
                    }
                    for (int index : mismatched) {
                        Chunk bad = control.chunk(index);
                        for (int row = bad.fileIndex(); row < bad.fileIndex() + bad.fileCount(); row++) {
                            Planned file = withData.get(row);
                            if (attempt == MAX_ROUNDS) {
                                file.fail(Failure.of(Failure.Kind.VERIFY, file.request.sourceName(), file.request.targetName(),
                                        bad.isBatch() ? "bytes 0.." + file.sizeBytes() + ", " + attempt + " attempts"
                                                : "bytes " + bad.offset() + ".." + bad.end() + ", " + attempt + " attempts", true));
                            } else {
                                file.recopied++;
                            }
                        }
                        if (attempt < MAX_ROUNDS) {
                            control.reset(index, ControlFile.DONE);
                        }
                    }
                    if (attempt == MAX_ROUNDS) {
                        return;
                    }
                }
            }
        } catch (RoundFailed e) {
            failAll(withData, e.failure);
        } catch (ErrnoException e) {
            failAll(withData, Failure.of(Failure.Kind.WRITE, first.request.sourceName(), first.request.targetName(), e, false));
        } catch (IOException e) {
            failAll(withData, Failure.of(Failure.Kind.COPY, first.request.sourceName(), first.request.targetName(),
                    e.getMessage(), false));
        }
    }

    /** The checksum of {@code chunk}'s bytes if a resume found them in the copy already, or null. */
    private static Long reusedCrc(List<Planned> withData, Chunk chunk) {
        return chunk.isBatch() ? null : withData.get(chunk.fileIndex()).reusable.get(chunk.offset());
    }

    /** Shows the control file to {@link #bytesInFlight} while it is mapped. */
    private final class Live implements AutoCloseable {
        Live(ControlFile control, Round round) {
            synchronized (live) {
                live[0] = control;
            }
            liveRound = round;
        }

        @Override
        public void close() {
            synchronized (live) {
                // The progress line must not drop back while the round is verified and committed.
                settledBytes = copiedSoFar(live[0]);
                live[0] = null;
            }
            liveRound = null;
        }
    }

    /** Every file of the round fails for what stopped the round (named for each file). */
    private static void failAll(List<Planned> files, Failure why) {
        for (Planned file : files) {
            file.fail(new Failure(why.kind(), file.request.sourceName(), file.request.targetName(), why.call(), why.errno(),
                    why.detail(), why.targetKept()));
        }
    }

    /** Something stopped a whole round: every copier's failure, the workers lost. */
    private static final class RoundFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Failure failure;

        RoundFailed(Failure failure) {
            super(failure.kind().name(), null, false, false);
            this.failure = failure;
        }
    }

    /**
     * Copies every pending chunk on this thread, with the same worker code a worker JVM runs, on
     * the coordinator's own descriptors ({@code local}: source and copy of each file row).
     */
    private static void runInProcess(ControlFile control, List<NativeFile[]> local) {
        try (Worker worker = new Worker(control, 0, local)) {
            worker.run();
        }
    }

    /**
     * Copies on this thread's behalf while {@code count} worker JVMs (slots 1 to {@code count})
     * start and join in, until every chunk is done or failed: a worker JVM takes a quarter of a
     * second or more to start, in which the coordinator's own copy (slot 0, the same
     * {@link Worker} code) is already under way. Workers that die without a word or stop beating
     * are replaced; one that fails in a way no file explains fails the round.
     */
    private void runWorkers(Round round, ControlFile control, List<NativeFile[]> local, int count)
            throws RoundFailed, IOException {
        int replacements = 0;
        for (int slot = 1; slot <= count; slot++) {
            round.started(start(round, control, slot));
        }
        OwnCopy own = OwnCopy.start(control, local);
        boolean done = false;
        try {
            while (!control.isSettled()) {
                List<WorkerProcess> running = round.running();
                awaitAnyExit(running, own.finished);
                if (own.failure != null) {
                    control.requestStop();
                    throw new RoundFailed(Failure.of(Failure.Kind.COPY, null, null, String.valueOf(own.failure), true));
                }
                for (WorkerProcess worker : running) {
                    if (worker.process.isAlive()) {
                        if (isStuck(control, worker)) {
                            worker.stuck = true;
                            worker.kill();
                        }
                        continue;
                    }
                    round.exited(worker);
                    long state = control.slotState(worker.slot);
                    if (state == ControlFile.SLOT_FINISHED) {
                        continue;
                    }
                    if (state == ControlFile.SLOT_FAILED && worker.process.exitValue() == WorkerMain.EXIT_FAILED) {
                        control.requestStop();
                        WorkerError error = control.slotError(worker.slot);
                        throw new RoundFailed(new Failure(Failure.Kind.COPY, null, null, null, 0, error.message(), true));
                    }
                    control.release(worker.process.pid());
                    if (replacements == MAX_REPLACEMENTS) {
                        control.requestStop();
                        throw new RoundFailed(Failure.of(Failure.Kind.WORKERS_LOST, null, null,
                                describeExit(worker) + ", and " + MAX_REPLACEMENTS + " workers before it", true));
                    }
                    replacements++;
                    stats.replaced();
                    round.started(start(round, control, worker.slot));
                }
                if (own.finished.isDone() && round.running().isEmpty() && !control.isSettled()) {
                    // Every copier finished, yet chunks remain: handed back by a worker that died
                    // after the others had found nothing left to claim.
                    own = OwnCopy.start(control, local);
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
        /** What broke the copy in a way no file explains, or null. */
        volatile Throwable failure;

        static OwnCopy start(ControlFile control, List<NativeFile[]> local) {
            OwnCopy own = new OwnCopy();
            Thread thread = new Thread(() -> {
                try (Worker worker = new Worker(control, 0, local)) {
                    worker.run();
                } catch (RuntimeException | Error e) {
                    own.failure = e;
                } finally {
                    own.finished.complete(null);
                }
            }, "mcp-copy");
            thread.setDaemon(true);   // an interrupted copy exits with the JVM; its files are gone then
            thread.start();
            return own;
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

    private WorkerProcess start(Round round, ControlFile control, int slot) throws IOException {
        control.clearSlot(slot);
        FileStatus status = round.control.status();
        stats.spawning(slot);
        try {
            return new WorkerProcess(slot, launcher.start(round.control.descriptor(), status.device(), status.inode(), slot));
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

    /** The failure for an error a copier recorded for a file. */
    private static Failure failure(CopyRequest request, WorkerError error) {
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
        return new Failure(kind, request.sourceName(), request.targetName(), null, error.errno(), error.message(), true);
    }

    private static void checkSourceUnchanged(Planned file) {
        CopyRequest request = file.request;
        try {
            if (!request.source().status().isUnchangedSince(request.sourceStatus())) {
                file.fail(sourceChanged(request));
            }
        } catch (ErrnoException e) {
            file.fail(Failure.of(Failure.Kind.STAT, request.sourceName(), null, e, false));
        }
    }

    private static Failure sourceChanged(CopyRequest request) {
        return Failure.of(Failure.Kind.SOURCE_CHANGED, request.sourceName(), request.targetName(), (String) null, true);
    }

    /**
     * Streams a file whose size says nothing of its content into its temporary file, reads the
     * copy back against the bytes' checksum, and commits it.
     */
    private FileReport copyStreamed(CopyRequest request, Events events, Set<Preserve.Attribute> preserve) throws CopyException {
        stats.enter(Stats.Phase.SETUP);
        return inRound(events, round -> {
            Scratch scratch = round.create(request);
            stats.mode(Stats.Mode.STREAM);
            Streamer.Streamed streamed = stream(request, scratch.part);
            stats.addFile(streamed.bytes(), streamed.bytes());
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
            stats.enter(Stats.Phase.COMMIT);
            Planned file = new Planned(0, request);
            file.scratch = scratch;
            file.dataBytes = streamed.bytes();
            commit(round, List.of(file), events, preserve);
            if (!file.ok()) {
                throw new CopyException(file.failure);
            }
            return file.report();
        });
    }

    /** DEST is a FIFO or a device: the bytes are written into it, as cp does; nothing can be read back. */
    private FileReport writeThrough(CopyRequest request) throws CopyException {
        stats.mode(Stats.Mode.WRITE_THROUGH);
        long bytes = stream(request, request.existing()).bytes();
        stats.addFile(bytes, bytes);
        return new FileReport(request.sourceName(), request.targetName(), FileReport.Outcome.COPIED, bytes, 0, null);
    }

    /** Streams the source into {@code target}, naming the file whose read or write failed. */
    private Streamer.Streamed stream(CopyRequest request, NativeFile target) throws CopyException {
        stats.enter(Stats.Phase.COPY);
        try {
            return Streamer.copy(request.source(), target);
        } catch (Streamer.StreamException e) {
            throw new CopyException(Failure.of(e.reading ? Failure.Kind.READ : Failure.Kind.WRITE, request.sourceName(),
                    request.targetName(), e.errno(), false), e);
        }
    }

    /**
     * Gives each copy that is still good its destination's attributes, makes them all durable,
     * and renames them over their destinations, unless the coordinator was interrupted first;
     * then syncs each destination directory once.
     */
    private void commit(Round round, List<Planned> files, Events events, Set<Preserve.Attribute> preserve) {
        List<Planned> good = new ArrayList<>();
        for (Planned file : files) {
            if (file.ok()) {
                try {
                    Attributes.apply(file.request, file.scratch.part);
                    if (!preserve.isEmpty()) {
                        Preserve.apply(file.request.source(), file.request.sourceStatus(), file.scratch.part, preserve);
                    }
                    good.add(file);
                } catch (CopyException e) {
                    file.fail(e);
                } catch (ErrnoException e) {
                    file.fail(Preserve.failure(file.request.sourceName(), file.request.targetName(), e));
                }
            }
        }
        stats.enter(Stats.Phase.SYNC);
        syncAll(good);
        stats.enter(Stats.Phase.COMMIT);
        for (Planned file : good) {
            if (!file.ok()) {
                continue;
            }
            synchronized (round) {
                if (round.interrupted) {
                    round.awaitExitIfInterrupted();
                }
                try {
                    file.scratch.rename();
                    file.outcome = FileReport.Outcome.COPIED;
                } catch (CopyException e) {
                    file.fail(e);
                }
            }
        }
        round.journalCommits(good);
        Map<NativeFile, List<Planned>> byDirectory = new IdentityHashMap<>();
        for (Planned file : good) {
            if (file.ok()) {
                byDirectory.computeIfAbsent(file.request.directory(), directory -> new ArrayList<>()).add(file);
            }
        }
        stats.enter(Stats.Phase.SYNC);
        for (Map.Entry<NativeFile, List<Planned>> directory : byDirectory.entrySet()) {
            try {
                directory.getKey().sync();
            } catch (ErrnoException e) {
                // A directory mcp may not read is open as a path only (Operands), which fsync refuses with
                // EBADF: what kept it from being synced is the permission to read it, not a bad descriptor.
                int errno = e.errno() == ErrnoException.EBADF ? ErrnoException.EACCES : e.errno();
                for (Planned file : directory.getValue()) {
                    file.outcome = FileReport.Outcome.COPIED_NOT_DURABLE;
                    events.warning(new Events.Warning(Events.Warning.Kind.DIRECTORY_NOT_SYNCED, file.request.targetName(), errno));
                }
            }
        }
    }

    /**
     * Makes the copies durable before any is renamed: one {@code fsync} for a single copy; for
     * several, one {@code syncfs} per file system they are on, rather than one fsync each.
     */
    private static void syncAll(List<Planned> files) {
        if (files.size() == 1) {
            Planned file = files.get(0);
            try {
                file.scratch.part.sync();
            } catch (ErrnoException e) {
                file.fail(Failure.of(Failure.Kind.WRITE, file.request.sourceName(), file.request.targetName(), e, true));
            }
            return;
        }
        Map<Long, List<Planned>> byDevice = new HashMap<>();
        for (Planned file : files) {
            byDevice.computeIfAbsent(file.scratch.partStatus.device(), device -> new ArrayList<>()).add(file);
        }
        for (List<Planned> onDevice : byDevice.values()) {
            try {
                onDevice.get(0).scratch.part.syncFileSystem();
            } catch (ErrnoException e) {
                for (Planned file : onDevice) {
                    file.fail(Failure.of(Failure.Kind.WRITE, file.request.sourceName(), file.request.targetName(), e, true));
                }
            }
        }
    }

    /**
     * The temporary files of a round, its control file and the workers using them. Its lock orders
     * each commit against an interruption: the shutdown hook either finds every copy committed,
     * and the exit status says the run succeeded, or stops the workers and removes every
     * temporary file not yet renamed, and the control file, before any further rename.
     */
    private static final class Round {
        private final Events events;
        private final Leftovers leftovers;
        /** The round's control file, once created: closed when the round is over, or kept as a journal. */
        private ControlFile journal;
        private final List<Scratch> scratches = new ArrayList<>();
        private final List<WorkerProcess> workers = new ArrayList<>();
        private final Thread hook;
        NativeFile control;
        private NativeFile controlDirectory;
        private String controlName;
        private FileStatus controlStatus;
        private boolean interrupted;

        private Round(Events events, Leftovers leftovers) {
            this.events = events;
            this.leftovers = leftovers;
            this.hook = new Thread(this::interrupt, "mcp-interrupted");
        }

        static Round start(Events events, Leftovers leftovers) {
            Round round = new Round(events, leftovers);
            Runtime.getRuntime().addShutdownHook(round.hook);
            return round;
        }

        /** Creates the temporary file of a copy beside its destination: {@code O_EXCL | O_NOFOLLOW}, mode 0600. */
        Scratch create(CopyRequest request) throws CopyException {
            Scratch scratch = Scratch.create(request);
            synchronized (this) {
                scratches.add(scratch);
            }
            return scratch;
        }

        /**
         * Creates the control file beside the temporary file of {@code request}, the same way,
         * under a name of its own: one that could be told from the temporary file's could be taken
         * first by another user who can write the directory.
         */
        NativeFile createControl(CopyRequest request) throws ErrnoException {
            String name = ScratchName.of(request.leaf(), ScratchName.CONTROL);
            NativeFile file = NativeFile.open(request.directory(), name, 0600, NativeFile.Open.READ_WRITE,
                    NativeFile.Open.CREATE_NEW);
            synchronized (this) {
                controlDirectory = request.directory();
                controlName = name;
                control = file;
                controlStatus = file.status();
            }
            return file;
        }

        /**
         * Takes over the temporary copy an interrupted run left, under a new name of this run's
         * (so that no other run takes it for a dead run's), checking that it is still that file.
         *
         * @return the copy, or null if it could not be taken over: the file is then copied afresh
         */
        Scratch adopt(CopyRequest request, Leftovers.Partial partial) {
            Scratch scratch = Scratch.adopt(request, partial);
            if (scratch != null) {
                synchronized (this) {
                    scratches.add(scratch);
                }
            }
            return scratch;
        }

        /** The round's control file, closed with the round. */
        synchronized ControlFile journal(ControlFile control) {
            journal = control;
            return control;
        }

        /**
         * With {@code --resume}, records in the journal which copies were renamed over their
         * destinations, and makes it durable: a resume of the run skips them.
         */
        void journalCommits(List<Planned> files) {
            ControlFile control;
            synchronized (this) {
                control = journal;
            }
            if (!leftovers.resumes() || control == null) {
                return;
            }
            for (Planned file : files) {
                if (file.row >= 0 && file.scratch.committedAs != null) {
                    control.committed(file.row, file.scratch.committedAs);
                }
            }
            try {
                control.sync();
            } catch (ErrnoException e) {
                // A resume copies them again.
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
        private void interrupt() {
            synchronized (this) {
                if (!scratches.isEmpty() && scratches.stream().allMatch(scratch -> scratch.committed)) {
                    // Every destination of the round already holds its verified copy: if the run
                    // is done, report success, not 130.
                    int status = events.committedWhenInterrupted();
                    if (status >= 0) {
                        Runtime.getRuntime().halt(status);
                    }
                }
                interrupted = true;
            }
            if (leftovers.resumes()) {
                keepForResume();
                return;
            }
            // The files are removed but not closed: the coordinator's own copy may still be
            // writing through their descriptors, and a descriptor closed under it could be
            // reused by the time it writes. The exit closes them.
            discard(false);
        }

        /**
         * Interrupted with {@code --resume}: stops the workers and leaves the copies and the
         * journal where they are, the journal made durable, for the resume.
         */
        private synchronized void keepForResume() {
            stopWorkers();
            if (journal != null) {
                try {
                    journal.sync();
                } catch (ErrnoException e) {
                    // What reached the device is what the resume trusts; the rest is copied again.
                }
            }
        }

        private void stopWorkers() {
            workers.forEach(WorkerProcess::kill);
            for (WorkerProcess worker : workers) {
                worker.process.onExit().join();
            }
            workers.clear();
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
         * Discards what is left and takes the shutdown hook away: the round is over. With
         * {@code --resume}, its control file is kept as the run's journal until the run ends.
         */
        void finish() {
            synchronized (this) {
                if (leftovers.resumes() && journal != null && !interrupted) {
                    leftovers.keep(controlDirectory, controlName, controlStatus, journal);
                    journal = null;
                    control = null;
                }
            }
            discard(true);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: it discards the same files.
            }
        }

        /**
         * Stops every worker and removes the temporary files not renamed and the control file,
         * each only if its name still is the file mcp created.
         */
        synchronized void discard(boolean close) {
            stopWorkers();
            for (Scratch scratch : scratches) {
                scratch.discard(events, close);
            }
            scratches.clear();
            if (control != null) {
                Scratch.remove(controlDirectory, controlName, controlStatus, null, events);
                if (close) {
                    closeControl();
                }
                control = null;
            }
        }

        private void closeControl() {
            try {
                if (journal != null) {
                    journal.close();
                    journal = null;
                } else {
                    control.close();
                }
            } catch (IOException e) {
                // Nothing in it mattered any more.
            }
        }
    }

    /** The temporary file of one copy, beside its destination. */
    private static final class Scratch {
        final CopyRequest request;
        final String name;
        final NativeFile part;
        final FileStatus partStatus;
        /** True once renamed over the destination. */
        volatile boolean committed;
        /** The destination once the copy was renamed over it. */
        FileStatus committedAs;
        private boolean discarded;

        private Scratch(CopyRequest request, String name, NativeFile part, FileStatus partStatus) {
            this.request = request;
            this.name = name;
            this.part = part;
            this.partStatus = partStatus;
        }

        /** The temporary copy an interrupted run left, under a new name of this run's, or null if it could not be taken over. */
        static Scratch adopt(CopyRequest request, Leftovers.Partial partial) {
            String name = ScratchName.of(request.leaf(), ScratchName.PART);
            try {
                NativeFile.renameNoReplace(partial.directory(), partial.name(), request.directory(), name);
            } catch (ErrnoException e) {
                return null;
            }
            try {
                NativeFile part = NativeFile.open(request.directory(), name, 0, NativeFile.Open.READ_WRITE,
                        NativeFile.Open.NO_FOLLOW);
                FileStatus status = part.status();
                if (status.isSameFile(partial.status())) {
                    return new Scratch(request, name, part, status);
                }
                part.close();
            } catch (ErrnoException e) {
                // Someone else's file now has the name: leave it.
            }
            return null;
        }

        static Scratch create(CopyRequest request) throws CopyException {
            String name = ScratchName.of(request.leaf(), ScratchName.PART);
            NativeFile part;
            try {
                part = NativeFile.open(request.directory(), name, 0600, NativeFile.Open.READ_WRITE, NativeFile.Open.CREATE_NEW);
            } catch (ErrnoException e) {
                if (request.existing() != null && e.errno() == ErrnoException.EACCES) {
                    // The directory by the name it was opened by: DEST's, or where a symbolic link at DEST led.
                    throw new CopyException(Failure.of(Failure.Kind.DIRECTORY_NOT_WRITABLE, request.sourceName(),
                            request.targetName(), e, false).withDetail(request.directory().name()), e);
                }
                throw new CopyException(Failure.of(Failure.Kind.CREATE, request.sourceName(), request.targetName(), e, false), e);
            }
            try {
                return new Scratch(request, name, part, part.status());
            } catch (ErrnoException e) {
                remove(request.directory(), name, null, part, Events.NONE);
                throw new CopyException(Failure.of(Failure.Kind.CREATE, request.sourceName(), request.targetName(), e, false), e);
            }
        }

        /**
         * Renames the copy over DEST, after checking that its name is still the file mcp wrote, and
         * checks afterwards that DEST is that file: another user who can write the directory could
         * have put something else under either name.
         */
        void rename() throws CopyException {
            String target = request.targetName();
            try {
                if (!isOurs(request.directory(), name, partStatus)) {
                    throw new CopyException(Failure.of(Failure.Kind.SCRATCH_REPLACED, request.sourceName(), target,
                            (String) null, true));
                }
                NativeFile.rename(request.directory(), name, request.directory(), request.leaf());
                committed = true;
                FileStatus now = NativeFile.statusIfAny(request.directory(), request.leaf());
                if (now == null || !now.isSameFile(partStatus)) {
                    throw new CopyException(Failure.of(Failure.Kind.TARGET_REPLACED, request.sourceName(), target,
                            (String) null, false));
                }
                committedAs = now;
            } catch (ErrnoException e) {
                throw new CopyException(Failure.of(Failure.Kind.REPLACE, request.sourceName(), target, e, !committed), e);
            }
        }

        private static boolean isOurs(NativeFile directory, String name, FileStatus ours) throws ErrnoException {
            FileStatus status = NativeFile.statusIfAny(directory, name);
            return status != null && status.isSameFile(ours);
        }

        /** Removes the temporary file unless it was renamed, and closes it if {@code close}. */
        void discard(Events events, boolean close) {
            if (!discarded) {
                discarded = true;
                remove(request.directory(), name, committed ? null : partStatus, close ? part : null, events);
            }
        }

        /** Removes {@code name} from {@code directory} if it still is {@code ours} (null: leave it), and closes {@code file} (if not null). */
        static void remove(NativeFile directory, String name, FileStatus ours, NativeFile file, Events events) {
            if (ours != null) {
                StaleScratch.removeIfSame(directory, name, ours, null, events);
            }
            try {
                if (file != null) {
                    file.close();
                }
            } catch (ErrnoException e) {
                // Everything that mattered was synced or is being thrown away.
            }
        }
    }
}
