package mcp.cli;

import static mcp.cli.CoordinatorProcess.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mcp.copy.Chunk;
import mcp.copy.ControlFile;
import mcp.fixtures.Poll;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mcp --resume}: a run killed with every one of its processes (SIGKILL, which no cleanup
 * survives) leaves its temporary copy and its journal beside DEST; the next run given
 * {@code --resume} reuses the chunks the journal says were done once their checksums still hold,
 * copies the rest, and commits a copy identical to the source, or refuses, saying why and keeping
 * what was left, when the source changed, the journal is damaged or the first run still lives.
 *
 * <p>The interrupted runs are real processes, stopped at a point read from their own control file
 * (which the test maps, as {@link CoordinatorProcess} does), not after a guessed delay; the test
 * keeps that mapping after the kill, so it knows exactly which chunks the journal says are done
 * and can check what the resume reports against it.
 */
class ResumeTest extends LongCopyTest {
    private static final long MIB = 1L << 20;
    /** The chunk size of the copies that are killed halfway: 128 chunks of the 1 GiB source. */
    private static final long CHUNK_BYTES = 8 * MIB;
    /** Options of the copies killed halfway: the coordinator and two worker JVMs copy. */
    private static final List<Object> HALFWAY_OPTIONS = List.of("-n", 3, "--chunk-size", "8M");
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_INTERRUPTED = 130;
    private static final Pattern RESUMING = Pattern.compile("mcp: resuming '(.*)': ([0-9]+) bytes found copied and intact,"
            + " copying the rest");
    private static final Pattern SCRATCH = Pattern.compile("\\.dest\\.([0-9]+)\\.[0-9]+\\.[0-9a-f]{16}\\.mcp-(part|control)");

    /** What a killed run left: its temporary copy, its journal, and what the journal says is done. */
    private record Left(Path part, Path control, long coordinatorPid, long doneBytes, int doneChunks, int chunks) {
    }

    /** {@link #HALFWAY_OPTIONS}, then {@code more}. */
    private static Object[] halfway(Object... more) {
        return Stream.concat(HALFWAY_OPTIONS.stream(), Stream.of(more)).toArray();
    }

    // Interrupting a run.

    /**
     * Starts {@code mcp OPTIONS source dest}, waits until the journal says at least {@code fraction}
     * of the chunks are done, and kills every process of the run (see {@link #killEveryProcess}).
     */
    private Left killWhenDone(Path source, Path dest, double fraction, Object... options) throws Exception {
        mcp = CoordinatorProcess.start(source, dest, options);
        ControlFile control = mcp.control();
        int wanted = (int) Math.ceil(control.chunkCount() * fraction);
        Poll.until(wanted + " of " + control.chunkCount() + " chunks are done", PATIENCE, () -> {
            mcp.requireRunning(wanted + " chunks were done");
            return control.countInState(ControlFile.DONE) >= wanted;
        });
        killEveryProcess(mcp.coordinator());
        Left left = whatIsLeft(dest);
        assertTrue(left.doneChunks() >= wanted, "the kill cannot undo done chunks: " + left);
        assertTrue(left.doneChunks() < left.chunks(), "the copy was killed before it was done: " + left);
        return left;
    }

    /**
     * SIGKILLs the coordinator and every worker of its copy, and waits until all of them are gone:
     * the coordinator is stopped first, so that it starts no replacement for the workers killed
     * before it; a worker started all the same (between the look and the stop) is found and killed too.
     */
    private static void killEveryProcess(ProcessHandle coordinator) throws Exception {
        long pid = coordinator.pid();
        assertTrue(ProcessTree.signal("STOP", pid), "the coordinator " + pid + " is stopped");
        workersOf(pid).forEach(ProcessHandle::destroyForcibly);
        assertTrue(coordinator.destroyForcibly(), "SIGKILL sent to the coordinator " + pid);
        Poll.until("every process of the copy by " + pid + " is gone", PATIENCE, () -> {
            List<ProcessHandle> workers = workersOf(pid);
            workers.forEach(ProcessHandle::destroyForcibly);
            return workers.isEmpty() && !coordinator.isAlive();
        });
    }

