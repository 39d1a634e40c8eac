package mcp.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
                return Verifier.mismatches(control, List.of(file), threads);
            }
        }

        @Override
        public void close() throws IOException {
            control.close();
        }
    }

    /** A file row: the verifier needs only the chunks and the size. */
    private static ControlFile.FileEntry entry(long size) {
        return new ControlFile.FileEntry(0, 0, 0, 0, 0, 0, size, 0, 0);
    }

    private static List<Integer> mismatches(ControlFile control, Path... copies) throws IOException {
        List<NativeFile> files = new ArrayList<>();
        try {
            for (Path copy : copies) {
                files.add(NativeFile.openForReading(copy));
            }
            return Verifier.mismatches(control, files, 2);
        } finally {
            for (NativeFile file : files) {
                file.close();
            }
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
    void eachChunkIsReadFromTheCopyOfItsOwnFile() throws IOException {
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
            assertEquals(0, control.fileFirstChunk(0));
            assertEquals(firstOfB, control.fileChunkCount(0));
            assertEquals(firstOfB, control.fileFirstChunk(1));
            assertEquals(chunks.size() - firstOfB, control.fileChunkCount(1));
            byte[][] sourceBytes = {Files.readAllBytes(sourceA), Files.readAllBytes(sourceB)};
            for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
                assertEquals(chunk, control.claimNext(1000));
                Chunk range = control.chunk(chunk);
                CRC32C crc = new CRC32C();
                crc.update(sourceBytes[range.fileIndex()], (int) range.offset(), (int) range.lengthBytes());
                control.markDone(chunk, crc.getValue());
            }
            assertEquals(List.of(), mismatches(control, targetA, targetB), "both intact (seed " + seed + ")");
            flipByte(targetB, CHUNK + 1, seed);   // the second chunk of b
            assertEquals(List.of(firstOfB + 1), mismatches(control, targetA, targetB),
                    "b's damaged chunk, by its index in the control file (seed " + seed + ")");
            assertEquals(IntStream.range(firstOfB, chunks.size()).boxed().toList(), mismatches(control, targetA, targetA),
                    "a is not b: every one of b's chunks mismatches (seed " + seed + ")");
        }
    }

    @Test
    void aBatchIsReadFileAfterFileLeavingOutTheFilesThatFailed() throws IOException {
        long seed = 59;
        long[] sizes = {1, 4097, 0, 65536 + 3};
        List<Path> copies = new ArrayList<>();
        List<ControlFile.FileEntry> entries = new ArrayList<>();
        CRC32C crc = new CRC32C();
        CRC32C crcWithoutSecond = new CRC32C();
        for (int i = 0; i < sizes.length; i++) {
            Path source = TestFiles.random(dir.resolve("s" + i), sizes[i], seed + i);
            byte[] bytes = Files.readAllBytes(source);
            crc.update(bytes);
            if (i != 1) {
                crcWithoutSecond.update(bytes);
            }
            copies.add(Files.copy(source, dir.resolve("c" + i)));
            entries.add(entry(sizes[i]));
        }
        long total = java.util.Arrays.stream(sizes).sum();
        try (ControlFile control = ControlFile.create(dir.resolve("control"), entries, List.of(Chunk.batch(0, 4, total)), 1, PAGE,
                CopyMethod.PWRITE)) {
            for (int file = 0; file < sizes.length; file++) {
                assertEquals(0, control.fileFirstChunk(file), "every file of the batch points at its row");
                assertEquals(1, control.fileChunkCount(file));
            }
            assertEquals(0, control.claimNext(1000));
            control.markDone(0, crc.getValue());
            Path[] paths = copies.toArray(Path[]::new);
            assertEquals(List.of(), mismatches(control, paths), "the batch is intact (seed " + seed + ")");
            flipByte(paths[3], 65536, seed);
            assertEquals(List.of(0), mismatches(control, paths), "a byte of its last file differs (seed " + seed + ")");
            Files.copy(dir.resolve("s3"), paths[3], java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            control.fileFailed(1, new WorkerError(WorkerError.Kind.SOURCE_READ, 5, 0, "EIO"));
            assertEquals(List.of(0), mismatches(control, paths), "the checksum still counts the file that failed");
            control.reset(0, ControlFile.DONE);
            assertEquals(0, control.claimNext(1000));
            control.markDone(0, crcWithoutSecond.getValue());
            assertEquals(List.of(), mismatches(control, paths), "the failed file is left out (seed " + seed + ")");
            assertTrue(control.isFileFailed(1));
            assertEquals(WorkerError.Kind.SOURCE_READ, control.fileError(1).kind());
            assertEquals(5, control.fileError(1).errno());
        }
    }
}
