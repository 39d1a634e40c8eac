package mcp.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import mcp.fixtures.TestFiles;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verifier against a real control file whose chunks were claimed and marked done with the
 * CRC32C of the source's bytes, as workers leave it: it must name exactly the chunks whose bytes
 * in the destination differ from the source, and no others.
 */
class VerifierTest {
    private static final long PAGE = Posix.pageSize();
    /** Larger than the verifier's 1 MiB read buffer, and not a multiple of it. */
    private static final long CHUNK = (1L << 20) + 2 * PAGE;
    private static final int FULL_CHUNKS = 4;
    /** Four full chunks and a short fifth one of a page and a bit. */
    private static final long SIZE = FULL_CHUNKS * CHUNK + PAGE + 123;
    private static final int LAST_CHUNK = FULL_CHUNKS;

    @TempDir
    Path dir;

    /** The source, its chunks done with their true checksums, and a destination to verify. */
    private final class Copy implements AutoCloseable {
        final long seed;
        final Path source;
        final Path target;
        final byte[] sourceBytes;
        final ControlFile control;

        Copy(long seed) throws IOException {
            this.seed = seed;
            source = TestFiles.random(dir.resolve("source"), SIZE, seed);
            target = dir.resolve("target");
            sourceBytes = Files.readAllBytes(source);
            Files.write(target, sourceBytes);
            List<Chunk> chunks = ChunkPlan.split(0, SIZE, CHUNK, PAGE);
            control = ControlFile.create(dir.resolve("control"), List.of(entry(SIZE)), chunks, 2, PAGE, CopyMethod.MMAP);
            markAllDone(control, sourceBytes);
        }

        List<Integer> mismatches(int threads) throws IOException {
            try (NativeFile file = NativeFile.openForReading(target)) {
                return Verifier.mismatches(control, 0, file, threads);
            }
        }

        @Override
        public void close() throws IOException {
            control.close();
        }
    }

    /** A file row: the verifier needs only the chunks and the size. */
    private static ControlFile.FileEntry entry(long size) {
        return new ControlFile.FileEntry(0, 0, 0, 0, 0, 0, size);
    }

    private static List<Integer> mismatches(ControlFile control, int fileIndex, Path target) throws IOException {
        try (NativeFile file = NativeFile.openForReading(target)) {
            return Verifier.mismatches(control, fileIndex, file, 2);
        }
    }

    /** Claims every chunk as two workers would and marks it done with the checksum of its source bytes. */
    private static void markAllDone(ControlFile control, byte[] sourceBytes) {
        for (int i = 0; i < control.chunkCount(); i++) {
            int chunk = control.claimNext(1000 + i % 2);
            Chunk range = control.chunk(chunk);
            CRC32C crc = new CRC32C();
            crc.update(sourceBytes, (int) range.offset(), (int) range.lengthBytes());
            control.markDone(chunk, crc.getValue());
        }
    }

