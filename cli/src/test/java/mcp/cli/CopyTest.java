package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.nativebridge.Posix;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole copies with real worker JVMs on real files, compared byte for byte. */
class CopyTest {
    private static final long PAGE = Posix.pageSize();
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    static Stream<Arguments> sizesAndProcesses() {
        return Stream.of(
                Arguments.of(0L, 5, null),
                Arguments.of(1L, 5, null),
                Arguments.of(PAGE - 1, 2, null),
                Arguments.of(PAGE, 1, null),
                Arguments.of(PAGE + 1, 2, PAGE),
                Arguments.of(3 * PAGE + 5, 8, PAGE),   // more processes than pages
                Arguments.of(7 * MIB + 3, 3, MIB),     // not a multiple of the chunk size
                Arguments.of(20 * MIB + 4097, 5, null),
                Arguments.of(40 * MIB + 1, 2, 3 * MIB));
    }

    @ParameterizedTest(name = "{0} bytes, -n {1}, chunks of {2}")
    @MethodSource("sizesAndProcesses")
    void copiesAreIdenticalToTheSource(long size, int processes, Long chunkBytes) throws IOException {
        long seed = size * 31 + processes;
        Path source = TestFiles.random(dir.resolve("source"), size, seed);
        Path dest = dir.resolve("dest");
        List<Object> args = new java.util.ArrayList<>(List.of("-n", processes));
        if (chunkBytes != null) {
            args.addAll(List.of("--chunk-size", chunkBytes));
        }
        args.addAll(List.of(source, dest));
        Processes.Result result = McpRunner.run(args.toArray());
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "a successful copy says nothing");
        assertTrue(FileUtils.contentEquals(source.toFile(), dest.toFile()), "same bytes (seed " + seed + ")");
        assertEquals(List.of("dest", "source"), TestFiles.names(dir), "no temporary or control file is left");
    }

    @ParameterizedTest(name = "--method={0}, {1} bytes, -n {2}")
    @CsvSource({
        "mmap, 20971521, 1", "pwrite, 20971521, 1", "copy_file_range, 20971521, 1",
        "mmap, 73400321, 3", "pwrite, 73400321, 3", "copy_file_range, 73400321, 3",
    })
    void everyMethodCopiesInProcessAndInWorkers(String method, long size, int processes) throws IOException {
        long seed = size + method.hashCode();
        Path source = TestFiles.random(dir.resolve("source"), size, seed);
        Path dest = dir.resolve("dest");
        Processes.Result result = McpRunner.run("-n", processes, "--chunk-size", "3M", "--method", method, source, dest);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "a successful copy says nothing");
        assertTrue(FileUtils.contentEquals(source.toFile(), dest.toFile()), "same bytes (seed " + seed + ")");
        assertEquals(List.of("dest", "source"), TestFiles.names(dir), "no temporary or control file is left");
    }

    @Test
    void copyFileRangeBetweenFileSystemsItCannotSpanFallsBackToWriting() throws IOException {
        // tmpfs to this directory's file system: the kernel refuses copy_file_range between file
        // systems of different types (EXDEV), and the chunks are written from the mapped source.
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs a writable /dev/shm");
        Path source = Files.createTempFile(shm, "mcp-source", "");
        try {
            TestFiles.random(source, 5 * MIB + 7, 41);
            Path dest = dir.resolve("dest");
            Processes.Result result = McpRunner.run("-n", 1, "--method", "copy_file_range", source, dest);
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(FileUtils.contentEquals(source.toFile(), dest.toFile()), "same bytes (seed 41)");
        } finally {
            Files.delete(source);
        }
    }

    @Test
    void chunksLargerThanTheMappingWindowAreCopiedWindowByWindow() throws IOException {
        long seed = 7;
        Path source = TestFiles.random(dir.resolve("source"), 40 * MIB + 3, seed);
        Path dest = dir.resolve("dest");
        Processes.Result result = McpRunner.run("-n", 2, "--chunk-size", "32M", source, dest);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(FileUtils.contentEquals(source.toFile(), dest.toFile()), "same bytes (seed " + seed + ")");
    }

    @Test
    void replacesAnExistingDestinationAndKeepsItsMode() throws IOException {
        Path source = TestFiles.random(dir.resolve("source"), 3 * MIB, 11);
        Path dest = TestFiles.random(dir.resolve("dest"), 5 * MIB, 12);
        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rw-r-----"));
        Processes.Result result = McpRunner.run("-n", 2, source, dest);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(FileUtils.contentEquals(source.toFile(), dest.toFile()));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)), "cp keeps an existing file's mode");
    }

    @Test
    void aNewDestinationGetsTheSourceModeLessTheUmask() throws IOException {
        Path source = TestFiles.random(dir.resolve("source"), 100, 13);
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path dest = dir.resolve("dest");
        Processes.Result result = McpRunner.run(source, dest);
        assertEquals(0, result.exitCode(), result.toString());
        int umask = Posix.umask();
        assertEquals(0777 & ~umask, (int) Files.getAttribute(dest, "unix:mode") & 07777);
        assertTrue((umask & 0777) != 0777, "the umask leaves something to check");
    }

    @Test
    void copiesIntoAnExistingDirectoryUnderTheSourceName() throws IOException {
        Path source = TestFiles.random(dir.resolve("data.bin"), 2 * MIB + 1, 14);
        Path into = Files.createDirectory(dir.resolve("backup"));
        Processes.Result result = McpRunner.run("-n", 2, source, into);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(FileUtils.contentEquals(source.toFile(), into.resolve("data.bin").toFile()));
        assertEquals(List.of("data.bin"), TestFiles.names(into));
    }

    @Test
    void copiesAFileWhoseNameIsAsLongAsTheFileSystemAllows() throws IOException {
        String name = "n".repeat(255);
        Path source = TestFiles.random(dir.resolve(name), 2 * MIB + 1, 17);
        Path into = Files.createDirectory(dir.resolve("into"));
        Processes.Result result = McpRunner.run("-n", 2, source, into);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(FileUtils.contentEquals(source.toFile(), into.resolve(name).toFile()));
        assertEquals(List.of(name), TestFiles.names(into), "no temporary or control file is left");
    }

    @Test
    void writesThroughASymbolicLinkToItsTarget() throws IOException {
        Path source = TestFiles.random(dir.resolve("source"), MIB, 15);
        Path target = TestFiles.random(dir.resolve("target"), 10, 16);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
        Processes.Result result = McpRunner.run(source, link);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertTrue(FileUtils.contentEquals(source.toFile(), target.toFile()), "the link's target holds the copy");
    }

    /**
     * --verify=media syncs the copy, drops its cached pages and reads it back from the device:
     * for a dense file, a sparse one (only its data is read back) and a streamed one (procfs).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dense", "sparse", "streamed"})
    void copiesVerifiedFromTheMediaAreIdentical(String kind) throws IOException {
        long seed = 19;
        Path source;
        switch (kind) {
            case "dense":
                source = TestFiles.random(dir.resolve("source"), 20 * MIB + 5, seed);
                break;
            case "sparse":
                source = TestFiles.sparse(dir.resolve("source"), 64 * MIB + 3, seed, 0, 17 * MIB, 40 * MIB + 1, 64 * MIB + 3);
                break;
            default:
                source = Path.of("/proc/version");
                break;
        }
        Path dest = dir.resolve("dest");
        Processes.Result result = McpRunner.run("-n", 2, "--verify=media", source, dest);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "a successful copy says nothing");
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dest), "same bytes (seed " + seed + ")");
        assertEquals(kind.equals("streamed") ? List.of("dest") : List.of("dest", "source"), TestFiles.names(dir),
                "no temporary or control file is left");
    }
}
