package mcp.nativebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets beyond 4 GiB must reach mmap whole (off_t is 64 bits); the file is sparse, so this is quick. */
class LargeFileMappingTest {
    private static final long GIB = 1L << 30;
    private static final long FOUR_GIB = 4 * GIB;
    private static final long LENGTH = 5 * GIB + 123;
    private static final int PAGE = Math.toIntExact(Posix.pageSize());
    private static final byte[] MIDDLE = "past four gibibytes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "end".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void createSparseFile() throws IOException {
        file = dir.resolve("large.bin");
        try (NativeFile created = NativeFile.createExclusive(file, 0600)) {
            created.truncate(LENGTH);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(MIDDLE), FOUR_GIB + PAGE);
            channel.write(ByteBuffer.wrap(TAIL), LENGTH - TAIL.length);
        }
        assertEquals(LENGTH, Files.size(file));
    }

    @Test
    void windowAtAnOffsetBeyondIntRangeReadsTheBytesWrittenThere() throws IOException {
        assertTrue(FOUR_GIB > Integer.MAX_VALUE && FOUR_GIB > 0xFFFF_FFFFL);
        try (NativeFile opened = NativeFile.openForReading(file);
                Mapping mapping = opened.map(FOUR_GIB, 2L * PAGE, Mapping.Access.READ_ONLY)) {
            assertEquals(FOUR_GIB, mapping.fileOffset());
            byte[] read = new byte[MIDDLE.length];
            mapping.buffer().duplicate().position(PAGE).get(read);
            assertArrayEquals(MIDDLE, read);
            assertEquals(0, mapping.buffer().get(PAGE - 1), "the hole before the bytes reads as zero");
            assertEquals(0, mapping.buffer().get(0));
        }
    }

    @Test
    void lastPartialPageMapsAndReadsTheFilesLastBytes() throws IOException {
        long lastPage = (LENGTH - 1) / PAGE * PAGE;
        int tailLength = Math.toIntExact(LENGTH - lastPage);
        try (NativeFile opened = NativeFile.openForReading(file);
                Mapping mapping = opened.map(lastPage, tailLength, Mapping.Access.READ_ONLY)) {
            assertEquals(tailLength, mapping.buffer().capacity());
            byte[] read = new byte[TAIL.length];
            mapping.buffer().duplicate().position(tailLength - TAIL.length).get(read);
            assertArrayEquals(TAIL, read);
        }
    }

    @Test
    void writesThroughAWindowBeyondFourGibibytesLandAtThatOffset() throws IOException {
        long offset = FOUR_GIB + 16L * PAGE;
        byte[] written = "written through the mapping".getBytes(StandardCharsets.US_ASCII);
        try (NativeFile opened = NativeFile.openForWriting(file);
                Mapping mapping = opened.map(offset, PAGE, Mapping.Access.READ_WRITE)) {
            mapping.buffer().duplicate().put(written);
            mapping.sync();
        }
        ByteBuffer read = ByteBuffer.allocate(written.length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (read.hasRemaining() && channel.read(read, offset + read.position()) >= 0) {
                // read until full
            }
        }
        assertArrayEquals(written, read.array());
        ByteBuffer low = ByteBuffer.allocate(written.length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(low, offset - FOUR_GIB);
        }
        assertArrayEquals(new byte[written.length], low.array(), "the write wrapped around 4 GiB");
    }
}
