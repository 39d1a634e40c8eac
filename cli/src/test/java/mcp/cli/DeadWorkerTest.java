package mcp.cli;

import static mcp.cli.CoordinatorProcess.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mcp.copy.ControlFile;
import mcp.fixtures.Poll;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * Workers that die without a word (here: SIGKILL) in the middle of a copy. The coordinator runs as
 * a child process of the test and its workers as its children. To kill a worker at a known point
 * rather than after a guessed delay, the test watches the control file until a worker holds a
 * claimed chunk, freezes it with SIGSTOP (so what it holds can no longer change), reads what it
 * holds, and only then kills it with SIGKILL: the kill provably lands on a live worker in the
 * middle of a chunk. The source (1 GiB, copied in 1 MiB chunks) takes seconds to copy, far longer
 * than the test needs to catch a worker, so the copy cannot finish first.
 */
class DeadWorkerTest extends LongCopyTest {
    /** How many silently dead workers a copy survives (Coordinator.MAX_REPLACEMENTS). */
    private static final int REPLACEMENTS = 3;

    private Path dest;


    /** A worker killed while it held {@code held} (claimed, not done). */
    private record Victim(long pid, int slot, List<Integer> held) {
    }

    /** Catches a worker (not one of {@code alreadyKilled}) holding a claimed chunk, stops it, and kills it there. */
    private Victim killBusyWorker(List<Long> alreadyKilled) throws Exception {
        ControlFile control = mcp.control();
        Victim victim = Poll.until("a worker holding a chunk was caught and killed", PATIENCE, () -> {
            mcp.requireRunning("a worker could be caught copying");
            Optional<CoordinatorProcess.Busy> busy = mcp.busyWorker(control);
            if (busy.isEmpty() || alreadyKilled.contains(busy.get().process().pid())) {
                return Optional.empty();
            }
            ProcessHandle worker = busy.get().process();
            if (!ProcessTree.signal("STOP", worker.pid())) {
                return Optional.empty();   // it exited in the meantime
            }
            Poll.until("worker " + worker.pid() + " is stopped", PATIENCE,
                    () -> ProcessTree.isStopped(worker.pid()) || !worker.isAlive());
            List<Integer> held = CoordinatorProcess.claimedBy(control, worker.pid());
            if (held.isEmpty() || !mcp.isWorkerOfThisCopy(worker)) {
                ProcessTree.signal("CONT", worker.pid());   // between two chunks: let it go on and look again
                return Optional.empty();
            }
            assertTrue(worker.destroyForcibly(), "SIGKILL was sent to worker " + worker.pid());
            return Optional.of(new Victim(worker.pid(), busy.get().slot(), held));
        });
        ProcessHandle killed = ProcessHandle.of(victim.pid()).orElse(null);
        Poll.until("killed worker " + victim.pid() + " has died", PATIENCE,
                () -> killed == null || !killed.isAlive() || ProcessTree.commandLine(killed).isEmpty());
        return victim;
    }

    /** Kills busy workers, one after another, once more than the coordinator replaces. */
    private List<Long> killOneWorkerMoreThanCanBeReplaced() throws Exception {
        List<Long> killed = new ArrayList<>();
        for (int death = 0; death <= REPLACEMENTS; death++) {
            killed.add(killBusyWorker(killed).pid());
        }
        return killed;
    }

    @Test
    void aKilledWorkersChunksAreCopiedByOthersAndTheCopyIsComplete() throws Exception {
        dest = dir.resolve("dest");
        mcp = CoordinatorProcess.start(source, dest, "-n", 2, "--chunk-size", "1M");

        Victim victim = killBusyWorker(List.of());
        Processes.Result result = mcp.finish();

        assertEquals(0, result.exitCode(), "killed worker " + victim + "\n" + result);
        assertEquals(-1, TestFiles.firstDifference(source, dest), "offset of the first byte that differs (seed " + SEED + ")");
        assertEquals(List.of("dest"), TestFiles.names(dir), "no temporary or control file is left");
        ControlFile control = mcp.control();   // still mapped: the state the copy ended in
        assertEquals(control.chunkCount(), CoordinatorProcess.countInState(control, ControlFile.DONE), "every chunk is done");
        for (int chunk : victim.held()) {
            assertTrue(control.chunkAttempts(chunk) >= 2, "chunk " + chunk + ", held by the killed worker, was claimed again");
            assertNotEquals(victim.pid(), control.chunkOwner(chunk), "chunk " + chunk + " was finished by another worker");
        }
        assertNotEquals(victim.pid(), control.slotPid(victim.slot()), "a replacement worker took the killed worker's slot");
        assertEquals(ControlFile.SLOT_FINISHED, control.slotState(victim.slot()), "the replacement finished");
        mcp.awaitNoWorkers("the copy is over");
    }

    @Test
    void aWorkerThatDiesOnceTooOftenFailsTheCopyAndLeavesNothingBehind() throws Exception {
        dest = dir.resolve("dest");
        mcp = CoordinatorProcess.start(source, dest, "-n", 2, "--chunk-size", "1M");

        List<Long> killed = killOneWorkerMoreThanCanBeReplaced();
        Processes.Result result = mcp.finish();

        assertEquals(1, result.exitCode(), "killed workers " + killed + "\n" + result);
        String expected = "mcp: error copying '" + source + "' to '" + dest + "': worker process " + killed.get(REPLACEMENTS)
                + " was killed by signal 9, and " + REPLACEMENTS + " workers before it; '" + dest + "' was left as it was";
        assertTrue(result.err().lines().anyMatch(expected::equals), "says: " + expected + "\n" + result);
        assertFalse(Files.exists(dest), "no destination is created");
        assertEquals(List.of(), TestFiles.names(dir), "no temporary or control file is left");
        mcp.awaitNoWorkers("the copy has failed");
    }

    @Test
    void aCopyFailedByDyingWorkersLeavesAnExistingDestinationAsItWas() throws Exception {
        dest = TestFiles.random(dir.resolve("dest"), 3 << 20, SEED + 1);
        byte[] before = Files.readAllBytes(dest);
        mcp = CoordinatorProcess.start(source, dest, "-n", 2, "--chunk-size", "1M");

        List<Long> killed = killOneWorkerMoreThanCanBeReplaced();
        Processes.Result result = mcp.finish();

        assertEquals(1, result.exitCode(), "killed workers " + killed + "\n" + result);
        assertEquals(-1, java.util.Arrays.mismatch(before, Files.readAllBytes(dest)), "the destination keeps its bytes (seed " + (SEED + 1) + ")");
        assertEquals(List.of("dest"), TestFiles.names(dir), "no temporary or control file is left");
    }
}
