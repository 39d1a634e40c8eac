package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
    void versionIsTheProjectVersionAndTheJavaRuntime() throws Exception {
        Processes.Result result = Processes.run(Processes.javaCommand(Main.class.getName(), "--version"), dir, 60);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err());
        // The child runs on this JVM's java, so it names the runtime these tests run on.
        assertEquals("mcp " + System.getProperty("mcp.version") + "\n"
                + "Java runtime: " + System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.name") + ")\n", result.out());
        assertTrue(result.out().matches("mcp \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n(?s).*"), result.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1025", "many", ""})
    void processCountsOutsideOneTo1024AreUsageErrors(String count) {
        Processes.Result result = McpRunner.run("-n", count, dir.resolve("a"), dir.resolve("b"));
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals("mcp: invalid number of processes: '" + count + "' (from 1 to 1024)\n"
                + "Try 'mcp --help' for more information.\n", result.err());
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
        assertTrue(result.err().startsWith("mcp: invalid chunk size: '" + size + "'"), result.err());
    }

    @Test
    void unknownOptionsAreUsageErrors() {
        Processes.Result result = McpRunner.run("--frobnicate", dir.resolve("a"), dir.resolve("b"));
        assertEquals(2, result.exitCode());
        assertEquals("mcp: unrecognized option '--frobnicate'\nTry 'mcp --help' for more information.\n", result.err());
    }

    @Test
    void missingOperandsAreUsageErrors() {
        Processes.Result none = McpRunner.run();
        assertEquals(2, none.exitCode());
        assertEquals("mcp: missing file operand\nTry 'mcp --help' for more information.\n", none.err());
        Processes.Result oneOperand = McpRunner.run("a");
        assertEquals(2, oneOperand.exitCode());
        assertEquals("mcp: missing destination file operand after 'a'\nTry 'mcp --help' for more information.\n",
                oneOperand.err());
    }

    @Test
    void extraOperandsWithNoTargetDirectoryAreUsageErrors() {
        Processes.Result result = McpRunner.run("-T", dir.resolve("a"), dir.resolve("b"), "c");
        assertEquals(2, result.exitCode());
        assertEquals("mcp: extra operand 'c'\nTry 'mcp --help' for more information.\n", result.err());
    }

    @Test
    void helpShowsCpsUsageExamplesAndEveryExitStatus() {
        String help = McpRunner.run("--help").out();
        assertTrue(help.contains("Usage: mcp [OPTION]... [-T] SOURCE DEST\n"
                + "  or:  mcp [OPTION]... SOURCE... DIRECTORY\n"
                + "  or:  mcp [OPTION]... -t DIRECTORY SOURCE...\n"), help);
        for (String option : new String[] {"-r, -R, --recursive", "-a, --archive", "-L, --dereference", "-P, --no-dereference",
            "--preserve[=ATTR_LIST]", "-t, --target-directory=DIRECTORY", "-T, --no-target-directory", "-v, --verbose",
            "-q, --quiet", "--[no-]progress", "--json"}) {
            assertTrue(help.contains("  " + option), option + " in " + help);
        }
        String examples = help.substring(help.indexOf("Examples:"));
        for (String example : new String[] {"mcp big.img copy.img ", "mcp big.img /backup/ ", "mcp -a photos /backup/ ",
            "mcp -t /backup/ a.img b.img ", "mcp -rv --progress ", "mcp --json "}) {
            assertTrue(examples.contains("\n  " + example), example + " in " + help);
        }
        for (String status : new String[] {"  0 ", "  1 ", "  2 ", "  3 ", "  128+n "}) {
            assertTrue(help.substring(help.indexOf("Exit status:")).contains("\n" + status), status + " in " + help);
        }
        assertTrue(help.indexOf("Examples:") > help.indexOf("Exit status:"), help);
        for (String line : help.split("\n")) {
            assertTrue(line.length() <= 80, "fits a terminal: " + line);
        }
    }

    @Test
    void plainCopiesStillCopy() throws Exception {
        Files.writeString(dir.resolve("a"), "bytes");
        Processes.Result result = McpRunner.run("-n", "1", "--", dir.resolve("a"), dir.resolve("b"));
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("bytes", Files.readString(dir.resolve("b")));
    }

    @Test
    void followingLinksInsideATreeFailsAndSaysSo() throws Exception {
        Files.createDirectory(dir.resolve("a"));
        Processes.Result result = McpRunner.run("-r", "-L", dir.resolve("a"), dir.resolve("b"));
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("mcp: following symbolic links inside a tree (-L with -r) is not implemented yet\n", result.err());
        assertTrue(Files.notExists(dir.resolve("b")), "nothing copied");
    }

    @Test
    void dereferenceIsWhatACopyOfOneFileDoesAlready() {
        Processes.Result result = McpRunner.run("-L", dir.resolve("missing"), dir.resolve("b"));
        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("mcp: cannot stat "), "past the options, to the missing source: " + result);
    }
}
