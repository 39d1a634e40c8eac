package mcp.copy;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a file into page-aligned chunks. There are several chunks per worker, so that fast
 * workers take more of them and a lost worker costs little; every chunk but the last is a whole
 * number of pages, and together they cover the file without gap or overlap.
 */
public final class ChunkPlan {
    /** Chunks per worker aimed at when the chunk size is chosen automatically. */
    static final int CHUNKS_PER_WORKER = 4;
    /** Smaller chunks would cost more in claims and mappings than they gain in balance. */
    public static final long MIN_AUTO_CHUNK_BYTES = 1L << 20;
    /** Larger chunks would make the last one to finish hold everyone up. */
    public static final long MAX_AUTO_CHUNK_BYTES = 64L << 20;
    /** Bounds the control file (64 bytes a chunk) whatever chunk size is asked for. */
    public static final int MAX_CHUNKS = 1 << 22;

    private ChunkPlan() {
    }

    /** The chunk size for a file of {@code sizeBytes} copied by {@code processes} workers. */
    public static long autoChunkBytes(long sizeBytes, int processes, long pageSize) {
        long perChunk = ceilDiv(sizeBytes, (long) processes * CHUNKS_PER_WORKER);
        long clamped = Math.max(MIN_AUTO_CHUNK_BYTES, Math.min(MAX_AUTO_CHUNK_BYTES, perChunk));
        long atLeastEnough = Math.max(clamped, ceilDiv(sizeBytes, MAX_CHUNKS));
        return roundUp(atLeastEnough, pageSize);
    }

    /**
     * The chunks of file {@code fileIndex}, {@code chunkBytes} each but the last.
     *
     * @param chunkBytes a positive multiple of {@code pageSize}
     */
    public static List<Chunk> split(int fileIndex, long sizeBytes, long chunkBytes, long pageSize) {
        return split(fileIndex, sizeBytes == 0 ? List.of() : List.of(new long[] {0, sizeBytes}), chunkBytes, pageSize);
    }

    /**
     * The chunks of the data ranges {@code extents} ({@code [start, end)} pairs, starts
     * page-aligned) of file {@code fileIndex}: {@code chunkBytes} each but the last of each range.
     */
    public static List<Chunk> split(int fileIndex, List<long[]> extents, long chunkBytes, long pageSize) {
        if (chunkBytes <= 0 || chunkBytes % pageSize != 0) {
            throw new IllegalArgumentException("chunk size " + chunkBytes + " is not a positive multiple of the page size " + pageSize);
        }
        long count = 0;
        for (long[] extent : extents) {
            count += ceilDiv(extent[1] - extent[0], chunkBytes);
        }
        if (count > MAX_CHUNKS) {
            throw new IllegalArgumentException("chunk size " + chunkBytes + " would make " + count + " chunks, more than " + MAX_CHUNKS);
        }
        List<Chunk> chunks = new ArrayList<>((int) count);
        for (long[] extent : extents) {
            for (long offset = extent[0]; offset < extent[1]; offset += chunkBytes) {
                chunks.add(new Chunk(fileIndex, offset, Math.min(chunkBytes, extent[1] - offset)));
            }
        }
        return chunks;
    }

    static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }

    static long roundUp(long value, long multiple) {
        return ceilDiv(value, multiple) * multiple;
    }
}
