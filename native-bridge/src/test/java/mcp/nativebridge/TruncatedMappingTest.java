package mcp.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that shrinks under a mapping: reading the vanished pages raises SIGBUS, which the JVM must
 * turn into an {@link InternalError} instead of dying. The read runs in a child JVM (with this
 * JVM's java and class path, so both the default JDK and one chosen through JAVA_HOME are covered):
 * on JDK 17 the error is delivered asynchronously and could otherwise surface later in unrelated
 * test code. See {@link TruncatedMappingProbe}.
 */
class TruncatedMappingTest {
    @TempDir
    Path dir;

    @Test
    void readingPagesCutOffByTruncationThrowsInternalErrorAndTheJvmSurvives() throws Exception {
        int pageSize = Math.toIntExact(Posix.pageSize());
        Path file = dir.resolve("shrinks.bin");
        byte[] content = new byte[2 * pageSize];
        new Random(42).nextBytes(content);
        Files.write(file, content);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"));
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TruncatedMappingProbe.class.getName());
        command.add(file.toString());
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.out").toFile())
                .start();
        boolean exited = child.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        String output = Files.readString(dir.resolve("child.out"), StandardCharsets.UTF_8);
        String report = "child JVM " + System.getProperty("java.home") + " printed:\n" + output;

        assertTrue(exited, "child JVM did not exit\n" + report);
        assertEquals(List.of(), crashLogs(), "child JVM left a crash log\n" + report);
        List<String> lines = output.lines().collect(Collectors.toList());
        assertTrue(lines.contains(TruncatedMappingProbe.MAPPED), report);
        assertTrue(lines.contains(TruncatedMappingProbe.TRUNCATED + " size=0"), report);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith(TruncatedMappingProbe.CAUGHT)),
                "no InternalError from reading the truncated pages\n" + report);
        assertFalse(lines.stream().anyMatch(line -> line.startsWith(TruncatedMappingProbe.NO_ERROR)), report);
        assertTrue(lines.contains(TruncatedMappingProbe.ALIVE), "JVM did not go on after the error\n" + report);
        assertEquals(0, child.exitValue(), report);
    }

    private List<String> crashLogs() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(Path::getFileName).map(Path::toString)
                    .filter(name -> name.startsWith("hs_err")).collect(Collectors.toList());
        }
    }
}
