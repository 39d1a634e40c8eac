package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mcp.copy.WorkerMain;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -n 1024} on this machine: mcp runs no more workers than min(1 per CPU, one per 96 MiB
 * of available memory), says so in one line when memory is what binds, and copies. The file has 128 chunks, so without the
 * cap 128 worker JVMs would start. The control file says how many slots the copy has; the
 * workers alive at once are counted too while it runs.
 */
class WorkerCapTest {
    private static final long SEED = 0xcab;

    @TempDir
    Path dir;
    private CoordinatorProcess mcp;

    @AfterEach
    void killWhatIsLeft() throws IOException {
        if (mcp != null) {
            mcp.close();
        }
    }

    /** MemAvailable from /proc/meminfo, in bytes. */
    private static long memAvailable() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no MemAvailable in /proc/meminfo");
    }

    @Test
    void aThousandWorkersAreCappedToWhatTheMachineCanRun() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        long byMemory = memAvailable() / (96L << 20);
        long expected = Math.min(1024, Math.min(cpus, byMemory));
        Path source = TestFiles.random(dir.resolve("src"), 128L << 20, SEED);
        Path dest = dir.resolve("dst");

        mcp = CoordinatorProcess.start(source, dest, "-n", 1024, "--chunk-size", "1M");
        int slots = mcp.control().workerCount();
        long coordinator = mcp.control().coordinatorPid();
        int mostAlive = 0;
        while (mcp.process.isAlive()) {
            int alive = ProcessTree.javaProcessesWithFirstArgument(WorkerMain.class.getName(), Long.toString(coordinator)).size();
            mostAlive = Math.max(mostAlive, alive);
            Thread.sleep(20);
        }
        Processes.Result result = mcp.finish();
        System.out.println("WorkerCapTest: -n 1024 on " + cpus + " CPUs and " + (memAvailable() >> 20) + " MiB available: "
                + slots + " worker slots, at most " + mostAlive + " workers alive at once; mcp said: " + result.err().strip());

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(-1, TestFiles.firstDifference(source, dest), "same bytes (seed " + SEED + ")");
        if (byMemory >= 2 * expected) {
            assertEquals(expected, slots, "1 worker per CPU");
        } else {
            // Bound by memory, which moves: within a tenth of what was available when the test looked.
            assertTrue(Math.abs(slots - expected) <= Math.max(1, expected / 10), slots + " slots, about " + expected + " expected");
        }
        assertTrue(mostAlive <= slots, mostAlive + " workers alive at once, for " + slots + " slots");
        List<String> lines = result.err().lines().toList();
        if (byMemory >= 2L * cpus) {
            assertEquals(List.of(), lines, "fewer workers than CPUs is mcp's choice, not worth a word");
        } else if (byMemory < cpus) {
            assertEquals(1, lines.size(), "one line of notice: " + result.err());
            assertTrue(lines.get(0).startsWith("mcp: using " + slots + " worker processes, not 1024: "), lines.get(0));
        }
        assertEquals(List.of("dst", "src"), TestFiles.names(dir));
    }

    @Test
    void aCountWithinTheCapIsTakenAsItIs() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), 8L << 20, SEED + 1);
        Processes.Result result = Processes.run(Processes.javaCommand(Main.class.getName(), "-n", "2", "--chunk-size", "1M",
                "src", "dst"), dir, 120);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "no notice when the machine runs what was asked for");
        assertEquals(-1, TestFiles.firstDifference(source, dir.resolve("dst")));
    }
}
