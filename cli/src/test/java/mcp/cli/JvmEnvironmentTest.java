package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mcp.copy.ControlFile;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;

/**
 * A user's environment that adds options to every JVM (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS,
 * _JAVA_OPTIONS), each of which makes the JVM print a "Picked up ..." line on stderr. The
 * coordinator is the user's JVM and prints its lines; its workers must not get the options, and a
 * copy must succeed, also when a worker dies and is replaced. mcp runs as a process.
 */
class JvmEnvironmentTest extends LongCopyTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "JAVA_TOOL_OPTIONS", "-Dmcp.test.tool=1",
            "JDK_JAVA_OPTIONS", "-Dmcp.test.jdk=1",
            "_JAVA_OPTIONS", "-Dmcp.test.underscore=1");

    /** The lines the coordinator's own JVM prints for {@link #OPTIONS}, one per variable. */
    private static void assertOnlyTheCoordinatorsPickedUpLines(String err) {
        List<String> pickedUp = err.lines().filter(line -> line.contains("Picked up")).toList();
        assertEquals(List.of("NOTE: Picked up JDK_JAVA_OPTIONS: -Dmcp.test.jdk=1",
                        "Picked up JAVA_TOOL_OPTIONS: -Dmcp.test.tool=1",
                        "Picked up _JAVA_OPTIONS: -Dmcp.test.underscore=1"),
                pickedUp.stream().sorted().toList(), "one line per variable, from the coordinator alone:\n" + err);
        assertEquals(pickedUp.size(), err.lines().count(), "nothing else is said:\n" + err);
    }

    @Test
    void aCopyWithJvmOptionsInTheEnvironmentSucceeds() throws Exception {
        long seed = 0xe1;
        Path small = TestFiles.random(dir.resolve("src"), (8L << 20) + 5, seed);
        Processes.Result result = Processes.run(Processes.javaCommand(Main.class.getName(), "-n", "2", "--chunk-size", "1M",
                "src", "dst"), dir, OPTIONS, 120);
        assertEquals(0, result.exitCode(), result.toString());
        assertOnlyTheCoordinatorsPickedUpLines(result.err());
        assertEquals(-1, TestFiles.firstDifference(small, dir.resolve("dst")), "same bytes (seed " + seed + ")");
        assertEquals(List.of("dst", "src"), TestFiles.names(dir));
    }

    @Test
    void aKilledWorkerIsReplacedAndTheCopySucceeds() throws Exception {
        Path dest = dir.resolve("dest");
        mcp = CoordinatorProcess.startWithEnvironment(OPTIONS, source, dest, "-n", "2", "--chunk-size", "1M");
        CoordinatorProcess.Busy busy = mcp.awaitBusyWorker();
        ProcessHandle worker = busy.process();
        String environment = new String(Files.readAllBytes(Path.of("/proc", Long.toString(worker.pid()), "environ")),
                StandardCharsets.UTF_8);
        List<String> arguments = ProcessTree.commandLine(worker);
        assertTrue(worker.destroyForcibly(), "SIGKILL sent to worker " + worker.pid());

        for (String variable : OPTIONS.keySet()) {
            assertFalse(("\0" + environment).contains("\0" + variable + "="), "the worker's environment has no " + variable);
        }
        assertTrue(arguments.stream().noneMatch(argument -> argument.startsWith("-Dmcp.test")), "nor the options: " + arguments);

        Processes.Result result = mcp.finish();
        assertEquals(0, result.exitCode(), "killed worker " + worker.pid() + "\n" + result);
        assertOnlyTheCoordinatorsPickedUpLines(result.err());
        assertEquals(-1, TestFiles.firstDifference(source, dest), "same bytes (seed " + SEED + ")");
        ControlFile control = mcp.control();
        assertNotEquals(worker.pid(), control.slotPid(busy.slot()), "a replacement took the killed worker's slot");
        assertEquals(ControlFile.SLOT_FINISHED, control.slotState(busy.slot()), "and finished");
        assertEquals(List.of("dest"), TestFiles.names(dir));
        mcp.awaitNoWorkers("the copy is over");
    }
}