    private static void flipByte(Path file, long offset, long seed) throws IOException {
        int mask = 1 + new SplittableRandom(seed ^ offset).nextInt(255);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int original = raf.read();
            raf.seek(offset);
            raf.write(original ^ mask);
        }
    }

    @ParameterizedTest(name = "{0} verifying threads")
    @ValueSource(ints = {1, 3, 16})
    void anIdenticalDestinationHasNoMismatches(int threads) throws IOException {
        try (Copy copy = new Copy(101 + threads)) {
            assertEquals(LAST_CHUNK + 1, copy.control.chunkCount(), "the plan this test relies on");
            assertEquals(List.of(), copy.mismatches(threads), "seed " + copy.seed);
        }
    }

    static Stream<Arguments> flippedBytes() {
        return Stream.of(
                Arguments.of("the first byte", 0L, 0),
                Arguments.of("the last byte before a chunk boundary", 2 * CHUNK - 1, 1),
                Arguments.of("the first byte after a chunk boundary", 2 * CHUNK, 2),
                Arguments.of("a byte past the verifier's 1 MiB read buffer", 3 * CHUNK + (1L << 20), 3),
                Arguments.of("the first byte of the short last chunk", FULL_CHUNKS * CHUNK, LAST_CHUNK),
                Arguments.of("the very last byte, in the short last chunk", SIZE - 1, LAST_CHUNK));
    }

    @ParameterizedTest(name = "{0} (offset {1}) is found in chunk {2}")
    @MethodSource("flippedBytes")
    void oneFlippedByteMismatchesExactlyItsChunk(String where, long offset, int expectedChunk) throws IOException {
        try (Copy copy = new Copy(offset * 7 + 3)) {
            flipByte(copy.target, offset, copy.seed);
            assertEquals(List.of(expectedChunk), copy.mismatches(3), where + ", seed " + copy.seed);
        }
    }

    @Test
    void everyChunkWithAFlippedByteIsReported() throws IOException {
        try (Copy copy = new Copy(77)) {
            flipByte(copy.target, CHUNK + 17, copy.seed);
            flipByte(copy.target, 3 * CHUNK + PAGE, copy.seed);
            flipByte(copy.target, SIZE - 2, copy.seed);
            assertEquals(List.of(1, 3, LAST_CHUNK), copy.mismatches(2), "seed " + copy.seed);
        }
    }

    @Test
    void aDestinationOnePageShortMismatchesTheLastChunk() throws IOException {
        try (Copy copy = new Copy(55)) {
            try (RandomAccessFile raf = new RandomAccessFile(copy.target.toFile(), "rw")) {
                raf.setLength(SIZE - PAGE);
            }
            assertEquals(List.of(LAST_CHUNK), copy.mismatches(3), "seed " + copy.seed);
        }
    }

    @Test
    void chunksWhollyBeyondTheEndOfAShortDestinationMismatch() throws IOException {
        try (Copy copy = new Copy(56)) {
            try (RandomAccessFile raf = new RandomAccessFile(copy.target.toFile(), "rw")) {
                raf.setLength(3 * CHUNK + 5);   // ends 5 bytes into chunk 3; chunk 4 lies wholly beyond
            }
            assertEquals(List.of(3, LAST_CHUNK), copy.mismatches(3), "seed " + copy.seed);
        }
    }

    @Test
    void aTruncatedDestinationMismatchesFromWhereItEndsAndDoesNotFault() throws IOException {
        try (Copy copy = new Copy(57)) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(copy.target,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(CHUNK + 1);
            }
            List<Integer> expected = IntStream.range(1, copy.control.chunkCount()).boxed().toList();
            assertEquals(expected, copy.mismatches(2), "every chunk past the first lost bytes");
        }
    }

    @Test
    void onlyTheChunksOfTheGivenFileAreVerified() throws IOException {
        long seed = 58;
        long sizeA = 2 * CHUNK + 10;
        long sizeB = 3 * CHUNK;
        Path sourceA = TestFiles.random(dir.resolve("a"), sizeA, seed);
        Path sourceB = TestFiles.random(dir.resolve("b"), sizeB, seed + 1);
        Path targetA = Files.copy(sourceA, dir.resolve("a.copy"));
        Path targetB = Files.copy(sourceB, dir.resolve("b.copy"));
        List<Chunk> chunks = new ArrayList<>(ChunkPlan.split(0, sizeA, CHUNK, PAGE));
        int firstOfB = chunks.size();
        chunks.addAll(ChunkPlan.split(1, sizeB, CHUNK, PAGE));
        List<ControlFile.FileEntry> files = List.of(
                entry(sizeA), entry(sizeB));
        try (ControlFile control = ControlFile.create(dir.resolve("control"), files, chunks, 2, PAGE, CopyMethod.MMAP)) {
            byte[][] sourceBytes = {Files.readAllBytes(sourceA), Files.readAllBytes(sourceB)};
            for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
                assertEquals(chunk, control.claimNext(1000));
                Chunk range = control.chunk(chunk);
                CRC32C crc = new CRC32C();
                crc.update(sourceBytes[range.fileIndex()], (int) range.offset(), (int) range.lengthBytes());
                control.markDone(chunk, crc.getValue());
            }
            flipByte(targetB, CHUNK + 1, seed);   // the second chunk of b

            assertEquals(List.of(), mismatches(control, 0, targetA), "a is intact (seed " + seed + ")");
            assertEquals(List.of(firstOfB + 1), mismatches(control, 1, targetB),
                    "b's damaged chunk, by its index in the control file (seed " + seed + ")");
            assertEquals(IntStream.range(firstOfB, chunks.size()).boxed().toList(), mismatches(control, 1, targetA),
                    "a is not b: every one of b's chunks mismatches (seed " + seed + ")");
        }
    }
}
