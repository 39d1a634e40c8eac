package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import mcp.fixtures.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Options and operands: help, version, and usage errors (exit status 2, nothing copied). */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void helpDescribesOperandsOptionsAndExitStatus() {
        Processes.Result result = McpRunner.run("--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("Usage: mcp"), result.out());
        assertTrue(result.out().contains("-n, --processes=N"), result.out());
        assertTrue(result.out().contains("--stats[=FORMAT]"), result.out());
        assertTrue(result.out().contains("Exit status:"), result.out());
    }

    @Test
    void versionIsTheProjectVersion() {
        Processes.Result result = McpRunner.run("--version");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().matches("mcp \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), result.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1025", "many", ""})
    void processCountsOutsideOneTo1024AreUsageErrors(String count) {
        Processes.Result result = McpRunner.run("-n", count, dir.resolve("a"), dir.resolve("b"));
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("mcp: "), result.err());
        assertTrue(result.err().endsWith("Try 'mcp --help' for more information.\n"), result.err());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1024})
    void processCountsAtTheLimitsAreAccepted(int count) {
        Processes.Result result = McpRunner.run("-n", count, dir.resolve("missing"), dir.resolve("b"));
        assertEquals(1, result.exitCode(), "past option parsing, to the missing source: " + result);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "0", "4K1", "-4096", "lots"})
    void chunkSizesThatAreNotWholePagesAreUsageErrors(String size) {
        Processes.Result result = McpRunner.run("--chunk-size", size, dir.resolve("a"), dir.resolve("b"));
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("--chunk-size"), result.err());
    }

    @Test
    void unknownOptionsAreUsageErrors() {
        Processes.Result result = McpRunner.run("--frobnicate", dir.resolve("a"), dir.resolve("b"));
        assertEquals(2, result.exitCode());
        assertEquals("mcp: Unknown option: '--frobnicate'\nTry 'mcp --help' for more information.\n", result.err());
    }

    @Test
    void missingOperandsAreUsageErrors() {
        assertEquals(2, McpRunner.run().exitCode());
        Processes.Result oneOperand = McpRunner.run(dir.resolve("a"));
        assertEquals(2, oneOperand.exitCode());
        assertTrue(oneOperand.err().contains("DEST"), oneOperand.err());
    }

    @Test
    void extraOperandsAreUsageErrors() {
        assertEquals(2, McpRunner.run(dir.resolve("a"), dir.resolve("b"), dir.resolve("c")).exitCode());
    }
}
