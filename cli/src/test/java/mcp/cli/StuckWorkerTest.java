package mcp.cli;

import static mcp.cli.CoordinatorProcess.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import mcp.copy.ControlFile;
import mcp.copy.CoordinatorLimits;
import mcp.fixtures.Poll;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that stops beating without dying (here: SIGSTOP, as a worker waiting on a hung device
 * would look) holds its chunk forever; the coordinator must take it for stuck once its heartbeat
 * is older than {@code Coordinator.HEARTBEAT_TIMEOUT_NANOS}, kill it and have its chunk copied by a
 * replacement, rather than wait for it. The time from the SIGSTOP to the coordinator's exit is
 * printed, and must stay below that timeout plus a margin for the rest of the copy.
 */
class StuckWorkerTest {
    /** For the rest of the copy, a replacement JVM's start, the read-back and the syncs on a loaded machine. */
    private static final Duration MARGIN = Duration.ofSeconds(45);
    private static final long SEED = 0x5709;

    /**
     * 256 MiB of random bytes: long enough to catch a worker copying, short enough that the rest
     * of the copy (every window is synced to the device) takes seconds, not the heartbeat timeout.
     */
    @TempDir
    static Path shared;
    static Path source;

    @TempDir
    Path dir;
    private CoordinatorProcess mcp;
    private Path dest;

    @BeforeAll
    static void makeSource() throws IOException {
        source = TestFiles.random(shared.resolve("source"), 256L << 20, SEED);
    }

    @AfterEach
    void killWhatIsLeft() throws IOException {
        if (mcp != null) {
            mcp.close();
        }
    }

    /** A worker stopped while it held {@code held}. */
    private record Stopped(long pid, int slot, List<Integer> held, long stoppedAtNanos) {
    }

    /** Catches a worker holding a claimed chunk and stops it there with SIGSTOP, once {@code ready} holds. */
    private Stopped stopBusyWorker(Poll.Condition ready) throws Exception {
        ControlFile control = mcp.control();
        return Poll.until("a worker holding a chunk was caught and stopped", PATIENCE, () -> {
            mcp.requireRunning("a worker could be caught copying");
            Optional<CoordinatorProcess.Busy> busy = mcp.busyWorker(control);
            if (busy.isEmpty() || !ready.holds()) {
                return Optional.empty();
            }
            ProcessHandle worker = busy.get().process();
            if (!ProcessTree.signal("STOP", worker.pid())) {
                return Optional.empty();   // it exited in the meantime
            }
            long stoppedAt = System.nanoTime();
            Poll.until("worker " + worker.pid() + " is stopped", PATIENCE,
                    () -> ProcessTree.isStopped(worker.pid()) || !worker.isAlive());
            List<Integer> held = CoordinatorProcess.claimedBy(control, worker.pid());
            if (held.isEmpty() || !mcp.isWorkerOfThisCopy(worker)) {
                ProcessTree.signal("CONT", worker.pid());   // between two chunks: let it go on and look again
                return Optional.empty();
            }
            return Optional.of(new Stopped(worker.pid(), busy.get().slot(), held, stoppedAt));
        });
    }

    /** Waits for the copy, prints how long it took after the SIGSTOP, and checks the copy and the timing. */
    private void assertCompletedDespite(Stopped stopped, Path source, long seed) throws Exception {
        Processes.Result result = mcp.finish();
        Duration afterStop = Duration.ofNanos(System.nanoTime() - stopped.stoppedAtNanos());
        Duration timeout = CoordinatorLimits.heartbeatTimeout();
        System.out.println("worker stopped with SIGSTOP: the coordinator exited " + afterStop.toMillis() + " ms later (heartbeat timeout "
                + timeout.toMillis() + " ms)");

        assertEquals(0, result.exitCode(), "stopped worker " + stopped + "\n" + result);
        assertEquals("", result.err(), "a successful copy says nothing");
        assertEquals(-1, TestFiles.firstDifference(source, dest), "offset of the first byte that differs (seed " + seed + ")");
        assertEquals(List.of("dest"), TestFiles.names(dir), "no temporary or control file is left");
        ControlFile control = mcp.control();   // still mapped: the state the copy ended in
        assertEquals(control.chunkCount(), CoordinatorProcess.countInState(control, ControlFile.DONE), "every chunk is done");
        for (int chunk : stopped.held()) {
            assertNotEquals(stopped.pid(), control.chunkOwner(chunk), "chunk " + chunk + ", held by the stopped worker, was copied by another");
        }
        assertNotEquals(stopped.pid(), control.slotPid(stopped.slot()), "a replacement took the stopped worker's slot");
        Optional<ProcessHandle> worker = ProcessHandle.of(stopped.pid());
        assertFalse(worker.isPresent() && worker.get().isAlive() && mcp.isWorkerOfThisCopy(worker.get()),
                "the stopped worker was killed, not left behind");
        assertTrue(afterStop.compareTo(timeout.plus(MARGIN)) < 0, "the copy ended " + afterStop.toMillis()
                + " ms after the SIGSTOP, more than the heartbeat timeout (" + timeout.toMillis() + " ms) and " + MARGIN.toSeconds() + " s");
        mcp.awaitNoWorkers("the copy is over");
    }

    @Test
    void aWorkerStoppedInTheMiddleOfTheCopyIsReplacedAndTheCopyCompletes() throws Exception {
        dest = dir.resolve("dest");
        mcp = CoordinatorProcess.start(source, dest, "-n", 2, "--chunk-size", "2M");

        Stopped stopped = stopBusyWorker(() -> true);

        assertCompletedDespite(stopped, source, SEED);
    }

    /**
     * The worker is stopped while every other chunk gets done and every other copier finishes:
     * nothing is left to notice anything but the coordinator, which must see that the copy is no
     * longer progressing. Three chunks of up to 384 MiB for the coordinator's own copy and one
     * worker JVM: the coordinator copies from the start and the worker joins a few hundred
     * milliseconds later, so it gets a chunk, holds it long enough to be caught, and the others
     * are done long before the heartbeat timeout.
     */
    @Test
    void aWorkerStoppedWhileEveryOtherChunkGetsDoneIsReplacedAndTheCopyCompletes() throws Exception {
        dest = dir.resolve("dest");
        mcp = CoordinatorProcess.start(CoordinatorProcess.longSource(), dest, "-n", 2, "--chunk-size", "384M");
        ControlFile control = mcp.control();
        assertEquals(3, control.chunkCount());

        Stopped stopped = stopBusyWorker(() -> true);
        Poll.until("every chunk but the stopped worker's is done and the other worker has finished", PATIENCE, () -> {
            mcp.requireRunning("every chunk but the stopped worker's was done");
            return CoordinatorProcess.countInState(control, ControlFile.DONE) == control.chunkCount() - stopped.held().size()
                    && control.slotState(1 - stopped.slot()) == ControlFile.SLOT_FINISHED;
        });
        assertEquals(stopped.held(), CoordinatorProcess.claimedBy(control, stopped.pid()), "the stopped worker still holds its chunk");

        assertCompletedDespite(stopped, CoordinatorProcess.longSource(), CoordinatorProcess.LONG_SOURCE_SEED);
    }
}