    private static List<ProcessHandle> workersOf(long coordinatorPid) {
        return ProcessTree.javaProcessesWithFirstArgument(CoordinatorProcess.WORKER_MAIN, Long.toString(coordinatorPid));
    }

    /** The two scratch files the dead run left beside {@code dest} (and nothing else), and what its journal says. */
    private Left whatIsLeft(Path dest) throws Exception {
        Path part = null;
        Path controlPath = null;
        for (Path scratch : CpAndMcp.scratchLeft(dest.getParent())) {
            Matcher name = SCRATCH.matcher(scratch.getFileName().toString());
            assertTrue(name.matches(), "only the dead run's scratch files are left: " + scratch);
            assertEquals(mcp.coordinator().pid(), Long.parseLong(name.group(1)), "named for the dead coordinator: " + scratch);
            if (name.group(2).equals("part")) {
                part = scratch;
            } else {
                controlPath = scratch;
            }
        }
        assertTrue(part != null && controlPath != null, "a temporary copy and a journal are left: " + TestFiles.names(dest.getParent()));
        assertEquals(controlPath, mcp.controlPath());
        ControlFile control = mcp.control();
        long doneBytes = 0;
        int done = 0;
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunkState(chunk) == ControlFile.DONE) {
                doneBytes += control.chunk(chunk).lengthBytes();
                done++;
            }
        }
        return new Left(part, controlPath, control.coordinatorPid(), doneBytes, done, control.chunkCount());
    }

    // What a run says.

    private static JsonNode json(Processes.Result result) throws IOException {
        return new ObjectMapper().readTree(result.out());
    }

    /** The bytes the run's {@code resuming} line on stderr says were reused, checking it names {@code dest}. */
    private static long saidResumed(Processes.Result result, Path dest) {
        List<Matcher> lines = result.err().lines().map(RESUMING::matcher).filter(Matcher::matches).collect(Collectors.toList());
        assertEquals(1, lines.size(), "one line says the copy is resumed: " + result);
        assertEquals(dest.toString(), lines.get(0).group(1), result.toString());
        return Long.parseLong(lines.get(0).group(2));
    }

    private static String refusal(Path dest, String why) {
        return "mcp: cannot resume '" + dest + "': " + why + "; '" + dest + "' was left as it was";
    }

    private static void assertRefused(String expectedLine, Processes.Result result) {
        assertEquals(EXIT_FAILED, result.exitCode(), result.toString());
        assertEquals(List.of(expectedLine), result.err().lines().collect(Collectors.toList()), result.toString());
    }

    private static long inode(Path path) throws IOException {
        return (long) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private void assertIdenticalCopy(Path source, Path dest) throws IOException {
        assertEquals(-1, TestFiles.firstDifference(source, dest), "the copy is identical to the source (seed " + SEED + ")");
        assertEquals(List.of(), CpAndMcp.scratchLeft(dir), "nothing hidden is left");
    }

    // The tests.

    /**
     * Killed halfway, the copy goes on from its journal: exactly the chunks it says are done are
     * reused (the kill loses nothing of the page cache, so every one is intact), in the same file,
     * which becomes DEST; the rest is copied, and the copy is the source.
     */
    @Test
    void aCopyKilledHalfwayResumesFromTheChunksItsJournalSaysAreDone() throws Exception {
        Path dest = dir.resolve("dest");
        Left left = killWhenDone(source, dest, 0.5, halfway());
        long partInode = inode(left.part());

        Processes.Result resumed = McpRunner.run(halfway("--resume", "--json", source, dest));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertIdenticalCopy(source, dest);
        assertEquals(List.of("dest"), TestFiles.names(dir));
        assertEquals(partInode, inode(dest), "the interrupted copy itself was finished and renamed over DEST");

        JsonNode report = json(resumed);
        long resumedBytes = report.get("resumed_bytes").asLong();
        assertEquals(left.doneBytes(), resumedBytes, "every chunk the journal says is done is reused, no other: " + left
                + "\n" + resumed);
        assertEquals(0, resumedBytes % CHUNK_BYTES, resumed.out());
        assertTrue(resumedBytes >= (Files.size(source) / 2) && resumedBytes < Files.size(source), resumed.out());
        assertEquals(Files.size(source), report.get("bytes").asLong(), "the whole file counts as copied: " + resumed.out());
        assertEquals(0, report.get("recopied_chunks").asInt(), "no reused chunk was damaged: " + resumed.out());
        assertEquals(0, report.get("already_copied").asInt(), resumed.out());
        assertEquals(resumedBytes, saidResumed(resumed, dest));
        assertEquals(1, resumed.err().lines().count(), "nothing else is said: " + resumed.err());
    }

    /** Ways a source changes after the copy of it was killed: its size, its modification time, only its change time. */
    static Stream<Arguments> sourceChanges() {
        return Stream.of(
                Arguments.of("a byte appended", (SourceChange) path -> Files.write(path, new byte[] {42}, StandardOpenOption.APPEND)),
                Arguments.of("its modification time moved", (SourceChange) path -> Files.setLastModifiedTime(path,
                        FileTime.fromMillis(Files.getLastModifiedTime(path).toMillis() - 60_000))),
                Arguments.of("chmod to the same mode (its change time only)", (SourceChange) path -> Files.setPosixFilePermissions(
                        path, Files.getPosixFilePermissions(path))),
                Arguments.of("replaced by a copy with its times (saved by rename)", (SourceChange) path -> {
                    Path saved = path.resolveSibling(path.getFileName() + ".new");
                    Files.copy(path, saved, StandardCopyOption.COPY_ATTRIBUTES);
                    Files.move(saved, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }));
    }

    @FunctionalInterface
    interface SourceChange {
        void apply(Path source) throws IOException;
    }

    /**
     * A source changed since the kill is not resumed: the journal's chunks may no longer be its
     * bytes. The refusal keeps both scratch files; a run without {@code --resume} removes them,
     * saying so, and copies afresh.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sourceChanges")
    void aSourceChangedSinceTheKillIsNotResumed(String change, SourceChange changer) throws Exception {
        Path changing = dir.resolve("source");
        Files.copy(source, changing);   // its own: the class's source stays as it is
        Path dest = dir.resolve("dest");
        Left left = killWhenDone(changing, dest, 0.25, "-n", 2, "--chunk-size", "8M");
        List<String> leftNames = TestFiles.names(dir);
        changer.apply(changing);

        Processes.Result refused = McpRunner.run("--resume", "-n", 2, "--chunk-size", "8M", changing, dest);
        assertRefused(refusal(dest, "'" + changing + "' changed since the interrupted copy, or is another file now (run"
                + " again without --resume to copy it afresh)"), refused);
        assertFalse(Files.exists(dest), "no destination is made");
        assertEquals(leftNames, TestFiles.names(dir), "both scratch files are kept");

        long partBytes = Files.size(left.part());
        long controlBytes = Files.size(left.control());
        Processes.Result afresh = McpRunner.run("-n", 2, "--chunk-size", "8M", changing, dest);
        assertEquals(0, afresh.exitCode(), afresh.toString());
        String byTheDeadRun = ", left by an interrupted run (process " + left.coordinatorPid() + ")";
        assertEquals(List.of("mcp: removed '" + left.part() + "' (" + partBytes + " bytes)" + byTheDeadRun,
                "mcp: removed '" + left.control() + "' (" + controlBytes + " bytes)" + byTheDeadRun),
                afresh.err().lines().sorted(Comparator.comparing(line -> !line.contains(".mcp-part"))).collect(Collectors.toList()),
                afresh.toString());
        assertIdenticalCopy(changing, dest);
    }

    /**
     * A run that is still alive, though frozen (SIGSTOP of all its processes), is never resumed
     * from: the resume names it and touches nothing, and the run, let go on, finishes its copy.
     */
    @Test
    void aRunStillAliveIsNotResumedFrom() throws Exception {
        Path dest = dir.resolve("dest");
        mcp = CoordinatorProcess.start(source, dest, "-n", 2, "--chunk-size", "1M");
        mcp.awaitBusyWorker();
        List<ProcessHandle> everyone = new ArrayList<>(mcp.workers());
        everyone.add(mcp.coordinator());
        try {
            for (ProcessHandle process : everyone) {
                assertTrue(ProcessTree.signal("STOP", process.pid()), "SIGSTOP sent to " + process.pid());
            }
            Poll.until("every process of the copy is stopped", PATIENCE,
                    () -> everyone.stream().allMatch(process -> ProcessTree.isStopped(process.pid())));
            List<String> before = TestFiles.names(dir);
            assertEquals(2, before.size(), "the live run's two scratch files: " + before);

            Processes.Result refused = McpRunner.run("--resume", "-n", 2, "--chunk-size", "1M", source, dest);
            assertRefused(refusal(dest, "another mcp (process " + mcp.coordinator().pid() + ") is still copying to it"), refused);
            assertEquals(before, TestFiles.names(dir), "the live run's files are untouched, and no destination is made");
        } finally {
            for (ProcessHandle process : everyone) {
                ProcessTree.signal("CONT", process.pid());
            }
        }
        Processes.Result first = mcp.finish();
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(List.of("dest"), TestFiles.names(dir));
        assertIdenticalCopy(source, dest);
    }

    /** Ways a journal is damaged after its run was killed, and words the refusal gives for each. */
    static Stream<Arguments> damages() {
        return Stream.of(
                Arguments.of("truncated to 100 bytes", (Damage) control -> {
                    try (FileChannel channel = FileChannel.open(control, StandardOpenOption.WRITE)) {
                        channel.truncate(100);
                    }
                }, "is too short: 100 bytes"),
                Arguments.of("another layout version", (Damage) control -> {
                    ByteBuffer version = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder())
                            .putLong(0, ControlFile.LAYOUT_VERSION - 1);
                    try (FileChannel channel = FileChannel.open(control, StandardOpenOption.WRITE)) {
                        assertEquals(Long.BYTES, channel.write(version, ControlFile.VERSION_OFFSET));
                    }
                }, "app=" + ControlFile.LAYOUT_VERSION + " file=" + (ControlFile.LAYOUT_VERSION - 1)),
                Arguments.of("garbage throughout", (Damage) control -> {
                    long seed = SEED + 7;
                    byte[] garbage = new byte[(int) Files.size(control)];
                    new SplittableRandom(seed).nextBytes(garbage);
                    Files.write(control, garbage, StandardOpenOption.WRITE);
                }, "(bad magic)"));
    }

    @FunctionalInterface
    interface Damage {
        void apply(Path control) throws IOException;
    }

    /**
     * A damaged journal is not believed: the resume is refused, naming the file and what is wrong
     * with it, no destination is made, and both scratch files are kept for the user to look at.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void aDamagedJournalIsNotResumedFrom(String damage, Damage damager, String why) throws Exception {
        Path dest = dir.resolve("dest");
        Left left = killWhenDone(source, dest, 0.1, "-n", 2, "--chunk-size", "8M");
        damager.apply(left.control());
        List<String> leftNames = TestFiles.names(dir);

        Processes.Result refused = McpRunner.run("--resume", "-n", 2, "--chunk-size", "8M", source, dest);
        assertEquals(EXIT_FAILED, refused.exitCode(), refused.toString());
        List<String> lines = refused.err().lines().collect(Collectors.toList());
        assertEquals(1, lines.size(), refused.toString());
        String prefix = "mcp: cannot resume '" + dest + "': what the interrupted copy left is damaged, "
                + left.control().getFileName() + ": ";
        String suffix = " (run again without --resume to copy it afresh); '" + dest + "' was left as it was";
        assertTrue(lines.get(0).startsWith(prefix) && lines.get(0).endsWith(suffix), "expected " + prefix + "..." + suffix
                + "\n" + refused);
        assertTrue(lines.get(0).contains(why), "says what is wrong (" + why + "): " + refused);
        assertFalse(Files.exists(dest), "no destination is made");
        assertEquals(leftNames, TestFiles.names(dir), "both scratch files are kept");
    }

    /**
     * Bytes that never reached the device (a power cut after the journal's row, or a later change)
     * make a done chunk's checksum fail: that chunk alone is copied again, and the copy is the source.
     */
    @Test
    void aDoneChunkWhoseBytesNoLongerMatchItsChecksumIsCopiedAgain() throws Exception {
        Path dest = dir.resolve("dest");
        Left left = killWhenDone(source, dest, 0.5, halfway());
        ControlFile journal = mcp.control();
        int damaged = -1;
        for (int chunk = journal.chunkCount() - 1; chunk >= 0 && damaged < 0; chunk--) {
            if (journal.chunkState(chunk) == ControlFile.DONE) {
                damaged = chunk;
            }
        }
        Chunk chunk = journal.chunk(damaged);
        flipBytes(left.part(), chunk.offset() + chunk.lengthBytes() / 2, 16);

        Processes.Result resumed = McpRunner.run(halfway("--resume", "--json", source, dest));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertIdenticalCopy(source, dest);
        JsonNode report = json(resumed);
        assertEquals(left.doneBytes() - chunk.lengthBytes(), report.get("resumed_bytes").asLong(),
                "every done chunk but the damaged one (" + damaged + ") is reused: " + left + "\n" + resumed);
        assertEquals(1, report.get("recopied_chunks").asInt(), "the damaged chunk is copied again: " + resumed.out());
        assertEquals(report.get("resumed_bytes").asLong(), saidResumed(resumed, dest));
    }

    /** Inverts {@code count} bytes of {@code file} from {@code offset}. */
    private static void flipBytes(Path file, long offset, int count) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocate(count);
            assertEquals(count, channel.read(bytes, offset));
            for (int i = 0; i < count; i++) {
                bytes.put(i, (byte) ~bytes.get(i));
            }
            assertEquals(count, channel.write(bytes.flip(), offset));
        }
    }

    /**
     * SIGINT stops a run given {@code --resume} as it stops any (exit 130, no destination), but its
     * scratch files are kept, and the next {@code --resume} goes on from them; {@code -v} says what
     * was reused.
     */
    @Test
    void sigintOfARunGivenResumeKeepsWhatTheNextResumeNeeds() throws Exception {
        Path dest = dir.resolve("dest");
        mcp = CoordinatorProcess.start(source, dest, "--resume", "-n", 3, "--chunk-size", "8M");
        mcp.awaitBusyWorker();
        ControlFile control = mcp.control();
        Poll.until("a quarter of the chunks are done", PATIENCE, () -> {
            mcp.requireRunning("a quarter of the chunks were done");
            return control.countInState(ControlFile.DONE) >= control.chunkCount() / 4;
        });
        assertTrue(ProcessTree.signal("INT", mcp.pid()), "SIGINT sent to the coordinator");
        Processes.Result interrupted = mcp.finish();
        assertEquals(EXIT_INTERRUPTED, interrupted.exitCode(), interrupted.toString());
        mcp.awaitNoWorkers("the coordinator was interrupted");
        Left left = whatIsLeft(dest);
        assertFalse(Files.exists(dest), "no destination is made");

        Processes.Result resumed = McpRunner.run("--resume", "-v", "-n", 3, "--chunk-size", "8M", source, dest);
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertIdenticalCopy(source, dest);
        long reused = saidResumed(resumed, dest);
        assertTrue(reused > 0, resumed.toString());
        assertEquals(left.doneBytes(), reused, "what the journal says is done when the run exited: " + left + "\n" + resumed);
        List<String> summary = resumed.out().lines().filter(line -> line.startsWith("mcp: 1 files")).collect(Collectors.toList());
        assertEquals(1, summary.size(), resumed.toString());
        assertTrue(summary.get(0).endsWith(", resumed: " + ProgressLine.size(reused) + " reused"),
                resumed.toString());
    }

    /**
     * A tree copied in rounds of two files (mcp.roundFiles), killed once its first round is
     * committed: with {@code -r --resume} the committed files are skipped, left as the killed run
     * made them (the same inodes), the rest is copied, and the copy is the tree. Both runs are
     * given {@code -T}: without it, DEST being a directory once the first run made it, the second
     * would copy SOURCE into DEST/SOURCE, as cp does.
     */
    @Test
    void aKilledTreeCopySkipsTheFilesItCommitted() throws Exception {
        Path src = dir.resolve("src");
        Path dst = dir.resolve("dst");
        // Rounds of 80 MiB, above the 64 MiB the tests copy in-process: every round starts worker JVMs.
        Trees.large(src, 6, 40 * MIB, SEED + 3);
        for (int i = 0; i < 3; i++) {
            TestFiles.random(src.resolve("small-" + i), 1000 + i, SEED + 10 + i);
        }
        Map<String, String> rounds = Map.of("mcp.roundFiles", "2");
        // The environment carries the property to the coordinator JVM (CoordinatorProcess sets no -D of its own).
        mcp = CoordinatorProcess.startWithEnvironment(Map.of("JAVA_TOOL_OPTIONS", "-Dmcp.roundFiles=2"), src, dst,
                "-r", "-T", "--resume", "-n", 3);
        long pid = mcp.pid();
        // Once the second round's control file is made, the first round's commits are in its journal.
        Pattern secondRound = Pattern.compile("\\.large-2\\." + pid + "\\..*\\.mcp-control");
        Poll.until("the first round is committed and the second begun", PATIENCE, () -> {
            mcp.requireRunning("the first round was committed");
            return Files.isDirectory(dst) && TestFiles.names(dst).stream().anyMatch(name -> secondRound.matcher(name).matches());
        });
        killEveryProcess(mcp.coordinator());
        List<String> committed = new ArrayList<>();
        Map<String, Long> inodes = new HashMap<>();
        for (String name : TestFiles.names(dst)) {
            if (!name.startsWith(".")) {
                committed.add(name);
                inodes.put(name, inode(dst.resolve(name)));
                assertEquals(-1, TestFiles.firstDifference(src.resolve(name), dst.resolve(name)), name);
            }
        }
        assertTrue(committed.containsAll(List.of("large-0", "large-1")), "the first round is committed: " + committed);
        assertFalse(committed.contains("small-2"), "the last round is not: " + committed);

        // The same command without -T would copy into dst/src, now that dst exists, as cp would: refused, saying how.
        List<String> before = TestFiles.names(dst);
        Processes.Result intoDst = CpAndMcp.mcp(rounds, dir, "-r", "--resume", "-n", "3", src.toString(), dst.toString());
        assertEquals(1, intoDst.exitCode(), intoDst.toString());
        assertEquals("mcp: '" + dst + "' holds what an interrupted copy left: to resume the copy of '" + src + "' made as '"
                + dst + "', give -T (mcp -rT --resume SOURCE DEST); to copy into '" + dst + "/src' instead, remove it first"
                + " (mcp --clean '" + dst + "')", intoDst.err().strip(), intoDst.toString());
        assertEquals(before, TestFiles.names(dst), "nothing is copied or removed");

        Processes.Result resumed = CpAndMcp.mcp(rounds, dir, "-r", "-T", "--resume", "--json", "-n", "3", src.toString(),
                dst.toString());
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertEquals(List.of(), CpAndMcp.scratchLeft(dir), "no scratch file is left: " + resumed);
        TreeAssert.assertSameTree(src, dst);
        JsonNode report = json(resumed);
        // A file of the second round renamed in the instant before the kill may not be in the journal yet: copied again.
        int skipped = report.get("already_copied").asInt();
        assertTrue(skipped >= 2 && skipped <= committed.size(), "the first round's files, at least, are skipped: " + committed
                + "\n" + resumed);
        assertTrue(report.get("resumed_bytes").asLong() >= skipped * 40 * MIB, "a skipped file's bytes count as reused: "
                + resumed.out());
        assertTrue(resumed.err().lines().allMatch(line -> RESUMING.matcher(line).matches()),
                "the second round's copies are resumed from, and nothing else is said: " + resumed.err());
        for (String name : List.of("large-0", "large-1")) {
            assertEquals(inodes.get(name), inode(dst.resolve(name)), name + " is the killed run's copy, not copied again");
        }
        assertEquals(9, report.get("files").asInt(), resumed.out());
    }
}
