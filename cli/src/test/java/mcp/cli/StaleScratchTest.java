package mcp.cli;

import static mcp.cli.CoordinatorProcess.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import mcp.copy.ProcessStart;
import mcp.fixtures.Poll;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * What a run killed without a chance to clean up (SIGKILL of every process) leaves beside DEST —
 * a hidden copy as large as the source and a control file — is removed, with a word, by the next
 * run for that DEST or by {@code mcp --clean DEST}; what a live run holds is never touched.
 */
class StaleScratchTest extends LongCopyTest {
    /** A pid above any Linux allows (pid_max is at most 2^22): no process ever has it. */
    private static final long DEAD_PID = 99_999_999;

    /** Starts a copy, catches it copying, and sends {@code signal} to the coordinator and every worker: all of them. */
    private List<ProcessHandle> signalACopyMidway(Path dest, String signal) throws Exception {
        mcp = CoordinatorProcess.start(source, dest, "-n", "2", "--chunk-size", "1M");
        mcp.awaitBusyWorker();
        List<ProcessHandle> everyone = new ArrayList<>(mcp.workers());
        everyone.add(mcp.coordinator());
        for (ProcessHandle process : everyone) {
            ProcessTree.signal(signal, process.pid());
        }
        return everyone;
    }

    /** Starts a copy, catches it copying, and SIGKILLs the coordinator and every worker. */
    private List<String> killACopyMidway(Path dest) throws Exception {
        List<ProcessHandle> everyone = signalACopyMidway(dest, "KILL");
        Poll.until("every process of the copy is gone", PATIENCE, () -> everyone.stream().noneMatch(ProcessHandle::isAlive));
        List<String> left = hiddenNames(dest.getParent());
        assertEquals(2, left.size(), "a temporary copy and a control file are left: " + left);
        return left;
    }

    private static List<String> hiddenNames(Path directory) throws Exception {
        return TestFiles.names(directory).stream().filter(name -> name.startsWith(".")).sorted().collect(Collectors.toList());
    }

    /** The lines a run says for what it removed, one per file, in the order of {@code names}. */
    private static void assertSaysRemoved(List<String> names, Path directory, long deadPid, String err) throws Exception {
        for (String name : names) {
            assertTrue(err.contains("mcp: removed '" + directory.resolve(name) + "' ("),
                    "names " + name + " and its size: " + err);
        }
        assertEquals(names.size(), err.lines().filter(line -> line.contains("left by an interrupted run (process " + deadPid + ")"))
                .count(), err);
    }

    @Test
    void theNextRunForTheSameDestRemovesWhatAKilledRunLeftAndSaysSo() throws Exception {
        Path dest = dir.resolve("dest");
        List<String> left = killACopyMidway(dest);
        long deadPid = mcp.coordinator().pid();

        Processes.Result again = McpRunner.run(source, dest);
        assertEquals(0, again.exitCode(), again.toString());
        assertSaysRemoved(left, dir, deadPid, again.err());
        assertEquals(List.of("dest"), TestFiles.names(dir), "nothing hidden is left");
        assertEquals(-1, TestFiles.firstDifference(source, dest), "and the copy is whole");
    }

    @Test
    void cleanRemovesWhatAKilledRunLeftAndCopiesNothing() throws Exception {
        Path dest = dir.resolve("dest");
        List<String> left = killACopyMidway(dest);
        long deadPid = mcp.coordinator().pid();

        Processes.Result clean = McpRunner.run("--clean", dest);
        assertEquals(0, clean.exitCode(), clean.toString());
        assertEquals("", clean.out());
        assertSaysRemoved(left, dir, deadPid, clean.err());
        assertEquals(List.of(), TestFiles.names(dir), "nothing is left, and nothing was copied");

        Processes.Result nothingLeft = McpRunner.run("--clean", dir);
        assertEquals(0, nothingLeft.exitCode(), nothingLeft.toString());
        assertEquals("", nothingLeft.err(), "nothing more to remove, nothing said");
    }

    @Test
    void theScratchFilesOfALiveRunAreNeverTouched() throws Exception {
        Path dest = dir.resolve("dest");
        // Frozen, so that the run is alive but cannot finish while the others look.
        List<ProcessHandle> everyone = signalACopyMidway(dest, "STOP");
        try {
            List<String> before = hiddenNames(dir);
            assertEquals(2, before.size(), before.toString());

            Processes.Result clean = McpRunner.run("--clean", dest);
            assertEquals(0, clean.exitCode(), clean.toString());
            assertEquals("", clean.err(), "a live run's files are not stale");
            Processes.Result cleanAll = McpRunner.run("--clean", dir);
            assertEquals("", cleanAll.err(), cleanAll.toString());
            assertEquals(before, hiddenNames(dir), "both are still there");
        } finally {
            for (ProcessHandle process : everyone) {
                ProcessTree.signal("CONT", process.pid());
            }
        }
        Processes.Result result = mcp.finish();
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(List.of("dest"), TestFiles.names(dir));
        assertEquals(-1, TestFiles.firstDifference(source, dest));
    }

    @Test
    void onlyScratchNamesOfDeadRunsForThatDestAreRemoved() throws Exception {
        long me = ProcessHandle.current().pid();
        long myStart = ProcessStart.ticks(me);
        String dead = ".dest." + DEAD_PID + ".1.0123456789abcdef.mcp-part";
        String deadControl = ".dest." + DEAD_PID + ".1.fedcba9876543210.mcp-control";
        List<String> kept = List.of(
                ".dest." + me + "." + myStart + ".0123456789abcdef.mcp-part",          // a live run's
                ".dest." + me + "." + (myStart + 1) + ".0123456789abcdef.mcp-part" + "x", // not a scratch name
                ".other." + DEAD_PID + ".1.0123456789abcdef.mcp-part",                  // another destination's
                ".dest.0123456789abcdef.mcp-part",                                      // no run named in it
                ".dest." + DEAD_PID + ".1.0123456789abcdeg.mcp-part",                   // not hexadecimal
                "dest." + DEAD_PID + ".1.0123456789abcdef.mcp-part");                   // not hidden
        for (String name : kept) {
            Files.writeString(dir.resolve(name), name);
        }
        Files.writeString(dir.resolve(dead), "stale");
        Files.writeString(dir.resolve(deadControl), "stale too");

        Processes.Result clean = McpRunner.run("--clean", dir.resolve("dest"));
        assertEquals(0, clean.exitCode(), clean.toString());
        assertSaysRemoved(List.of(dead, deadControl), dir, DEAD_PID, clean.err());
        assertTrue(clean.err().contains("'" + dir.resolve(dead) + "' (5 bytes)"), clean.err());
        assertEquals(kept.stream().sorted().toList(), TestFiles.names(dir).stream().sorted().toList());
        assertFalse(Files.exists(dir.resolve("dest")));
    }
}
