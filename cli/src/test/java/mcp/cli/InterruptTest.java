package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import mcp.copy.ControlFile;
import mcp.fixtures.Poll;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * Stopping mcp from outside in the middle of a copy: SIGINT (to the coordinator, or to its whole
 * process group as Ctrl-C in a terminal does), and SIGKILL. The coordinator runs as a child
 * process of the test; the signal is sent once the control file shows a worker holding a claimed
 * chunk, i.e. copying is under way. The source (1 GiB, copied in 1 MiB chunks by two workers)
 * takes seconds to copy, and the signal goes out milliseconds after the first claim, so the copy
 * cannot finish first: each test also checks that most of the chunks were still to do when the
 * signal was sent.
 */
class InterruptTest extends LongCopyTest {
    private static final int EXIT_INTERRUPTED = 130;



    /** Waits until copying is under way, and checks that the copy is far from done. */
    private ControlFile awaitCopying() throws Exception {
        mcp.awaitBusyWorker();
        ControlFile control = mcp.control();
        int done = CoordinatorProcess.countInState(control, ControlFile.DONE);
        assertTrue(done < control.chunkCount() / 2, "most of the copy is still to do when the signal is sent: " + done
                + " of " + control.chunkCount() + " chunks are done");
        return control;
    }

    private void assertInterrupted(Processes.Result result) {
        assertEquals(EXIT_INTERRUPTED, result.exitCode(), result.toString());
    }

    /** Starts a copy to {@code dest}, sends the coordinator SIGINT while it copies, and waits for it. */
    private Processes.Result interruptedCopy(Path dest) throws Exception {
        mcp = CoordinatorProcess.start(source, dest, "-n", 2, "--chunk-size", "1M");
        awaitCopying();
        assertTrue(ProcessTree.signal("INT", mcp.pid()), "SIGINT sent to the coordinator");
        return mcp.finish();
    }

    @Test
    void sigintStopsTheCopyCreatesNoDestinationAndRemovesItsFiles() throws Exception {
        Path dest = dir.resolve("dest");
        Processes.Result result = interruptedCopy(dest);

        assertInterrupted(result);
        assertFalse(Files.exists(dest), "no destination is created");
        assertEquals(List.of(), TestFiles.names(dir), "no temporary or control file is left");
        mcp.awaitNoWorkers("the coordinator was interrupted");
    }

    @Test
    void sigintLeavesAnExistingDestinationAsItWas() throws Exception {
        long seed = SEED + 1;
        Path dest = TestFiles.random(dir.resolve("dest"), 3 << 20, seed);
        byte[] before = Files.readAllBytes(dest);
        Processes.Result result = interruptedCopy(dest);

        assertInterrupted(result);
        assertEquals(-1, Arrays.mismatch(before, Files.readAllBytes(dest)), "the destination keeps its bytes (seed " + seed + ")");
        assertEquals(List.of("dest"), TestFiles.names(dir), "no temporary or control file is left");
        mcp.awaitNoWorkers("the coordinator was interrupted");
    }

    @Test
    void ctrlCInterruptsCoordinatorAndWorkersAlikeAndLeavesNothingBehind() throws Exception {
        Path dest = dir.resolve("dest");
        mcp = CoordinatorProcess.startInOwnProcessGroup(source, dest, "-n", 2, "--chunk-size", "1M");
        CoordinatorProcess.Busy busy = mcp.awaitBusyWorker();
        assertEquals(Optional.of(mcp.pid()), ProcessTree.processGroup(mcp.pid()), "the coordinator leads its own process group");
        assertEquals(Optional.of(mcp.pid()), ProcessTree.processGroup(busy.process().pid()), "its workers are in its process group");
        awaitCopying();

        assertTrue(ProcessTree.signalGroup("INT", mcp.pid()), "SIGINT sent to the process group, as a terminal does on Ctrl-C");
        Processes.Result result = mcp.finish();

        assertInterrupted(result);
        assertFalse(Files.exists(dest), "no destination is created");
        assertEquals(List.of(), TestFiles.names(dir), "no temporary or control file is left");
        mcp.awaitNoWorkers("the process group was interrupted");
    }

    /** Waits until no worker is alive, and checks that they stopped rather than finished the copy. */
    private void assertWorkersStopEarly(ControlFile control, String why) throws Exception {
        mcp.awaitNoWorkers(why);
        int done = CoordinatorProcess.countInState(control, ControlFile.DONE);
        assertTrue(done < control.chunkCount(), "the workers should stop, not copy on for nobody; but they finished all " + done + " chunks");
    }

    private void assertOnlyTheCoordinatorsOwnFilesAreLeft(Path dest) throws IOException {
        assertFalse(Files.exists(dest), "no destination is created");
        // The coordinator had no chance to clean up: its temporary and control files are left.
        for (String name : TestFiles.names(dir)) {
            assertTrue(name.matches("\\.dest\\.[0-9]+\\.[0-9]+\\.[0-9a-f]{16}\\.mcp-(part|control)"), "only the coordinator's own files are left: " + name);
        }
    }

    @Test
    void workersOfAKilledCoordinatorStopOnTheirOwn() throws Exception {
        Path dest = dir.resolve("dest");
        mcp = CoordinatorProcess.start(source, dest, "-n", 2, "--chunk-size", "1M");
        ControlFile control = awaitCopying();
        assertFalse(mcp.workers().isEmpty(), "workers are running");

        assertEquals(137, mcp.process.destroyForcibly().waitFor(), "the coordinator is killed by SIGKILL");

        assertWorkersStopEarly(control, "their coordinator was killed");
        assertOnlyTheCoordinatorsOwnFilesAreLeft(dest);
    }

    /**
     * A killed process stays a zombie until its parent reaps it, and a busy or stopped parent (a
     * program suspended with Ctrl-Z, say) may not do so for a long time. The workers must notice
     * that their coordinator is gone all the same.
     */
    @Test
    void workersStopEvenWhileTheirKilledCoordinatorIsAZombie() throws Exception {
        Path dest = dir.resolve("dest");
        mcp = CoordinatorProcess.startUnderWaitingParent(source, dest, "-n", 2, "--chunk-size", "1M");
        ControlFile control = awaitCopying();
        ProcessHandle coordinator = mcp.coordinator();
        assertTrue(ProcessTree.signal("STOP", mcp.pid()), "the parent of the coordinator is stopped");
        Poll.until("the parent is stopped", CoordinatorProcess.PATIENCE, () -> ProcessTree.isStopped(mcp.pid()));

        assertTrue(coordinator.destroyForcibly(), "SIGKILL sent to the coordinator");
        Poll.until("the coordinator is a zombie", CoordinatorProcess.PATIENCE, () -> ProcessTree.isZombie(coordinator.pid()));

        assertWorkersStopEarly(control, "their coordinator was killed, though not reaped");
        assertOnlyTheCoordinatorsOwnFilesAreLeft(dest);
        assertTrue(ProcessTree.isZombie(coordinator.pid()), "the coordinator was a zombie all along");
    }
}
