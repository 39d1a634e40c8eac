package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.nativebridge.Posix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files past the 2 GiB and 4 GiB marks, where an offset or length kept in an {@code int} would
 * wrap. The sources are sparse, with random stamps around each mark, so they are quick to make;
 * mcp writes every byte of its copy, so the copies are not sparse and the whole of each is
 * compared with its source.
 */
class LargeFileTest {
    private static final long PAGE = Posix.pageSize();
    private static final long TWO_GIB = 1L << 31;
    private static final long FOUR_GIB = 1L << 32;
    /** Two copies of the largest file (the sparse source takes almost nothing), with room to spare. */
    private static final long SPACE_NEEDED = 10L << 30;
    /** A stamp is a page and a byte: one placed this far below a mark straddles it. */
    private static final long HALF_A_STAMP = PAGE / 2 + 1;

    @TempDir
    Path dir;

    @BeforeEach
    void needsSpace() throws IOException {
        long usable = Files.getFileStore(dir).getUsableSpace();
        assumeTrue(usable >= SPACE_NEEDED, "needs " + (SPACE_NEEDED >> 30) + " GiB free in " + dir + ", has " + (usable >> 20) + " MiB");
    }

    private void assertIdenticalCopy(Path source, Path dest, long seed) throws IOException {
        assertEquals(Files.size(source), Files.size(dest), "size of the copy (seed " + seed + ")");
        long difference = TestFiles.firstDifference(source, dest);
        assertEquals(-1, difference, "offset of the first byte that differs (seed " + seed + ")");
        assertEquals(List.of("dest", "source"), TestFiles.names(dir), "no temporary or control file is left");
    }

    @Test
    void copiesAFileLargerThanFourGibibytes() throws IOException {
        long seed = 4_294_967_296L + 3;
        long size = FOUR_GIB + 3 * PAGE + 123;
        Path source = TestFiles.sparse(dir.resolve("source"), size, seed,
                0, TWO_GIB - HALF_A_STAMP, TWO_GIB + 2 * PAGE + 5, FOUR_GIB - HALF_A_STAMP, FOUR_GIB + 7, size);
        Path dest = dir.resolve("dest");

        Processes.Result result = McpRunner.run("-n", 3, source, dest);

        assertEquals(0, result.exitCode(), result.toString());
        assertIdenticalCopy(source, dest, seed);
    }

    @Test
    void copiesAChunkThatStraddlesTheTwoGibibyteMark() throws IOException {
        long seed = 2_147_483_648L + 5;
        long size = TWO_GIB + 5 * PAGE + 7;
        // 12 MiB and a page: a multiple of the page size that divides no power of two, so some
        // chunk begins below 2^31 and ends above it; smaller than the 16 MiB window, so it is
        // mapped whole, a mapping across the mark.
        long chunkBytes = (12L << 20) + PAGE;
        long straddling = TWO_GIB / chunkBytes * chunkBytes;
        assertTrue(straddling < TWO_GIB && straddling + chunkBytes > TWO_GIB, "the chunk at " + straddling + " straddles 2^31");
        Path source = TestFiles.sparse(dir.resolve("source"), size, seed,
                0, straddling, TWO_GIB - HALF_A_STAMP, TWO_GIB + 11, straddling + chunkBytes - HALF_A_STAMP, size);
        Path dest = dir.resolve("dest");

        Processes.Result result = McpRunner.run("-n", 2, "--chunk-size", chunkBytes, source, dest);

        assertEquals(0, result.exitCode(), result.toString());
        assertIdenticalCopy(source, dest, seed);
    }
}
