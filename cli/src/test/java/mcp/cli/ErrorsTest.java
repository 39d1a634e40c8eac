package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.Unprivileged;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad operands: a cp-style message, exit status 1, the source untouched, the destination absent
 * or unchanged, and no temporary or control file left behind. These run mcp as a process in the
 * test directory, so that messages name files as the user typed them.
 */
class ErrorsTest {
    @TempDir
    Path dir;

    private byte[] sourceBytes;

    @BeforeEach
    void makeSource() throws IOException {
        TestFiles.random(dir.resolve("src"), 3 << 20, 21);
        sourceBytes = Files.readAllBytes(dir.resolve("src"));
    }

    private Processes.Result mcp(String... args) throws Exception {
        return Processes.run(Processes.javaCommand(Main.class.getName(), args), dir, 60);
    }

    private void assertFails(Processes.Result result, String message) throws IOException {
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(message + "\n", result.err(), result.toString());
        assertEquals("", result.out());
        assertArrayEquals(sourceBytes, Files.readAllBytes(dir.resolve("src")), "the source is untouched");
    }

    private void assertNothingLeftBehind(String... expectedNames) throws IOException {
        assertEquals(List.of(expectedNames), TestFiles.names(dir));
    }

    @Test
    void missingSource() throws Exception {
        assertFails(mcp("nope", "dst"), "mcp: cannot stat 'nope': No such file or directory");
        assertNothingLeftBehind("src");
    }

    @Test
    void sourceIsADirectory() throws Exception {
        Files.createDirectory(dir.resolve("folder"));
        assertFails(mcp("folder", "dst"), "mcp: -r not specified; omitting directory 'folder'");
        assertNothingLeftBehind("folder", "src");
    }

    @Test
    void sourceAndDestinationAreTheSamePath() throws Exception {
        assertFails(mcp("src", "./src"), "mcp: 'src' and './src' are the same file");
        assertNothingLeftBehind("src");
    }

    @Test
    void destinationIsAHardLinkToTheSource() throws Exception {
        Files.createLink(dir.resolve("hard"), dir.resolve("src"));
        assertFails(mcp("src", "hard"), "mcp: 'src' and 'hard' are the same file");
        assertNothingLeftBehind("hard", "src");
    }

    @Test
    void destinationIsASymbolicLinkToTheSource() throws Exception {
        Files.createSymbolicLink(dir.resolve("soft"), Path.of("src"));
        assertFails(mcp("src", "soft"), "mcp: 'src' and 'soft' are the same file");
        assertNothingLeftBehind("soft", "src");
    }

    @Test
    void sourceCopiedOntoItselfThroughADirectory() throws Exception {
        assertFails(mcp("src", "."), "mcp: 'src' and './src' are the same file");
        assertNothingLeftBehind("src");
    }

    @Test
    void destinationDirectoryIsMissing() throws Exception {
        assertFails(mcp("src", "nodir/dst"), "mcp: cannot create regular file 'nodir/dst': No such file or directory");
        assertNothingLeftBehind("src");
    }

    @Test
    void destinationWithATrailingSlashIsNotADirectory() throws Exception {
        assertFails(mcp("src", "dst/"), "mcp: cannot create regular file 'dst/': Not a directory");
        assertNothingLeftBehind("src");
    }

    @Test
    void destinationIsADirectoryInTheTargetDirectory() throws Exception {
        Files.createDirectories(dir.resolve("into/src"));
        assertFails(mcp("src", "into"), "mcp: cannot overwrite directory 'into/src' with non-directory");
        assertEquals(List.of(), TestFiles.names(dir.resolve("into/src")));
    }

    @Test
    void danglingSymbolicLinkAsDestination() throws Exception {
        Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));
        assertFails(mcp("src", "dangling"), "mcp: not writing through dangling symlink 'dangling'");
        assertNothingLeftBehind("dangling", "src");
    }

    /** A directory that user nobody may use, holding a world-readable copy of the source. */
    private Path unprivilegedWork() throws IOException {
        Path work = Files.createDirectory(dir.resolve("work"));
        Unprivileged.openUp(work);
        Files.copy(dir.resolve("src"), work.resolve("src"));
        Files.setPosixFilePermissions(work.resolve("src"), PosixFilePermissions.fromString("rw-r--r--"));
        return work;
    }

    /** Runs mcp in {@code work} as user nobody (when the tests run as root) and checks it failed with {@code message}. */
    private void assertFailsUnprivileged(Path work, String message, String... args) throws Exception {
        Processes.Result result = Processes.run(Unprivileged.javaCommand(dir.resolve("java"), Main.class.getName(), args), work, 60);
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(message + "\n", result.err());
    }

    @Test
    void unreadableSource() throws Exception {
        Path work = unprivilegedWork();
        Files.setPosixFilePermissions(work.resolve("src"), PosixFilePermissions.fromString("-w-------"));
        assertFailsUnprivileged(work, "mcp: cannot open 'src' for reading: Permission denied", "src", "dst");
        assertEquals(List.of("src"), TestFiles.names(work));
    }

    @Test
    void destinationDirectoryIsNotWritable() throws Exception {
        Path work = unprivilegedWork();
        Path readOnly = Files.createDirectory(work.resolve("ro"));
        Files.write(readOnly.resolve("dst"), new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        assertFailsUnprivileged(work, "mcp: cannot create regular file 'ro/dst': Permission denied", "src", "ro/dst");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(readOnly.resolve("dst")), "the destination is unchanged");
        assertEquals(List.of("dst"), TestFiles.names(readOnly));
    }

    @Test
    void existingDestinationIsNotWritable() throws Exception {
        Path work = unprivilegedWork();
        Files.write(work.resolve("dst"), new byte[] {4, 5, 6});
        Files.setPosixFilePermissions(work.resolve("dst"), PosixFilePermissions.fromString("r--r--r--"));
        assertFailsUnprivileged(work, "mcp: cannot create regular file 'dst': Permission denied", "src", "dst");
        assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(work.resolve("dst")), "like cp, a read-only file is not replaced");
        assertEquals(List.of("dst", "src"), TestFiles.names(work));
    }

    @Test
    void aFailedCopyLeavesAnExistingDestinationUnchanged() throws Exception {
        Files.write(dir.resolve("dst"), new byte[] {9, 9});
        Files.createDirectory(dir.resolve("folder"));
        assertFails(mcp("folder", "dst"), "mcp: -r not specified; omitting directory 'folder'");
        assertArrayEquals(new byte[] {9, 9}, Files.readAllBytes(dir.resolve("dst")));
        assertFalse(Files.exists(dir.resolve("folder/dst")));
    }
}
