package mcp.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;

/**
 * What the JVMs of an installed mcp (the build's image, an unpacked release archive, the Debian
 * package) load: shared by the tests of each, which must all find the class-data archive in use.
 */
final class ImageJvms {
    /** Data enough for mcp as shipped to start worker JVMs: more than its in-process bound of 512 MiB. */
    static final long WORKER_SIZED = (512L << 20) + (8L << 20);

    private ImageJvms() {
    }

    /**
     * The class-data archive bin/mcp gives every JVM: an AOT cache on JDK 25 and later, else the
     * runtime's own CDS archive, made at package time from what mcp loads.
     */
    static Path archive(Path image) throws IOException {
        String version = Files.readAllLines(image.resolve("runtime/release")).stream()
                .filter(line -> line.startsWith("JAVA_VERSION=")).findFirst().orElseThrow()
                .replaceAll("[^0-9.]", "");
        int feature = Integer.parseInt(version.split("\\.")[0]);
        return image.resolve(feature >= 25 ? "runtime/lib/mcp.aot" : "runtime/lib/server/classes.jsa");
    }

    /**
     * Runs a copy with two workers by {@code launcher} in {@code dir} with {@code path} as PATH, and
     * returns, for the coordinator and for each worker seen, whether it had mapped {@code archive}
     * once it had loaded JNA's library, that is past its start: a JVM maps its archive and unmaps
     * it again when it cannot use it.
     */
    static Map<String, Boolean> archiveMappedByEachJvm(Path launcher, Path archive, Path dir, String path) throws Exception {
        TestFiles.random(dir.resolve("src"), WORKER_SIZED, 37);
        Files.deleteIfExists(dir.resolve("dst"));
        List<String> command = List.of(launcher.toString(), "-n", "2", "--chunk-size", "1M", "src", "dst");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("PATH", path);
        builder.environment().remove("JAVA_HOME");
        Process process = builder.start();
        Map<String, Boolean> mapped = new HashMap<>();
        while (process.isAlive()) {
            List<ProcessHandle> jvms = new ArrayList<>(List.of(process.toHandle()));
            process.descendants().forEach(jvms::add);
            for (ProcessHandle jvm : jvms) {
                String role = jvm.pid() == process.pid() ? "coordinator" : "worker " + jvm.pid();
                if (mapped.containsKey(role)) {
                    continue;
                }
                try {
                    String maps = Files.readString(Path.of("/proc", Long.toString(jvm.pid()), "maps"));
                    if (maps.contains("libjnidispatch.so")) {
                        mapped.put(role, maps.contains(archive.toRealPath().toString()));
                    }
                } catch (IOException e) {
                    // It exited meanwhile.
                }
            }
            Thread.onSpinWait();
        }
        Processes.Result result = Processes.finish(command, process, 120);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), result.toString());
        return mapped;
    }
}
