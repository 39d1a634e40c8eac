package mcp.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkPlanTest {
    private static final long PAGE = 4096;

    @ParameterizedTest(name = "{0} bytes in chunks of {1}")
    @CsvSource({
        "0, 4096", "1, 4096", "4095, 4096", "4096, 4096", "4097, 4096", "12289, 8192",
        "1048576, 1048576", "1048577, 1048576", "2147483648, 67108864", "2147487743, 67108864",
        "4294967296, 67108864", "4294971393, 67108864", "5000000000123, 1073741824"})
    void chunksCoverTheFileExactlyWithPageAlignedOffsets(long size, long chunkBytes) {
        List<Chunk> chunks = ChunkPlan.split(0, size, chunkBytes, PAGE);
        long expected = 0;
        for (Chunk chunk : chunks) {
            assertEquals(expected, chunk.offset(), "no gap and no overlap before " + chunk);
            assertEquals(0, chunk.offset() % PAGE, "page-aligned: " + chunk);
            assertTrue(chunk.lengthBytes() > 0 && chunk.lengthBytes() <= chunkBytes, "length of " + chunk);
            expected = chunk.end();
        }
        assertEquals(size, expected, "the chunks end where the file ends");
        assertEquals((size + chunkBytes - 1) / chunkBytes, chunks.size());
    }

    @Test
    void offsetsBeyondFourGibibytesAreExact() {
        long size = (5L << 30) + 123;
        List<Chunk> chunks = ChunkPlan.split(0, size, 1L << 30, PAGE);
        assertEquals(6, chunks.size());
        assertEquals(4L << 30, chunks.get(4).offset());
        assertEquals(5L << 30, chunks.get(5).offset());
        assertEquals(123, chunks.get(5).lengthBytes());
    }

    @ParameterizedTest(name = "{0} bytes, {1} processes")
    @CsvSource({"1, 1", "4095, 5", "1048576, 5", "1073741824, 1", "1073741824, 2", "1073741824, 5",
                "1099511627776, 5", "10, 1024"})
    void autoChunkSizeIsPageAlignedBoundedAndGivesSeveralChunksPerWorker(long size, int processes) {
        long chunkBytes = ChunkPlan.autoChunkBytes(size, processes, PAGE);
        assertEquals(0, chunkBytes % PAGE);
        assertTrue(chunkBytes >= ChunkPlan.MIN_AUTO_CHUNK_BYTES, "at least the minimum: " + chunkBytes);
        long chunks = (size + chunkBytes - 1) / chunkBytes;
        assertTrue(chunks <= ChunkPlan.MAX_CHUNKS, chunks + " chunks");
        if (chunkBytes < ChunkPlan.MAX_AUTO_CHUNK_BYTES && chunkBytes > ChunkPlan.MIN_AUTO_CHUNK_BYTES) {
            assertTrue(chunks >= processes * (long) ChunkPlan.CHUNKS_PER_WORKER - 1, chunks + " chunks for " + processes);
        }
        ChunkPlan.split(0, size, chunkBytes, PAGE);
    }

    @Test
    void aOneGibibyteFileForFiveWorkersGetsMoreChunksThanWorkers() {
        long chunkBytes = ChunkPlan.autoChunkBytes(1L << 30, 5, PAGE);
        assertTrue(ChunkPlan.split(0, 1L << 30, chunkBytes, PAGE).size() >= 5 * ChunkPlan.CHUNKS_PER_WORKER);
    }

    @Test
    void rejectsChunkSizesThatAreNotWholePages() {
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.split(0, 100_000, 5000, PAGE));
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.split(0, 100_000, 0, PAGE));
    }

    @Test
    void rejectsPlansWithTooManyChunks() {
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.split(0, PAGE * (ChunkPlan.MAX_CHUNKS + 1L), PAGE, PAGE));
    }

    /** Data ranges ({@code SEEK_DATA} extents, page-aligned starts): chunks cover them and nothing of the holes between. */
    @Test
    void chunksOfExtentsCoverTheDataOnly() {
        List<long[]> extents = List.of(new long[] {0, 3 * PAGE}, new long[] {10 * PAGE, 10 * PAGE + 100},
                new long[] {1L << 32, (1L << 32) + 5 * PAGE + 7});
        List<Chunk> chunks = ChunkPlan.split(2, extents, 2 * PAGE, PAGE);
        List<String> expected = List.of("0+8192", "8192+4096", "40960+100", "4294967296+8192", "4294975488+8192",
                "4294983680+4103");
        assertEquals(expected, chunks.stream().map(chunk -> chunk.offset() + "+" + chunk.lengthBytes()).toList());
        assertTrue(chunks.stream().allMatch(chunk -> chunk.fileIndex() == 2), "every chunk is of file 2");
    }

    @Test
    void noExtentsMakeNoChunks() {
        assertEquals(List.of(), ChunkPlan.split(0, List.of(), PAGE, PAGE));
    }

    /**
     * The limit counts the chunks of all extents together: two ranges of data that would each be
     * within it are refused together, before a single chunk is made (the coordinator plans before
     * it reserves any space for the copy).
     */
    @Test
    void theChunkLimitCountsTheChunksOfAllExtents() {
        long half = ChunkPlan.MAX_CHUNKS / 2 * PAGE;
        List<long[]> extents = List.of(new long[] {0, half}, new long[] {half + PAGE, 2 * half + 2 * PAGE});
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ChunkPlan.split(0, extents, PAGE, PAGE));
        assertEquals("chunk size 4096 would make " + (ChunkPlan.MAX_CHUNKS + 1) + " chunks, more than " + ChunkPlan.MAX_CHUNKS,
                refused.getMessage());
        assertEquals(ChunkPlan.MAX_CHUNKS / 2 + 1, ChunkPlan.split(0, extents, 2 * PAGE, PAGE).size(), "twice the chunk size halves the count");
    }

    @Test
    void exactlyTheChunkLimitIsAccepted() {
        long half = ChunkPlan.MAX_CHUNKS / 2 * PAGE;
        List<long[]> extents = List.of(new long[] {0, half}, new long[] {half + PAGE, 2 * half + PAGE});
        assertEquals(ChunkPlan.MAX_CHUNKS, ChunkPlan.split(0, extents, PAGE, PAGE).size());
    }
}
