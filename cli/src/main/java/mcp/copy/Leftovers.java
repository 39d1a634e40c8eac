package mcp.copy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * What interrupted runs left beside the destinations of this run, and what becomes of it.
 *
 * <p>Without {@code --resume}, the scratch files of dead runs are removed as each directory is
 * first looked at ({@link StaleScratch}). With it, they are kept and read instead: a dead run's
 * control file is its journal ({@link ControlLayout}), opened only if it is a regular file of
 * this user's with no other link, and checked whole before anything in it is believed. A
 * destination then resumes ({@link #find}) from the copy that journal describes, if the source is
 * still the file it was (device, inode, size, times) and the copy is where the journal says (a
 * scratch file of that run, with the recorded inode, of this user's, with no other link). Its
 * chunks that the journal says were done are checked against their checksums before they are
 * trusted (the coordinator does that); everything else is copied again. What the run did not use
 * is removed when it ends ({@link #finish}); what a refusal concerns is kept for the user to decide.
 *
 * <p>Scratch files of a run that is still alive are never touched, and with {@code --resume} a
 * destination that such a run is copying to is refused: two runs must not share one copy.
 */
public final class Leftovers {
    private final boolean resume;
    /** Dead runs' journals, open, and where they are. */
    private final List<Journal> journals = new ArrayList<>();
    /** Dead runs' temporary copies, not yet taken over. */
    private final List<Part> parts = new ArrayList<>();
    /** Dead runs' control files that could not be read, and why. */
    private final List<Damaged> damaged = new ArrayList<>();
    /** Scratch files of live runs: destinations that a resume must not share. */
    private final List<Live> live = new ArrayList<>();
    /** Control files of this run's finished rounds, kept as its journal until the run ends. */
    private final List<Journal> own = new ArrayList<>();
    /** The rows of every journal above by their source, and by their copy: a lookup per file, not a scan of every row. */
    private final Map<Key, List<Row>> bySource = new HashMap<>();
    private final Map<Key, List<Row>> byCopy = new HashMap<>();
    /**
     * This run's own descriptor of each directory something above is in, by the caller's: the
     * caller closes its own once the directory's files are copied, before the run ends.
     */
    private final Map<NativeFile, NativeFile> held = new IdentityHashMap<>();
    /** Journals a destination resumed from, or skipped by: removed without a word at the end. */
    private final Set<Journal> used = new HashSet<>();
    /** Scratch files a refusal concerns, of the lists above: kept. */
    private final Set<Object> kept = new HashSet<>();

    private record Journal(NativeFile directory, String shown, String name, FileStatus status, ControlFile control, boolean dead) {
    }

    /** A file by device and inode. */
    private record Key(long device, long inode) {
    }

    /** A file row of a journal. */
    private record Row(Journal journal, int row) {
        ControlFile.FileEntry entry() {
            return journal.control.file(row);
        }
    }

    private record Part(NativeFile directory, String shownAs, String name, ScratchName.Parsed parsed, FileStatus status) {
    }

    private record Damaged(NativeFile directory, String shown, String name, ScratchName.Parsed parsed, FileStatus status, String why) {
    }

    private record Live(FileStatus directory, ScratchName.Parsed parsed) {
    }

    /** What a destination resumes from. */
    public sealed interface Found {
    }

    /** Nothing: the file is copied afresh. */
    public record Fresh() implements Found {
    }

    /** The destination already is the copy a run made of this very source, untouched since. */
    public record Committed() implements Found {
    }

    /** A resume is refused, for the reason the failure gives; what it concerns is kept. */
    public record Refused(Failure failure) implements Found {
    }

    /**
     * The temporary copy of a dead run, and its journal: the chunks of {@code row} that it says are
     * done may be reused once their checksums are checked.
     */
    public record Partial(ControlFile journal, int row, NativeFile directory, String name, FileStatus status) implements Found {
    }

    /** @param resume whether this run resumes ({@code --resume}) or removes what dead runs left */
    public Leftovers(boolean resume) {
        this.resume = resume;
    }

    public boolean resumes() {
        return resume;
    }

    /**
     * Looks at {@code directory} before anything is copied into it: removes the scratch files that
     * dead runs left for one of {@code destinations} (for any, if null), or with {@code --resume},
     * keeps them to resume from.
     *
     * @param shownAs the directory as messages name it
     */
    public void scan(NativeFile directory, String shownAs, Set<String> destinations, Events events) {
        if (!resume) {
            StaleScratch.remove(directory, shownAs, destinations, events);
            return;
        }
        List<String> names;
        FileStatus directoryStatus;
        try {
            names = directory.list();
            directoryStatus = directory.status();
        } catch (ErrnoException e) {
            return;
        }
        NativeFile caller = directory;
        for (String name : names) {
            ScratchName.Parsed parsed = ScratchName.parse(name);
            if (parsed == null || destinations != null && destinations.stream().noneMatch(parsed::isFor)) {
                continue;
            }
            try {
                directory = hold(caller);
            } catch (ErrnoException e) {
                return;
            }
            if (parsed.pid() == ProcessHandle.current().pid()) {
                continue;   // this run's own, from an earlier round
            }
            if (parsed.isLive()) {
                live.add(new Live(directoryStatus, parsed));
                continue;
            }
            FileStatus status;
            try {
                status = NativeFile.status(directory, name, false);
            } catch (ErrnoException e) {
                continue;
            }
            String shown = StaleScratch.shown(shownAs, name);
            if (parsed.control() && isMine(status)) {
                read(directory, shown, name, parsed, status);
            } else {
                // A copy, or a file no run of this user's made (not trusted, and removed as any stale scratch is).
                parts.add(new Part(directory, shown, name, parsed, status));
            }
        }
    }

    /** This run's own descriptor of {@code directory}, opened once. */
    private NativeFile hold(NativeFile directory) throws ErrnoException {
        NativeFile own = held.get(directory);
        if (own == null) {
            own = NativeFile.open(directory, ".", 0, NativeFile.Open.PATH_ONLY, NativeFile.Open.DIRECTORY);
            held.put(directory, own);
        }
        return own;
    }

    /** A regular file of this user's that no other name links to: only this user's runs make such scratch files. */
    private static boolean isMine(FileStatus status) {
        return status.isRegularFile() && status.links() == 1 && status.uid() == Posix.effectiveUid();
    }

    private void read(NativeFile directory, String shown, String name, ScratchName.Parsed parsed, FileStatus status) {
        NativeFile file;
        try {
            file = NativeFile.open(directory, name, 0, NativeFile.Open.READ_WRITE, NativeFile.Open.NO_FOLLOW);
        } catch (ErrnoException e) {
            damaged.add(new Damaged(directory, shown, name, parsed, status, e.reason()));
            return;
        }
        try {
            if (!file.status().isSameFile(status)) {
                file.close();
                return;
            }
            ControlFile control = ControlFile.open(file, 0);
            String why = control.coordinatorPid() != parsed.pid() || control.coordinatorStart() != parsed.startTicks()
                    ? "made by another run than its name says" : control.damage();
            if (why != null) {
                control.close();
                damaged.add(new Damaged(directory, shown, name, parsed, status, why));
                return;
            }
            journals.add(index(new Journal(directory, shown, name, status, control, true)));
        } catch (IOException e) {
            // ControlFile.open closed the file.
            damaged.add(new Damaged(directory, shown, name, parsed, status, e.getMessage()));
        }
    }

    /** What the destination of {@code request} resumes from. */
    public Found find(CopyRequest request) {
        if (!resume) {
            return new Fresh();
        }
        FileStatus directoryStatus;
        try {
            directoryStatus = request.directory().status();
        } catch (ErrnoException e) {
            return new Fresh();
        }
        for (Live run : live) {
            if (run.directory.isSameFile(directoryStatus) && run.parsed.isFor(request.leaf()) && run.parsed.isLive()) {
                return refuse(request, directoryStatus, Failure.Kind.RESUME_LIVE, Long.toString(run.parsed.pid()));
            }
        }
        FileStatus source = request.sourceStatus();
        Row best = null;
        Part bestPart = null;
        long bestBytes = -1;
        for (Row at : bySource.getOrDefault(new Key(source.device(), source.inode()), List.of())) {
            ControlFile control = at.journal.control;
            if (!at.entry().isSource(source)) {
                continue;
            }
            if (request.existing() != null && control.isCommittedAs(at.row, request.existingStatus())) {
                used.add(at.journal);
                return new Committed();
            }
            Part part = at.journal.dead ? partOf(at, request, directoryStatus) : null;
            // A copy taken over by a run that was interrupted in turn is in both runs' journals: the one that says most done wins.
            if (part != null && Coordinator.resumesByChunk(control.fileSize(at.row)) && doneBytes(control, at.row) > bestBytes) {
                best = at;
                bestPart = part;
                bestBytes = doneBytes(control, at.row);
            }
        }
        if (best != null) {
            // Its name stays among the parts: taken over, the name is gone, and nothing is removed by it at the end.
            used.add(best.journal);
            return new Partial(best.journal.control, best.row, bestPart.directory, bestPart.name, bestPart.status);
        }
        for (Damaged bad : damaged) {
            if (bad.parsed.isFor(request.leaf()) && isIn(bad.directory, directoryStatus)) {
                return refuse(request, directoryStatus, Failure.Kind.RESUME_DAMAGED, bad.name + ": " + bad.why);
            }
        }
        for (Part part : parts) {
            for (Row at : byCopy.getOrDefault(new Key(part.status.device(), part.status.inode()), List.of())) {
                // The journal of this very destination's copy, made of a source that is not this one
                // now: changed since, or replaced by another file (saved by rename, say).
                if (at.journal.dead && partOf(at, request, directoryStatus) == part) {
                    kept.add(at.journal);
                    return refuse(request, directoryStatus, Failure.Kind.RESUME_SOURCE_CHANGED, null);
                }
            }
        }
        return new Fresh();
    }

    /**
     * Refuses the resume of {@code request}, keeping what dead runs left for its destination and
     * the journals that name its source: the user decides what becomes of them (run again without
     * {@code --resume}, or {@code mcp --clean}).
     */
    private Refused refuse(CopyRequest request, FileStatus directoryStatus, Failure.Kind kind, String detail) {
        for (Part part : parts) {
            if (part.parsed.isFor(request.leaf()) && isIn(part.directory, directoryStatus)) {
                kept.add(part);
            }
        }
        for (Damaged bad : damaged) {
            if (bad.parsed.isFor(request.leaf()) && isIn(bad.directory, directoryStatus)) {
                kept.add(bad);
            }
        }
        for (Row at : bySource.getOrDefault(new Key(request.sourceStatus().device(), request.sourceStatus().inode()), List.of())) {
            if (at.journal.dead) {
                kept.add(at.journal);
            }
        }
        return new Refused(Failure.of(kind, request.sourceName(), request.targetName(), detail, true));
    }

    /** Indexes the journal's rows by source and by copy, and returns it. */
    private Journal index(Journal journal) {
        for (int row = 0; row < journal.control.fileCount(); row++) {
            ControlFile.FileEntry entry = journal.control.file(row);
            Row at = new Row(journal, row);
            bySource.computeIfAbsent(new Key(entry.sourceDevice(), entry.sourceInode()), key -> new ArrayList<>()).add(at);
            byCopy.computeIfAbsent(new Key(entry.targetDevice(), entry.targetInode()), key -> new ArrayList<>()).add(at);
        }
        return journal;
    }

    /** The bytes of the chunks of {@code row} that {@code control} says are done. */
    private static long doneBytes(ControlFile control, int row) {
        long bytes = 0;
        int first = control.fileFirstChunk(row);
        for (int chunk = first; chunk < first + control.fileChunkCount(row); chunk++) {
            if (control.chunkState(chunk) == ControlFile.DONE) {
                bytes += control.chunk(chunk).lengthBytes();
            }
        }
        return bytes;
    }

    /**
     * A temporary copy of a dead run for {@code row} of a journal, beside the destination of
     * {@code request}, or null: the file the journal names by device and inode, of the size it
     * records. The run that made the journal need not be the one whose name the copy has: a run
     * that took the copy over (renaming it) may have been interrupted before it wrote a journal.
     */
    private Part partOf(Row at, CopyRequest request, FileStatus directoryStatus) {
        ControlFile.FileEntry entry = at.entry();
        for (Part part : parts) {
            if (!part.parsed.control() && part.parsed.isFor(request.leaf())
                    && part.status.device() == entry.targetDevice() && part.status.inode() == entry.targetInode()
                    && part.status.sizeBytes() == entry.sizeBytes() && isMine(part.status) && isIn(part.directory, directoryStatus)) {
                return part;
            }
        }
        return null;
    }

    private static boolean isIn(NativeFile directory, FileStatus expected) {
        try {
            return directory.status().isSameFile(expected);
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * Keeps the control file of a finished round of this run as its journal until the run ends,
     * so that a resume of the run after an interruption skips the files it committed. The
     * leftovers take it over.
     */
    void keep(NativeFile directory, String name, FileStatus status, ControlFile control) {
        try {
            own.add(index(new Journal(hold(directory), name, name, status, control, false)));
        } catch (ErrnoException e) {
            close(control);
            StaleScratch.removeIfSame(directory, name, status, null, Events.NONE);
        }
    }

    /**
     * The run is over: removes what dead runs left that it did not use (telling {@code events}
     * of each, unless it was resumed from), but not what a refusal concerns, and this run's own
     * journals.
     */
    public void finish(Events events) {
        for (Journal journal : own) {
            close(journal.control);
            StaleScratch.removeIfSame(journal.directory, journal.name, journal.status, null, events);
        }
        own.clear();
        for (Journal journal : journals) {
            close(journal.control);
            if (!kept.contains(journal)) {
                StaleScratch.removeIfSame(journal.directory, journal.name, journal.status,
                        used.contains(journal) ? null : removed(journal.shown, journal.name, journal.status), events);
            }
        }
        journals.clear();
        bySource.clear();
        byCopy.clear();
        used.clear();
        for (Damaged bad : damaged) {
            if (!kept.contains(bad)) {
                StaleScratch.removeIfSame(bad.directory, bad.name, bad.status, removed(bad.shown, bad.name, bad.status), events);
            }
        }
        damaged.clear();
        for (Part part : parts) {
            if (!kept.contains(part)) {
                StaleScratch.removeIfSame(part.directory, part.name, part.status, new Events.Warning(
                        Events.Warning.Kind.STALE_SCRATCH_REMOVED, part.shownAs, 0, part.status.sizeBytes(), part.parsed.pid()),
                        events);
            }
        }
        parts.clear();
        live.clear();
        kept.clear();
        for (NativeFile directory : held.values()) {
            try {
                directory.close();
            } catch (ErrnoException e) {
                // Only looked into.
            }
        }
        held.clear();
    }

    /** The word for a dead run's scratch file removed because nothing used it. */
    private static Events.Warning removed(String shown, String name, FileStatus status) {
        ScratchName.Parsed parsed = ScratchName.parse(name);
        return new Events.Warning(Events.Warning.Kind.STALE_SCRATCH_REMOVED, shown, 0, status.sizeBytes(),
                parsed == null ? 0 : parsed.pid());
    }

    private static void close(ControlFile control) {
        try {
            control.close();
        } catch (IOException e) {
            // Only read; nothing to lose.
        }
    }
}
