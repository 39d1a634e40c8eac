package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SOURCE named through the coordinator's own descriptors: {@code /dev/fd/N},
 * {@code /proc/self/fd/N} and {@code /dev/stdin}. Such a name means a different file in every
 * process (a worker's descriptor 3 is not the coordinator's), so only a copy whose workers reach
 * the file the coordinator opened is right. mcp runs as a process started by {@code sh}, which
 * opens the descriptors as a user's shell would; the file is large enough (5 MiB in 1 MiB chunks,
 * two workers) that workers copy it.
 */
class SourceDescriptorTest {
    private static final long SEED = 0x5fd3;

    @TempDir
    Path dir;

    private Path file;
    private byte[] bytes;

    @BeforeEach
    void makeFile() throws Exception {
        file = TestFiles.random(dir.resolve("file"), (5L << 20) + 123, SEED);
        bytes = Files.readAllBytes(file);
    }

    /** {@code sh -c SCRIPT sh MCP-COMMAND...}: the script runs mcp as {@code "$@"}. */
    private Processes.Result shell(String script, String... mcpArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        command.addAll(Processes.javaCommand(Main.class.getName(), mcpArgs));
        return Processes.run(command, dir, 120);
    }

    private void assertCopied(Processes.Result result, byte[] expected, Path out) throws Exception {
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), result.toString());
        assertArrayEquals(expected, Files.readAllBytes(out), "the copy holds exactly the file's bytes (seed " + SEED + ")");
        assertEquals(List.of("file", out.getFileName().toString()), TestFiles.names(dir), "no temporary or control file is left");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/dev/fd/3", "/proc/self/fd/3"})
    void aDescriptorOfTheShellIsCopiedByTheWorkers(String name) throws Exception {
        Processes.Result result = shell("exec 3<file; exec \"$@\"", "-n", "2", "--chunk-size", "1M", name, "out");
        assertCopied(result, bytes, dir.resolve("out"));
    }

    @Test
    void aDescriptorAboveTheWorkersOwnIsCopiedToo() throws Exception {
        // A number no worker JVM has open: a worker that opened its own would fail, not copy something else.
        Processes.Result result = shell("exec 9<file; exec \"$@\"", "-n", "2", "--chunk-size", "1M", "/dev/fd/9", "out");
        assertCopied(result, bytes, dir.resolve("out"));
    }

    @Test
    void standardInputRedirectedFromAFile() throws Exception {
        List<String> command = Processes.javaCommand(Main.class.getName(), "-n", "2", "--chunk-size", "1M", "/dev/stdin", "out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(file.toFile()).start();
        assertCopied(Processes.finish(command, process, 120), bytes, dir.resolve("out"));
    }

    @Test
    void standardInputFromAPipeIsStreamed() throws Exception {
        Processes.Result result = shell("printf data | \"$@\"", "/dev/stdin", "out");
        assertCopied(result, "data".getBytes(StandardCharsets.US_ASCII), dir.resolve("out"));
        Processes.Result cp = Processes.run(List.of("sh", "-c", "printf data | cp /dev/stdin cp-out"), dir, 60);
        assertEquals(0, cp.exitCode(), cp.toString());
        assertEquals(Files.getAttribute(dir.resolve("cp-out"), "unix:mode"), Files.getAttribute(dir.resolve("out"), "unix:mode"),
                "the copy of a pipe gets the mode cp gives it (the pipe's, less the umask)");
    }

    @Test
    void aLargePipeIsStreamedWhole() throws Exception {
        Processes.Result result = shell("cat file | \"$@\"", "-n", "2", "/dev/stdin", "out");
        assertCopied(result, bytes, dir.resolve("out"));
    }

    /**
     * cp says a descriptor the shell did not open is missing, and so must mcp: the coordinator JVM
     * has descriptors of its own open (its runtime's modules file, class path jars, /dev/random),
     * which {@code /dev/fd/N} would otherwise name. The file-size limit keeps a wrong copy of
     * /dev/random from filling the disk.
     */
    @ParameterizedTest(name = "/dev/fd/{0}")
    @ValueSource(ints = {0, 3, 4, 5, 6, 7, 8, 9})
    void aDescriptorTheShellDidNotOpenIsMissingAsForCp(int fd) throws Exception {
        String script = "ulimit -f 16384; exec " + fd + "<&-; exec \"$@\"";
        Processes.Result mcp = shell(script, "/dev/fd/" + fd, "out");
        Processes.Result cp = Processes.run(List.of("sh", "-c", script, "sh", "cp", "/dev/fd/" + fd, "out"), dir, 60);
        assertEquals(1, cp.exitCode(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals(cp.err().replaceFirst("^cp:", "mcp:"), mcp.err(), "as cp says it");
        assertEquals(List.of("file"), TestFiles.names(dir));
    }

    /**
     * As DEST, a descriptor the shell did not open must not be one of the JVM's own either: mcp
     * would replace its own class path's jar or the runtime's modules file with the copy.
     */
    @ParameterizedTest(name = "DEST /dev/fd/{0}")
    @ValueSource(ints = {3, 4, 5, 6, 7, 8})
    void aDescriptorTheShellDidNotOpenIsNoDestination(int fd) throws Exception {
        String script = "exec " + fd + "<&-; exec \"$@\"";
        List<Path> own = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            own.add(Path.of(entry));
        }
        own.add(Path.of(System.getProperty("java.home"), "lib", "modules"));
        List<Long> before = new ArrayList<>();
        for (Path path : own) {
            before.add(Files.isRegularFile(path) ? Files.getLastModifiedTime(path).toMillis() : -1L);
        }
        Processes.Result mcp = shell(script, "file", "/dev/fd/" + fd);
        // (cp's own message depends on which descriptors cp itself has open: fd 3 is its source.)
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals("mcp: cannot create regular file '/dev/fd/" + fd + "': No such file or directory\n", mcp.err());
        for (int i = 0; i < own.size(); i++) {
            Path path = own.get(i);
            assertEquals(before.get(i), Files.isRegularFile(path) ? Files.getLastModifiedTime(path).toMillis() : -1L,
                    path + " is untouched");
        }
    }
}
