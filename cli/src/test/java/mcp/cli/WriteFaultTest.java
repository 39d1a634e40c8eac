package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A destination that runs out of space. On a tmpfs, which can reserve space, the reservation
 * fails before anything is copied. On ext2, which cannot reserve, the workers' writes fail (a
 * store to a mapping faults or fails as it is synced, pwrite and copy_file_range fail); the copy must then fail with cp's words for a full disk,
 * blaming the destination and not the source, without a stack trace, and leave nothing on the
 * full file system. Both need root and loop or tmpfs mounts, and are skipped without them.
 */
class WriteFaultTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;
    private Mounts mounts;

    @BeforeEach
    void mounts() {
        mounts = new Mounts(dir);
    }

    @AfterEach
    void unmount() throws Exception {
        mounts.close();
    }

    private Processes.Result mcp(String... args) throws Exception {
        return Processes.run(Processes.javaCommand(Main.class.getName(), args), dir, 120);
    }

    /** No stack trace, no Java exception name, no words about reading. */
    private static void assertPlainMessage(Processes.Result result) {
        assertFalse(result.err().contains("\tat ") || result.err().contains("Exception") || result.err().contains("Error:"),
                "no stack trace:\n" + result);
        assertFalse(result.err().contains("'src'") || result.err().contains("reading"), "the source is not blamed:\n" + result);
    }

    @ParameterizedTest(name = "--method={0}")
    @ValueSource(strings = {"mmap", "pwrite", "copy_file_range"})
    void aCopyLargerThanTheFreeSpaceOfExt2FailsWithNoSpaceLeftOnDevice(String method) throws Exception {
        Path ext2 = mounts.ext2("ext2", 16 * MIB, 4096);
        long free = Files.getFileStore(ext2).getUsableSpace();
        long size = 32 * MIB;
        assertTrue(size > 2 * free, "the source (" + size + " bytes) is far larger than the free space (" + free + " bytes)");
        TestFiles.random(dir.resolve("src"), size, 7_000_007);
        List<String> before = TestFiles.names(ext2);

        Processes.Result result = mcp("-n", "2", "--method", method, "src", "ext2/dst");

        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("mcp: error writing 'ext2/dst': No space left on device"), result.toString());
        assertEquals(1, result.err().lines().count(), "one line:\n" + result);
        assertPlainMessage(result);
        assertEquals(before, TestFiles.names(ext2), "no destination, temporary or control file is left");
        assertTrue(Files.getFileStore(ext2).getUsableSpace() >= free, "the space taken by the failed copy is given back");
    }

    /**
     * tmpfs can reserve (fallocate): a copy that does not fit fails at the reservation, before any
     * worker starts, with the reservation's message (a worker's ends with "was left as it was").
     */
    @Test
    void aCopyLargerThanASmallTmpfsFailsBeforeCopying() throws Exception {
        Path tmpfs = mounts.tmpfs("tmpfs", "8m");
        TestFiles.random(dir.resolve("src"), 16 * MIB, 7_000_008);

        Processes.Result result = mcp("-n", "2", "src", "tmpfs/dst");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("mcp: error writing 'tmpfs/dst': No space left on device\n", result.err(), result.toString());
        assertPlainMessage(result);
        assertEquals(List.of(), TestFiles.names(tmpfs), "no destination, temporary or control file is left");
    }

    /**
     * Room for the copy and not a page more: the reservation of the copy succeeds and takes the
     * last free page, so the control file, made next, has none. On tmpfs (as on ext4, which
     * allocates when a page is first written) writing the control file's mapping then faults;
     * that must be reported as the full disk it is, not crash the coordinator.
     */
    @Test
    void roomForTheCopyButNotForTheControlFileFailsWithNoSpaceLeftOnDevice() throws Exception {
        Path tmpfs = mounts.tmpfs("tmpfs", "20m");
        Files.write(tmpfs.resolve("filler"), new byte[(int) (4 * MIB)]);
        assertEquals(16 * MIB, Files.getFileStore(tmpfs).getUsableSpace(), "free space left on the tmpfs");
        TestFiles.random(dir.resolve("src"), 16 * MIB, 7_000_009);

        Processes.Result result = mcp("-n", "2", "src", "tmpfs/dst");

        assertEquals(1, result.exitCode(), result.toString());
        assertPlainMessage(result);
        assertEquals("mcp: error writing 'tmpfs/dst': No space left on device\n", result.err(), result.toString());
        assertEquals(List.of("filler"), TestFiles.names(tmpfs), "no destination, temporary or control file is left");
    }
}
