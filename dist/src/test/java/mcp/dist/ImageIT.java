package mcp.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the built jlink image the way a user does: {@code bin/mcp}, with no Java on the PATH. */
class ImageIT {
    private static final Path IMAGE = Path.of(System.getProperty("mcp.image", "target/mcp")).toAbsolutePath();
    private static final Path LAUNCHER = IMAGE.resolve("bin/mcp");

    @TempDir
    static Path tools;

    @TempDir
    Path dir;

    /** A PATH holding only what the launcher script needs, and no java. */
    private static Map<String, String> environment;

    @BeforeAll
    static void pathWithoutJava() throws IOException {
        Path bin = Files.createDirectory(tools.resolve("bin"));
        for (String tool : List.of("readlink")) {
            Files.copy(Path.of("/usr/bin", tool).toRealPath(), bin.resolve(tool));
        }
        environment = new HashMap<>();
        environment.put("PATH", bin.toString());
        environment.put("JAVA_HOME", null);
        environment.put("CLASSPATH", null);
    }

    private Processes.Result mcp(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return Processes.run(command, dir, environment, 120);
    }

    @Test
    void theImageHasItsOwnJavaAndTheLauncher() {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is executable");
        assertTrue(Files.isExecutable(IMAGE.resolve("bin/java")), "the image carries its own runtime");
    }

    @Test
    void copiesAFileWithNoJavaOnThePath() throws Exception {
        long seed = 20260;
        Path source = TestFiles.random(dir.resolve("src"), (20L << 20) + 4097, seed);
        Processes.Result result = mcp("-n", "3", "src", "dst");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "nothing on stderr, not even JVM warnings");
        assertTrue(FileUtils.contentEquals(source.toFile(), dir.resolve("dst").toFile()), "same bytes (seed " + seed + ")");
        assertEquals(List.of("dst", "src"), TestFiles.names(dir));
    }

    @Test
    void reportsTheProjectVersion() throws Exception {
        Processes.Result result = mcp("--version");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("mcp " + System.getProperty("mcp.version") + "\n", result.out());
    }

    @Test
    void errorsAreReportedLikeCp() throws Exception {
        Processes.Result result = mcp("missing", "dst");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("mcp: cannot stat 'missing': No such file or directory\n", result.err());
        Processes.Result usage = mcp("-n", "0", "a", "b");
        assertEquals(2, usage.exitCode(), usage.toString());
    }

    @Test
    void workersRunOnTheImagesJava() throws Exception {
        TestFiles.random(dir.resolve("src"), 256L << 20, 5);
        List<String> command = List.of(LAUNCHER.toString(), "-n", "2", "--chunk-size", "1M", "src", "dst");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("PATH", environment.get("PATH"));
        builder.environment().remove("JAVA_HOME");
        Process process = builder.start();
        Set<String> workerBinaries = new TreeSet<>();
        while (process.isAlive() && workerBinaries.isEmpty()) {
            process.descendants()
                    .filter(child -> child.info().arguments().map(args -> List.of(args).contains("mcp.copy.WorkerMain")).orElse(false))
                    .forEach(worker -> worker.info().command().ifPresent(workerBinaries::add));
            Thread.onSpinWait();
        }
        Processes.Result result = Processes.finish(command, process, 120);
        assertEquals(0, result.exitCode(), result.toString());
        assertFalse(workerBinaries.isEmpty(), "a worker was seen while the copy ran");
        assertEquals(Set.of(IMAGE.resolve("bin/java").toRealPath().toString()), workerBinaries);
    }
}
