package mcp.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * Runs a {@link Plan}: expands its trees into the entries under them (the plan phase: every
 * directory listed, every entry's status taken without following links), then copies entry by
 * entry, in the order of the walk, and returns a report of every file.
 *
 * <p>Regular files are handed to the {@link Coordinator} in rounds of up to
 * {@link #ROUND_FILES}: one control file and one set of copiers per round, the files' descriptors
 * open only for their round, so that a tree of any size needs a bounded number of descriptors.
 * Directories are created before their entries and given their attributes after them; symbolic
 * links are copied as links, FIFOs and devices as such; hard links among the copied files are
 * made hard links in the copy. A failure of one entry is reported for it and the others go on;
 * the entries under a directory that could not be copied are skipped.
 *
 * <p>Every name is used relative to an open directory, without following a symbolic link at the
 * last component; a directory is reopened only through its parent, and only if it is still the
 * directory the plan listed (device and inode). Whatever is made in a destination directory is
 * made under a fresh name and renamed over the destination, so that a file there is replaced,
 * never written through.
 */
public final class Engine {
    /**
     * Regular files copied together, sharing one control file, one set of copiers and one sync
     * before their renames: up to 1024, and no more than a quarter of the descriptors the process
     * may open (a file of a round holds up to three: its source, its copy and an existing
     * destination). The system property {@code mcp.roundFiles} replaces it (tests make rounds small).
     */
    static final int ROUND_FILES = Integer.getInteger("mcp.roundFiles", roundFiles(openFilesLimit()));

    static int roundFiles(long openFilesLimit) {
        return (int) Math.max(16, Math.min(1024, openFilesLimit / 4));
    }

    /** The soft limit on open descriptors (the JVM raises it to the hard limit at start), or 1024 if unknown. */
    private static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux's procfs as expected: assume the usual default.
        }
        return 1024;
    }

    private final Coordinator coordinator;
    private final Events events;
    private final Set<Preserve.Attribute> preserve;
    private final int umask;
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong entriesDone = new AtomicLong();
    private volatile long bytesTotal;
    private volatile long entriesTotal;
    /** True while the last round of the run is being copied: nothing of the plan comes after it. */
    private volatile boolean lastRound;

    /**
     * @param preserve the attributes of the sources the copies get ({@code -p}); empty: a new file
     *        gets the source's permissions less {@code umask}, an existing one keeps its own
     */
    public Engine(Coordinator coordinator, Events events, Set<Preserve.Attribute> preserve, int umask) {
        this.coordinator = coordinator;
        this.events = events;
        this.preserve = Set.copyOf(preserve);
        this.umask = umask;
    }

    /** What a progress line shows, at this moment: the plan's totals and what is done, chunks in flight included. */
    public record Progress(long bytesDone, long bytesTotal, long entriesDone, long entriesTotal, int copiers) {
    }

    /** The progress of the run so far; safe to call from any thread, at any time. */
    public Progress progress() {
        long done = bytesDone.get() + coordinator.bytesInFlight();
        return new Progress(Math.min(done, bytesTotal), bytesTotal, entriesDone.get(), entriesTotal,
                coordinator.copiersAlive());
    }

    /**
     * Copies everything in the plan.
     *
     * @return a report for each file, directory and link, in the order they were done
     */
    public List<FileReport> run(Plan plan) {
        List<FileReport> reports = Collections.synchronizedList(new ArrayList<>());
        Events counting = new Counting(reports);
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        coordinator.stats().enter(Stats.Phase.PLAN);
        for (Plan.Item item : plan.items()) {
            if (item instanceof Plan.File) {
                CopyRequest request = ((Plan.File) item).request();
                entries.add(new Entry.TopFile(request));
                total += request.sourceStatus().sizeBytes();
            } else if (item instanceof Plan.Link) {
                Plan.Link link = (Plan.Link) item;
                // A directory of its own whose copy is the link's directory: the engine does not close it.
                Dir dir = new Dir(null, "", null, "", "", null);
                dir.target = link.targetDirectory();
                dir.users = 1;
                entries.add(new Entry.Other(dir, link.leaf(), link.status(), link.linkTarget(), link.sourceName(),
                        link.targetName()));
            } else {
                total += walk((Plan.Tree) item, entries, counting);
            }
        }
        bytesTotal = total;
        entriesTotal = entries.stream().filter(entry -> !(entry instanceof Entry.Leave)).count();
        scanDestinations(plan, counting);
        Runner runner = new Runner(counting);
        for (Entry entry : entries) {
            runner.run(entry);
        }
        lastRound = true;
        runner.flush();
        coordinator.leftovers().finish(counting);
        return List.copyOf(reports);
    }

    /**
     * Looks for what dead runs left beside the destinations of the plan's files and links, each
     * directory listed once (a tree's directories as they are entered): removed, or with
     * {@code --resume}, kept to resume from ({@link Leftovers}).
     */
    private void scanDestinations(Plan plan, Events events) {
        Map<NativeFile, Set<String>> leaves = new IdentityHashMap<>();
        for (Plan.Item item : plan.items()) {
            if (item instanceof Plan.File) {
                CopyRequest request = ((Plan.File) item).request();
                if (!request.writesThrough()) {
                    leaves.computeIfAbsent(request.directory(), directory -> new HashSet<>()).add(request.leaf());
                }
            } else if (item instanceof Plan.Link) {
                Plan.Link link = (Plan.Link) item;
                leaves.computeIfAbsent(link.targetDirectory(), directory -> new HashSet<>()).add(link.leaf());
            } else {
                Plan.Tree tree = (Plan.Tree) item;
                leaves.computeIfAbsent(tree.targetDirectory(), directory -> new HashSet<>()).add(tree.leaf());
            }
        }
        leaves.forEach((directory, names) -> coordinator.leftovers().scan(directory, directory.name(), names, events));
    }

    /** Keeps the report, counts what is done for the progress line, and passes each event on. */
    private final class Counting implements Events {
        private final List<FileReport> reports;

        Counting(List<FileReport> reports) {
            this.reports = reports;
        }

        @Override
        public void workersLimited(int asked, int running, String reason) {
            events.workersLimited(asked, running, reason);
        }

        @Override
        public void warning(Warning warning) {
            events.warning(warning);
        }

        @Override
        public int committedWhenInterrupted() {
            return lastRound ? events.committedWhenInterrupted() : -1;
        }

        @Override
        public void fileDone(FileReport file) {
            reports.add(file);
            entriesDone.incrementAndGet();
            if (file.outcome() != FileReport.Outcome.FAILED) {
                bytesDone.addAndGet(file.bytes());
            }
            events.fileDone(file);
        }
    }

    /** A directory of a tree, in the source and in the copy. */
    private static final class Dir {
        final Dir parent;
        final String name;
        final FileStatus status;
        final String sourceName;
        final String targetName;
        /** The directory the copy is made in: the tree's target directory for a root, else null (the parent's copy). */
        final NativeFile rootTargetDirectory;
        NativeFile source;
        NativeFile target;
        /** Entries still to be done that need the directory open: itself until its end, files in a round, later hard links. */
        int users;
        boolean failed;
        boolean created;

        Dir(Dir parent, String name, FileStatus status, String sourceName, String targetName, NativeFile rootTargetDirectory) {
            this.parent = parent;
            this.name = name;
            this.status = status;
            this.sourceName = sourceName;
            this.targetName = targetName;
            this.rootTargetDirectory = rootTargetDirectory;
        }

        NativeFile targetParent() {
            return parent == null ? rootTargetDirectory : parent.target;
        }

        boolean skipped() {
            for (Dir dir = this; dir != null; dir = dir.parent) {
                if (dir.failed) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One step of the copy, in the order of the walk. */
    private sealed interface Entry {
        /** A file operand. */
        record TopFile(CopyRequest request) implements Entry {
        }

        /** A directory: its copy is made and opened. */
        record Enter(Dir dir) implements Entry {
        }

        /** The end of a directory: its copy gets its attributes, now that its entries are in it. */
        record Leave(Dir dir) implements Entry {
        }

        /** A regular file of a tree; with {@code linkTo}, a hard link to a file copied before it. */
        record File(Dir dir, String name, FileStatus status, File linkTo) implements Entry {
            String sourceName() {
                return join(dir.sourceName, name);
            }

            String targetName() {
                return join(dir.targetName, name);
            }
        }

        /** A symbolic link, a FIFO, a device or a socket. */
        record Other(Dir dir, String name, FileStatus status, String linkTarget, String sourceName, String targetName)
                implements Entry {
        }
    }

    private static String join(String directory, String name) {
        return directory.endsWith("/") ? directory + name : directory + "/" + name;
    }

    /**
     * Lists the tree under {@code tree} into {@code entries}, depth first, names in order, each
     * directory open only while it is listed.
     *
     * @return the bytes of the regular files found
     */
    private static long walk(Plan.Tree tree, List<Entry> entries, Events events) {
        Dir root = new Dir(null, tree.leaf(), tree.sourceStatus(), tree.sourceName(), tree.targetName(), tree.targetDirectory());
        root.source = tree.source();
        Map<Long, Map<Long, Entry.File>> linked = new HashMap<>();
        long[] bytes = {0};
        walk(root, entries, linked, bytes, events);
        return bytes[0];
    }

    private static void walk(Dir dir, List<Entry> entries, Map<Long, Map<Long, Entry.File>> linked, long[] bytes,
            Events events) {
        entries.add(new Entry.Enter(dir));
        List<String> names;
        try {
            names = new ArrayList<>(dir.source.list());
        } catch (ErrnoException e) {
            events.fileDone(FileReport.failed(Failure.of(Failure.Kind.READ_DIRECTORY, dir.sourceName, dir.targetName, e,
                    false)));
            names = List.of();
        }
        Collections.sort(names);
        for (String name : names) {
            FileStatus status;
            try {
                status = NativeFile.status(dir.source, name, false);
            } catch (ErrnoException e) {
                events.fileDone(FileReport.failed(Failure.of(Failure.Kind.STAT, join(dir.sourceName, name), null, e, false)));
                continue;
            }
            if (status.isDirectory()) {
                Dir child = new Dir(dir, name, status, join(dir.sourceName, name), join(dir.targetName, name), null);
                walkInto(child, entries, linked, bytes, events);
            } else if (status.isRegularFile()) {
                Entry.File first = status.links() > 1
                        ? linked.computeIfAbsent(status.device(), device -> new HashMap<>()).get(status.inode()) : null;
                Entry.File file = new Entry.File(dir, name, status, first);
                if (first == null) {
                    bytes[0] += status.sizeBytes();
                    if (status.links() > 1) {
                        linked.get(status.device()).put(status.inode(), file);
                    }
                } else {
                    first.dir().users++;    // kept open for the link to be made
                }
                entries.add(file);
            } else {
                String target = null;
                if (status.isSymbolicLink()) {
                    try {
                        target = NativeFile.readSymbolicLink(dir.source, name);
                    } catch (ErrnoException e) {
                        events.fileDone(FileReport.failed(Failure.of(Failure.Kind.READ, join(dir.sourceName, name),
                                join(dir.targetName, name), e, false)));
                        continue;
                    }
                }
                entries.add(new Entry.Other(dir, name, status, target, join(dir.sourceName, name), join(dir.targetName, name)));
            }
        }
        entries.add(new Entry.Leave(dir));
        if (dir.parent != null) {
            closeQuietly(dir.source);
            dir.source = null;
        }
    }

    /** Opens a subdirectory, checks it is the directory just listed, and walks it. */
    private static void walkInto(Dir child, List<Entry> entries, Map<Long, Map<Long, Entry.File>> linked, long[] bytes,
            Events events) {
        try {
            child.source = openDirectory(child.parent.source, child.name, child.status);
        } catch (ErrnoException e) {
            entries.add(new Entry.Enter(child));
            events.fileDone(FileReport.failed(Failure.of(Failure.Kind.READ_DIRECTORY, child.sourceName, child.targetName, e,
                    false)));
            entries.add(new Entry.Leave(child));
            return;
        } catch (Replaced e) {
            events.fileDone(FileReport.failed(Failure.of(Failure.Kind.REPLACED_IN_SOURCE, child.sourceName, child.targetName,
                    (String) null, false)));
            return;
        }
        walk(child, entries, linked, bytes, events);
    }

    /** A name no longer leads to the file the plan found there. */
    private static final class Replaced extends Exception {
        private static final long serialVersionUID = 1L;

        Replaced() {
            super(null, null, false, false);
        }
    }

    /** Opens directory {@code name} of {@code parent} without following a link, if it still is the directory {@code expected}. */
    private static NativeFile openDirectory(NativeFile parent, String name, FileStatus expected) throws ErrnoException, Replaced {
        NativeFile directory = NativeFile.open(parent, name, 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY,
                NativeFile.Open.NO_FOLLOW);
        boolean ok = false;
        try {
            if (!directory.status().isSameFile(expected)) {
                throw new Replaced();
            }
            ok = true;
            return directory;
        } finally {
            if (!ok) {
                closeQuietly(directory);
            }
        }
    }

    /** Does the entries one by one, gathering regular files into rounds. */
    private final class Runner {
        private final Events events;
        private final List<CopyRequest> round = new ArrayList<>();
        /** The tree entry of each file of the round, or null for a file operand. */
        private final List<Entry.File> roundEntries = new ArrayList<>();
        /** Done after the round's files are committed, in order: hard links, the ends of directories. */
        private final List<Entry> afterRound = new ArrayList<>();
        /** The copy of each file done, by entry: where a later hard link to it is made from. */
        private final Map<Entry.File, Boolean> copied = new HashMap<>();

        Runner(Events events) {
            this.events = events;
        }

        void run(Entry entry) {
            if (entry instanceof Entry.TopFile) {
                round.add(((Entry.TopFile) entry).request());
                roundEntries.add(null);
                flushIfFull();
            } else if (entry instanceof Entry.Enter) {
                enter(((Entry.Enter) entry).dir());
            } else if (entry instanceof Entry.Leave) {
                afterRound.add(entry);
            } else if (entry instanceof Entry.File) {
                Entry.File file = (Entry.File) entry;
                if (file.dir().skipped()) {
                    if (file.linkTo() != null) {
                        release(file.linkTo().dir());
                    }
                    return;
                }
                if (file.linkTo() != null) {
                    file.dir().users++;
                    afterRound.add(file);
                } else {
                    add(file);
                }
            } else {
                Entry.Other other = (Entry.Other) entry;
                if (!other.dir().skipped()) {
                    make(other);
                }
            }
        }

        private void flushIfFull() {
            if (round.size() >= ROUND_FILES) {
                flush();
            }
        }

        /** Copies the round's files, then does what waited for them. */
        void flush() {
            if (!round.isEmpty()) {
                List<FileReport> reports = coordinator.copyAll(round, events, preserve);
                for (int i = 0; i < round.size(); i++) {
                    CopyRequest request = round.get(i);
                    Entry.File file = roundEntries.get(i);
                    if (file == null) {
                        request.close();
                        continue;
                    }
                    closeQuietly(request.source());
                    closeQuietly(request.existing());
                    release(file.dir());
                    if (reports.get(i).outcome() != FileReport.Outcome.FAILED) {
                        copied.put(file, Boolean.TRUE);
                    }
                }
                round.clear();
                roundEntries.clear();
            }
            for (Entry entry : afterRound) {
                if (entry instanceof Entry.Leave) {
                    leave(((Entry.Leave) entry).dir());
                } else {
                    Entry.File link = (Entry.File) entry;
                    hardLink(link);
                    release(link.dir());
                    release(link.linkTo().dir());
                }
            }
            afterRound.clear();
        }

        /** Makes the copy of a directory (or takes the one there), and opens both. */
        private void enter(Dir dir) {
            if (dir.parent != null && dir.parent.skipped()) {
                dir.failed = true;
                return;
            }
            dir.users++;
            try {
                if (dir.source == null) {
                    dir.source = openDirectory(dir.parent.source, dir.name, dir.status);
                }
                NativeFile parent = dir.targetParent();
                boolean existed = false;
                try {
                    // Writable and searchable by its owner until its entries are in: a read-only
                    // source directory's copy gets its mode at the end.
                    NativeFile.makeDirectory(parent, dir.name, (dir.status.permissions() & 0777 | 0700) & ~umask);
                    dir.created = true;
                } catch (ErrnoException e) {
                    if (e.errno() != ErrnoException.EEXIST) {
                        throw e;
                    }
                    existed = true;
                    FileStatus existing = NativeFile.status(parent, dir.name, false);
                    if (!existing.isDirectory()) {
                        dir.failed = true;
                        done(Failure.of(Failure.Kind.OVERWRITE_NON_DIRECTORY, dir.sourceName, dir.targetName, (String) null,
                                false));
                        return;
                    }
                    // A resumed run finishes what the interrupted one began: a directory it made is
                    // left with the owner's rwx added until its entries are in, a mode nothing else gives.
                    int making = (dir.status.permissions() & 0777 | 0700) & ~umask;
                    dir.created = coordinator.leftovers().resumes() && (dir.status.permissions() & 0700) != 0700
                            && existing.permissions() == making && existing.uid() == Posix.effectiveUid();
                }
                dir.target = NativeFile.open(parent, dir.name, 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY,
                        NativeFile.Open.NO_FOLLOW);
                if (existed) {
                    // A directory copied into before may hold what a dead run left.
                    coordinator.leftovers().scan(dir.target, dir.targetName, null, events);
                }
                // Told when made, as cp -v tells it, before the entries in it.
                events.fileDone(new FileReport(dir.sourceName, dir.targetName, FileReport.Outcome.COPIED, 0, 0, null,
                        FileReport.Type.DIRECTORY));
            } catch (ErrnoException e) {
                dir.failed = true;
                done(Failure.of(dir.source == null ? Failure.Kind.READ_DIRECTORY : Failure.Kind.MAKE_DIRECTORY, dir.sourceName,
                        dir.targetName, e, false));
            } catch (Replaced e) {
                dir.failed = true;
                done(Failure.of(Failure.Kind.REPLACED_IN_SOURCE, dir.sourceName, dir.targetName, (String) null, false));
            }
        }

        /** Gives a directory's copy its attributes, now that its entries are in it. */
        private void leave(Dir dir) {
            if (dir.failed || dir.target == null) {
                release(dir);
                return;
            }
            try {
                if (!preserve.isEmpty()) {
                    Preserve.apply(dir.source, dir.status, dir.target, preserve);
                    if (!preserve.contains(Preserve.Attribute.MODE) && dir.created) {
                        dir.target.changeMode(dir.status.permissions() & 0777 & ~umask);
                    }
                } else if (dir.created) {
                    dir.target.changeMode(dir.status.permissions() & 0777 & ~umask);
                }
            } catch (ErrnoException e) {
                done(Preserve.failure(dir.sourceName, dir.targetName, e));
            }
            release(dir);
        }

        /** Opens a regular file of a tree and adds it to the round. */
        private void add(Entry.File file) {
            Dir dir = file.dir();
            NativeFile source = null;
            NativeFile existing = null;
            try {
                source = NativeFile.open(dir.source, file.name(), 0, NativeFile.Open.READ, NativeFile.Open.NO_FOLLOW);
            } catch (ErrnoException e) {
                done(Failure.of(Failure.Kind.OPEN_SOURCE, file.sourceName(), file.targetName(), e, false));
                return;
            }
            try {
                FileStatus status = source.status();
                if (!status.isSameFile(file.status())) {
                    done(Failure.of(Failure.Kind.REPLACED_IN_SOURCE, file.sourceName(), file.targetName(), (String) null, false));
                    closeQuietly(source);
                    return;
                }
                FileStatus existingStatus = NativeFile.statusIfAny(dir.target, file.name());
                if (existingStatus != null && existingStatus.isDirectory()) {
                    done(Failure.of(Failure.Kind.OVERWRITE_DIRECTORY, file.sourceName(), file.targetName(), (String) null, false));
                    closeQuietly(source);
                    return;
                }
                if (existingStatus != null && existingStatus.isRegularFile()) {
                    if (existingStatus.links() > 1) {
                        done(Failure.of(Failure.Kind.DEST_HARD_LINKED, file.sourceName(), file.targetName(),
                                String.valueOf(existingStatus.links()), true));
                        closeQuietly(source);
                        return;
                    }
                    existing = NativeFile.open(dir.target, file.name(), 0, NativeFile.Open.WRITE, NativeFile.Open.NO_FOLLOW,
                            NativeFile.Open.NON_BLOCKING);
                    existingStatus = existing.status();
                } else {
                    existingStatus = null;   // a link or a special file there is replaced, not written through
                }
                CopyRequest request = new CopyRequest(source, status, file.sourceName(), dir.target, file.name(),
                        file.targetName(), existing, existingStatus, status.permissions() & 0777 & ~umask);
                dir.users++;
                round.add(request);
                roundEntries.add(file);
                flushIfFull();
            } catch (ErrnoException e) {
                closeQuietly(source);
                closeQuietly(existing);
                done(Failure.of(Failure.Kind.CREATE, file.sourceName(), file.targetName(), e, existing != null));
            }
        }

        /** Makes a hard link in the copy to the copy of the file it links to in the source. */
        private void hardLink(Entry.File link) {
            Entry.File to = link.linkTo();
            if (!copied.containsKey(to)) {
                done(new Failure(Failure.Kind.MAKE_LINK, link.sourceName(), link.targetName(), "link", ErrnoException.ENOENT,
                        "hard link", true));
                return;
            }
            String temporary = ScratchName.of(link.name(), ScratchName.PART);
            try {
                NativeFile.link(to.dir().target, to.name(), link.dir().target, temporary);
                NativeFile.rename(link.dir().target, temporary, link.dir().target, link.name());
                events.fileDone(new FileReport(link.sourceName(), link.targetName(), FileReport.Outcome.COPIED, 0, 0, null,
                        FileReport.Type.LINK));
            } catch (ErrnoException e) {
                done(new Failure(Failure.Kind.MAKE_LINK, link.sourceName(), link.targetName(), e.call(), e.errno(), "hard link",
                        true));
            }
        }

        /** Makes a symbolic link, a FIFO, a device or a socket in the copy, under a fresh name renamed over the destination. */
        private void make(Entry.Other other) {
            Dir dir = other.dir();
            String temporary = ScratchName.of(other.name(), ScratchName.PART);
            String what = other.status().isSymbolicLink() ? "symbolic link"
                    : other.status().type() == FileStatus.S_IFIFO ? "fifo" : "special file";
            try {
                if (other.linkTarget() != null) {
                    NativeFile.makeSymbolicLink(other.linkTarget(), dir.target, temporary);
                } else if (other.status().type() == FileStatus.S_IFIFO) {
                    NativeFile.makeFifo(dir.target, temporary, other.status().permissions() & 0777 & ~umask);
                } else {
                    NativeFile.makeNode(dir.target, temporary,
                            other.status().type() | (other.status().permissions() & 0777 & ~umask), other.status().rdev());
                }
            } catch (ErrnoException e) {
                done(new Failure(Failure.Kind.MAKE_LINK, other.sourceName(), other.targetName(), e.call(), e.errno(), what, true));
                return;
            }
            try {
                if (!preserve.isEmpty()) {
                    if (other.linkTarget() != null) {
                        Preserve.applyToLink(dir.target, temporary, other.status(), preserve);
                    } else {
                        preserveSpecial(dir.target, temporary, other.status());
                    }
                }
                FileStatus there = NativeFile.statusIfAny(dir.target, other.name());
                if (there != null && there.isDirectory()) {
                    NativeFile.unlink(dir.target, temporary);
                    done(Failure.of(Failure.Kind.OVERWRITE_DIRECTORY, other.sourceName(), other.targetName(), (String) null,
                            false));
                    return;
                }
                NativeFile.rename(dir.target, temporary, dir.target, other.name());
                events.fileDone(new FileReport(other.sourceName(), other.targetName(), FileReport.Outcome.COPIED, 0, 0, null,
                        FileReport.Type.LINK));
            } catch (ErrnoException e) {
                try {
                    NativeFile.unlink(dir.target, temporary);
                } catch (ErrnoException gone) {
                    // Renamed already, or never made: nothing to remove.
                }
                done(Preserve.attributeOf(e) != null ? Preserve.failure(other.sourceName(), other.targetName(), e)
                        : new Failure(Failure.Kind.MAKE_LINK, other.sourceName(), other.targetName(), e.call(), e.errno(), what,
                                true));
            }
        }

        /**
         * A FIFO or device made in the copy gets its attributes by name, without following a link;
         * a FIFO's mode through a descriptor of it (opened without waiting for a writer, and
         * checked to be a FIFO), since no chmod leaves a link unfollowed. A device keeps the mode
         * it was made with: opening one could act on the device.
         */
        private void preserveSpecial(NativeFile directory, String name, FileStatus status) throws ErrnoException {
            if (preserve.contains(Preserve.Attribute.MODE) && status.type() == FileStatus.S_IFIFO) {
                try (NativeFile fifo = NativeFile.open(directory, name, 0, NativeFile.Open.READ, NativeFile.Open.NO_FOLLOW,
                        NativeFile.Open.NON_BLOCKING)) {
                    if (fifo.status().type() != FileStatus.S_IFIFO) {
                        throw ErrnoException.of("open", ErrnoException.EINVAL, name);
                    }
                    fifo.changeMode(status.permissions());
                }
            }
            if (preserve.contains(Preserve.Attribute.OWNERSHIP)) {
                try {
                    NativeFile.changeOwner(directory, name, status.uid(), status.gid());
                } catch (ErrnoException e) {
                    if (e.errno() != ErrnoException.EPERM) {
                        throw e;
                    }
                }
            }
            if (preserve.contains(Preserve.Attribute.TIMESTAMPS)) {
                NativeFile.setTimes(directory, name, false, status.accessedSeconds(), status.accessedNanos(),
                        status.modifiedSeconds(), status.modifiedNanos());
            }
        }

        private void release(Dir dir) {
            if (--dir.users == 0) {
                closeQuietly(dir.source);
                closeQuietly(dir.target);
                dir.source = null;
                dir.target = null;
            }
        }

        private void done(Failure failure) {
            events.fileDone(FileReport.failed(failure));
        }
    }

    private static void closeQuietly(NativeFile file) {
        if (file != null) {
            try {
                file.close();
            } catch (ErrnoException e) {
                // Read from, or a directory: nothing is lost.
            }
        }
    }
}
