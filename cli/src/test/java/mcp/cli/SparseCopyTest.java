package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparse sources: only their data is copied, so the copy is as sparse as the source, reads the
 * same byte for byte (holes read as zeros) and has the same size, holes at either end included.
 * Blocks are counted with {@code stat -c %b} (512-byte units), as {@code du} counts them.
 */
class SparseCopyTest {
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    /** What a copy may hold beyond its source's blocks: a few file-system blocks of rounding. */
    private static final long MARGIN_BLOCKS = 64;

    @TempDir
    Path dir;

    /** A file of {@code size} bytes that holds {@code length} random bytes at {@code offset} and holes elsewhere. */
    private static Path holes(Path path, long size, long offset, int length, long seed) throws IOException {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(size);
            file.seek(offset);
            file.write(data);
        }
        return path;
    }

    /** Allocated 512-byte blocks of {@code path}, as {@code stat -c %b} gives them. */
    private long blocks(Path path) throws Exception {
        Processes.Result stat = Processes.run(List.of("stat", "-c", "%b", path.toString()), dir, 30);
        assertEquals(0, stat.exitCode(), stat.toString());
        return Long.parseLong(stat.out().trim());
    }

    /** Skips the test where the file system of the test directory does not keep holes. */
    private void requireSparse(Path source, long dataBytes) throws Exception {
        long blocks = blocks(source);
        Skip.unless(blocks * 512 <= dataBytes + 64 * KIB, "the file system of " + dir + " does not keep holes: "
                + source.getFileName() + " holds " + dataBytes + " bytes of data in " + blocks + " blocks");
    }

    private static byte[] read(Path path, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            file.seek(offset);
            file.readFully(bytes);
        }
        return bytes;
    }

    @Test
    void aSixtyFourMibFileWithFourKibOfDataIsCopiedAsSparseAsItIs() throws Exception {
        long seed = 64;
        Path source = holes(dir.resolve("source"), 64 * MIB, 32 * MIB, (int) (4 * KIB), seed);
        requireSparse(source, 4 * KIB);
        Path dest = dir.resolve("dest");

        Processes.Result result = McpRunner.run("-n", 2, source, dest);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(-1, TestFiles.firstDifference(source, dest), "offset of the first byte that differs (seed " + seed + ")");
        assertEquals(64 * MIB, Files.size(dest));
        long sourceBlocks = blocks(source);
        long destBlocks = blocks(dest);
        System.out.println("64 MiB with 4 KiB of data: source " + sourceBlocks + " blocks, copy " + destBlocks + " blocks");
        assertTrue(destBlocks <= sourceBlocks + MARGIN_BLOCKS, "the copy takes " + destBlocks + " blocks, the source " + sourceBlocks);
        assertEquals(List.of("dest", "source"), TestFiles.names(dir), "no temporary or control file is left");
    }

    /** Holes at both ends, and a size that is not a whole number of pages: the copy's size comes from the source, not from its data. */
    @Test
    void aFileThatStartsAndEndsWithHolesKeepsItsExactSize() throws Exception {
        long seed = 65;
        long size = 10 * MIB + 123;
        Path source = holes(dir.resolve("source"), size, 4 * MIB + 1000, 5000, seed);
        requireSparse(source, 5000);
        Path dest = dir.resolve("dest");

        Processes.Result result = McpRunner.run("-n", 3, "--chunk-size", "4K", source, dest);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(size, Files.size(dest), "the copy ends where the source ends, in a hole");
        assertEquals(-1, TestFiles.firstDifference(source, dest), "offset of the first byte that differs (seed " + seed + ")");
        assertTrue(blocks(dest) <= blocks(source) + MARGIN_BLOCKS, "the copy is sparse too");
        assertEquals(List.of("dest", "source"), TestFiles.names(dir), "no temporary or control file is left");
    }

    /** A file all hole: nothing to copy but its size. */
    @Test
    void aFileThatIsAllHoleIsCopiedAsItsSize() throws Exception {
        Path source = dir.resolve("source");
        try (RandomAccessFile file = new RandomAccessFile(source.toFile(), "rw")) {
            file.setLength(5 * MIB + 7);
        }
        requireSparse(source, 0);
        Path dest = dir.resolve("dest");

        Processes.Result result = McpRunner.run("-n", 2, source, dest);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(5 * MIB + 7, Files.size(dest));
        assertEquals(-1, TestFiles.firstDifference(source, dest), "the copy reads as zeros throughout");
        assertTrue(blocks(dest) <= MARGIN_BLOCKS, "the copy holds no data: " + blocks(dest) + " blocks");
        assertEquals(List.of("dest", "source"), TestFiles.names(dir), "no temporary or control file is left");
    }

    /**
     * 100 GiB holding 1 MiB of random data in the middle: mcp copies the data only. Reading the
     * whole copy back would take minutes, so only the data, the pages around it, the file's ends
     * and its size are compared; the block count shows that nothing else was written.
     */
    @Test
    void aHundredGibFileWithOneMibOfDataCopiesItsDataOnly() throws Exception {
        long seed = 100;
        long size = 100 * GIB;
        long offset = 50 * GIB + 3 * MIB;
        int length = (int) MIB;
        Path source = holes(dir.resolve("source"), size, offset, length, seed);
        requireSparse(source, length);
        Path dest = dir.resolve("dest");

        long started = System.nanoTime();
        Processes.Result result = Processes.run(Processes.javaCommand(Main.class.getName(), "-n", "2", "source", "dest"), dir, 300);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("100 GiB sparse file with 1 MiB of data: mcp -n 2 took " + millis + " ms (wall time of the process)");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err());
        assertEquals(size, Files.size(dest), "size of the copy");
        assertArrayEquals(read(source, offset, length), read(dest, offset, length), "the data (seed " + seed + ")");
        byte[] zeros = new byte[(int) (64 * KIB)];
        for (long at : new long[] {0, offset - zeros.length, offset + length, size - zeros.length}) {
            assertArrayEquals(zeros, read(dest, at, zeros.length), "the copy reads as zeros at " + at);
        }
        long sourceBlocks = blocks(source);
        long destBlocks = blocks(dest);
        System.out.println("100 GiB sparse file: source " + sourceBlocks + " blocks, copy " + destBlocks + " blocks");
        assertTrue(Math.abs(destBlocks - sourceBlocks) <= MARGIN_BLOCKS,
                "the copy takes " + destBlocks + " blocks, the source " + sourceBlocks);
        assertEquals(List.of("dest", "source"), TestFiles.names(dir), "no temporary or control file is left");
    }
}
