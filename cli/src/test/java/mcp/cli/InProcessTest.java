package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import mcp.copy.WorkerLauncher;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import mcp.copy.CoordinatorLimits;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small work, and any work with {@code -n 1}, is copied by the coordinator alone: a worker JVM
 * costs more to start than it saves. Larger work with more processes does start workers, one
 * fewer than the processes (no more than CPUs) that copy: the coordinator copies too.
 */
class InProcessTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** Starts real workers and counts them. */
    private static final class CountingLauncher extends WorkerLauncher {
        final AtomicInteger started = new AtomicInteger();

        @Override
        public Process start(int controlFd, long controlDevice, long controlInode, int slot) throws IOException {
            started.incrementAndGet();
            return super.start(controlFd, controlDevice, controlInode, slot);
        }
    }

    static Stream<Arguments> work() {
        long limit = CoordinatorLimits.inProcessMaxBytes();
        int cpus = Runtime.getRuntime().availableProcessors();
        return Stream.of(
                Arguments.of(1024L, 5, 0),
                Arguments.of(4096L, 2, 0),
                Arguments.of(limit, 5, 0),
                Arguments.of(limit + 4096, 1, 0),
                Arguments.of(limit + 4096, 2, Math.min(2, cpus) - 1),
                Arguments.of(limit + 4096, 3, Math.min(3, cpus) - 1));
    }

    @ParameterizedTest(name = "{0} bytes with -n {1}: {2} worker JVMs")
    @MethodSource("work")
    void workersStartOnlyForWorkWorthThem(long size, int processes, int expectedWorkers) throws IOException {
        Path source = TestFiles.random(dir.resolve("source"), size, size + processes);
        Path dest = dir.resolve("dest");
        CountingLauncher launcher = new CountingLauncher();
        Processes.Result result = McpRunner.run(launcher, "-n", processes, "--chunk-size", "16M", source, dest);
        assertEquals(0, result.exitCode(), result.toString());
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dest));
        assertEquals(expectedWorkers, launcher.started.get(), "worker JVMs started");
    }
}
