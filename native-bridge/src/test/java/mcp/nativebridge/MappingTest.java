package mcp.nativebridge;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingTest {
    private static final long SEED = 0x6d63_7021L;
    private static final int PAGE = Math.toIntExact(Posix.pageSize());

    @TempDir
    Path dir;

    private static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    // ---- reading ----

    @Test
    void readOnlyMappingAtAPageAlignedOffsetSeesTheFilesBytesThere() throws IOException {
        byte[] content = randomBytes(SEED, 3 * PAGE + 100);
        Path file = Files.write(dir.resolve("source.bin"), content);
        int length = 2 * PAGE + 100;
        try (NativeFile opened = NativeFile.openForReading(file);
                Mapping mapping = opened.map(PAGE, length, Mapping.Access.READ_ONLY)) {
            assertEquals(PAGE, mapping.fileOffset());
            assertEquals(length, mapping.lengthBytes());
            ByteBuffer buffer = mapping.buffer();
            assertTrue(buffer.isDirect());
            assertEquals(0, buffer.position());
            assertEquals(length, buffer.capacity());
            assertEquals(length, buffer.limit());
            assertArrayEquals(Arrays.copyOfRange(content, PAGE, PAGE + length), read(buffer),
                    "random bytes from seed " + SEED);
            assertEquals(content[PAGE + 7], buffer.get(7), "random bytes from seed " + SEED);
        }
    }

    @Test
    void mappingToStringNamesPathOffsetAndLength() throws IOException {
        Path file = Files.write(dir.resolve("source.bin"), new byte[2 * PAGE]);
        try (NativeFile opened = NativeFile.openForReading(file);
                Mapping mapping = opened.map(PAGE, PAGE, Mapping.Access.READ_ONLY)) {
            String text = mapping.toString();
            assertTrue(text.contains(file.toString()) && text.contains("offset=" + PAGE)
                    && text.contains("length=" + PAGE), text);
        }
    }

    @Test
    void mappingStaysUsableAfterItsFileIsClosed() throws IOException {
        byte[] content = randomBytes(SEED, PAGE);
        Path file = Files.write(dir.resolve("source.bin"), content);
        Mapping mapping;
        try (NativeFile opened = NativeFile.openForReading(file)) {
            mapping = opened.map(0, PAGE, Mapping.Access.READ_ONLY);
        }
        try (mapping) {
            assertArrayEquals(content, read(mapping.buffer()), "random bytes from seed " + SEED);
        }
    }

    @Test
    void adviceOnAMappingSucceeds() throws IOException {
        Path file = Files.write(dir.resolve("source.bin"), randomBytes(SEED, 4 * PAGE));
        try (NativeFile opened = NativeFile.openForReading(file);
                Mapping mapping = opened.map(0, 4 * PAGE, Mapping.Access.READ_ONLY)) {
            assertDoesNotThrow(mapping::adviseSequential);
            assertDoesNotThrow(mapping::adviseWillNeed);
            assertArrayEquals(Files.readAllBytes(file), read(mapping.buffer()));
        }
    }

    // ---- writing ----

    @Test
    void readWriteMappingWritesReachTheFileAfterSync() throws IOException {
        Path file = dir.resolve("target.bin");
        int length = 2 * PAGE + 5;
        byte[] content = randomBytes(SEED, length);
        try (NativeFile created = NativeFile.createExclusive(file, 0600)) {
            created.truncate(length);
        }
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            Mapping mapping = opened.map(0, length, Mapping.Access.READ_WRITE);
            mapping.buffer().duplicate().put(content);
            mapping.sync();
            mapping.close();
        }
        assertArrayEquals(content, Files.readAllBytes(file), "random bytes from seed " + SEED);
    }

    @Test
    void readWriteMappingAtAnOffsetLeavesTheRestOfTheFileAlone() throws IOException {
        byte[] before = randomBytes(SEED, 3 * PAGE);
        Path file = Files.write(dir.resolve("target.bin"), before);
        byte[] patch = randomBytes(SEED + 1, PAGE);
        try (NativeFile opened = NativeFile.openForWriting(file);
                Mapping mapping = opened.map(PAGE, PAGE, Mapping.Access.READ_WRITE)) {
            mapping.buffer().duplicate().put(patch);
            mapping.sync();
        }
        byte[] expected = before.clone();
        System.arraycopy(patch, 0, expected, PAGE, PAGE);
        assertArrayEquals(expected, Files.readAllBytes(file), "random bytes from seeds " + SEED + " and " + (SEED + 1));
    }

    @Test
    void writesThroughOneSharedMappingAreSeenByAnIndependentMappingBeforeSync() throws IOException {
        Path file = Files.write(dir.resolve("shared.bin"), new byte[2 * PAGE]);
        byte[] content = randomBytes(SEED, 2 * PAGE);
        try (NativeFile writer = NativeFile.openForWriting(file);
                NativeFile reader = NativeFile.openForReading(file);
                Mapping writing = writer.map(0, 2 * PAGE, Mapping.Access.READ_WRITE);
                Mapping reading = reader.map(PAGE, PAGE, Mapping.Access.READ_ONLY)) {
            assertArrayEquals(new byte[PAGE], read(reading.buffer()));
            writing.buffer().duplicate().put(content);
            assertArrayEquals(Arrays.copyOfRange(content, PAGE, 2 * PAGE), read(reading.buffer()),
                    "random bytes from seed " + SEED);
            assertArrayEquals(content, Files.readAllBytes(file), "the page cache is shared too; seed " + SEED);
        }
    }

    @Test
    void readWriteMappingOfAFileOpenedForReadingFailsWithMmapEacces() throws IOException {
        Path file = Files.write(dir.resolve("ro.bin"), new byte[PAGE]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> opened.map(0, PAGE, Mapping.Access.READ_WRITE));
            assertAll(
                    () -> assertEquals("mmap", e.call()),
                    () -> assertEquals(ErrnoException.EACCES, e.errno()),
                    () -> assertEquals(13, e.errno()),
                    () -> assertEquals("Permission denied", e.reason()),
                    () -> assertEquals(file.toString(), e.name()));
            try (Mapping readOnly = opened.map(0, PAGE, Mapping.Access.READ_ONLY)) {
                assertEquals(PAGE, readOnly.buffer().capacity());
            }
        }
    }

    // ---- arguments rejected before any native call ----

    @Test
    void mapRejectsAnOffsetThatIsNotAMultipleOfThePageSize() throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[2 * PAGE]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            for (long offset : new long[] {1, PAGE / 2, PAGE + 1, 2L * PAGE - 1, -PAGE, Long.MIN_VALUE}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> opened.map(offset, PAGE, Mapping.Access.READ_ONLY), "offset " + offset);
                assertTrue(e.getMessage().contains(Long.toString(offset)), e.getMessage());
            }
        }
    }

    @Test
    void mapRejectsALengthOfZeroOrLessOrBeyondIntRange() throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[2 * PAGE]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            for (long length : new long[] {0, -1, Integer.MAX_VALUE + 1L, Long.MAX_VALUE}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> opened.map(0, length, Mapping.Access.READ_ONLY), "length " + length);
                assertTrue(e.getMessage().contains(Long.toString(length)), e.getMessage());
            }
        }
    }

    @Test
    void mapChecksItsArgumentsBeforeTouchingTheDescriptor() throws IOException {
        // On a closed file a native call would fail with IllegalStateException; bad arguments come first.
        Path file = Files.write(dir.resolve("f.bin"), new byte[2 * PAGE]);
        NativeFile opened = NativeFile.openForReading(file);
        opened.close();
        assertThrows(IllegalArgumentException.class, () -> opened.map(1, PAGE, Mapping.Access.READ_ONLY));
        assertThrows(IllegalArgumentException.class, () -> opened.map(0, 0, Mapping.Access.READ_ONLY));
    }

    // ---- close ----

    @Test
    void bufferAndCallsAfterCloseThrowIllegalStateException() throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[PAGE]);
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            Mapping mapping = opened.map(0, PAGE, Mapping.Access.READ_WRITE);
            mapping.close();
            assertAll(
                    () -> assertThrows(IllegalStateException.class, mapping::buffer),
                    () -> assertThrows(IllegalStateException.class, mapping::sync),
                    () -> assertThrows(IllegalStateException.class, mapping::adviseSequential),
                    () -> assertThrows(IllegalStateException.class, mapping::adviseWillNeed));
            IllegalStateException e = assertThrows(IllegalStateException.class, mapping::buffer);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertEquals(0, mapping.fileOffset());
            assertEquals(PAGE, mapping.lengthBytes());
        }
    }

    @Test
    void closeTwiceIsHarmless() throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[PAGE]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            Mapping mapping = opened.map(0, PAGE, Mapping.Access.READ_ONLY);
            mapping.close();
            assertDoesNotThrow(mapping::close);
        }
    }
}
