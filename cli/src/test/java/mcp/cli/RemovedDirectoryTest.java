package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mcp.copy.ControlFile;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * mcp run from a current directory that is removed, before it starts or while it copies, with
 * absolute operands: cp copies there, and so must mcp.
 */
class RemovedDirectoryTest extends LongCopyTest {
    /** {@code sh -c}: enter DIR, remove it, and run the command there. */
    private static List<String> inRemovedDirectory(Path directory, List<String> command) {
        List<String> shell = new ArrayList<>(List.of("sh", "-c", "cd \"$1\" && rmdir \"$1\" && shift && exec \"$@\"", "sh",
                directory.toString()));
        shell.addAll(command);
        return shell;
    }

    @Test
    void startedInARemovedDirectory() throws Exception {
        long seed = 0x4e;
        Path small = TestFiles.random(dir.resolve("src"), (5L << 20) + 3, seed);
        Path dest = dir.resolve("dst");
        Processes.Result cp = Processes.run(inRemovedDirectory(Files.createDirectory(dir.resolve("gone-cp")),
                List.of("cp", small.toString(), dir.resolve("cp-copy").toString())), dir, 60);
        assertEquals(0, cp.exitCode(), "cp copies from a removed directory: " + cp);

        Processes.Result java = Processes.run(inRemovedDirectory(Files.createDirectory(dir.resolve("gone-java")),
                List.of(Processes.javaBinary().toString(), "-version")), dir, 60);
        boolean jvmStarts = java.exitCode() == 0;
        if (!jvmStarts) {
            System.out.println("RemovedDirectoryTest: skipped: this JVM cannot start in a removed directory: "
                    + (java.out() + java.err()).lines().filter(line -> !line.isBlank()).limit(2).reduce((a, b) -> a + " " + b).orElse(""));
        }
        Assumptions.assumeTrue(jvmStarts, "this JVM cannot start in a removed directory");

        Processes.Result mcp = Processes.run(inRemovedDirectory(Files.createDirectory(dir.resolve("gone-mcp")),
                Processes.javaCommand(Main.class.getName(), "-n", "2", "--chunk-size", "1M", small.toString(), dest.toString())),
                dir, 120);
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals(-1, TestFiles.firstDifference(small, dest), "same bytes (seed " + seed + ")");
    }

    /**
     * The directory is removed once the copy is under way, and a worker is then killed: its
     * replacement starts after the removal, and must be able to.
     */
    @Test
    void removedWhileMcpCopies() throws Exception {
        Path cwd = Files.createDirectory(dir.resolve("cwd"));
        Path dest = dir.resolve("dest");
        mcp = CoordinatorProcess.startIn(cwd, source, dest, "-n", "2", "--chunk-size", "1M");
        CoordinatorProcess.Busy busy = mcp.awaitBusyWorker();
        Files.delete(cwd);
        assertTrue(busy.process().destroyForcibly(), "SIGKILL sent to worker " + busy.process().pid());

        Processes.Result result = mcp.finish();
        assertEquals(0, result.exitCode(), "killed worker " + busy.process().pid() + "\n" + result);
        assertEquals(-1, TestFiles.firstDifference(source, dest), "same bytes (seed " + SEED + ")");
        ControlFile control = mcp.control();
        assertNotEquals(busy.process().pid(), control.slotPid(busy.slot()), "a replacement took the killed worker's slot");
        assertEquals(ControlFile.SLOT_FINISHED, control.slotState(busy.slot()), "and finished its copying");
        assertFalse(Files.exists(cwd));
        assertEquals(List.of("dest"), TestFiles.names(dir));
    }
}
