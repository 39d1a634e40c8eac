package mcp.nativebridge;

import static mcp.nativebridge.PosixTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@code lseek} for data and holes, {@code read}, {@code write}, {@code fsync}, {@code fallocate} and {@code posix_fadvise}. */
class NativeFileIoTest {
    private static final int EBADF = 9;
    private static final int ESPIPE = 29;
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The block size of the file system {@code file} is on ({@code f_frsize}): the unit of holes. */
    private static long blockSize(Path file) throws Exception {
        return Long.parseLong(run("stat", "-f", "-c", "%S", file.toString()).trim());
    }

    private static NativeFile create(Path file) throws ErrnoException {
        return NativeFile.createExclusive(file, 0600);
    }

    // ---- seekData and seekHole ----

    @Test
    void seekDataAndSeekHoleFindTheDataAndTheHolesOfASparseFile() throws Exception {
        Path file = dir.resolve("sparse");
        byte[] first = randomBytes(1, 100);
        byte[] second = randomBytes(2, 4096);
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(8 * MIB);
            sparse.seek(MIB);
            sparse.write(first);
            sparse.seek(5 * MIB);
            sparse.write(second);
        }
        long block = blockSize(file);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertEquals(MIB, opened.seekData(0));
            assertEquals(MIB, opened.seekData(MIB));
            long firstHole = opened.seekHole(MIB);
            assertEquals(0, firstHole % block, () -> "hole at " + firstHole + ", blocks of " + block);
            assertTrue(firstHole >= MIB + 100 && firstHole <= 5 * MIB, () -> "hole at " + firstHole);
            assertEquals(5 * MIB, opened.seekData(firstHole));
            long lastHole = opened.seekHole(5 * MIB);
            assertEquals(0, lastHole % block, () -> "hole at " + lastHole + ", blocks of " + block);
            assertTrue(lastHole >= 5 * MIB + 4096 && lastHole <= 8 * MIB, () -> "hole at " + lastHole);
            assertEquals(6 * MIB, opened.seekHole(6 * MIB), "an offset in a hole is where the next hole starts");

            assertEquals(-1, opened.seekData(lastHole), "no data after the last data");
            assertEquals(-1, opened.seekData(8 * MIB - 1), "no data after the last data");
            assertEquals(-1, opened.seekData(8 * MIB), "at the end of the file");
            assertEquals(-1, opened.seekHole(8 * MIB), "at the end of the file");
            assertEquals(-1, opened.seekData(100 * MIB), "past the end of the file");
        }
    }

    @Test
    void seekDataMovesTheFilePositionSoAReadStartsThere() throws Exception {
        Path file = dir.resolve("sparse");
        byte[] data = randomBytes(3, 1000);
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(4 * MIB);
            sparse.seek(2 * MIB);
            sparse.write(data);
        }
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertEquals(2 * MIB, opened.seekData(0));
            ByteBuffer buffer = ByteBuffer.allocateDirect(data.length);
            assertEquals(data.length, opened.read(buffer));
            byte[] read = new byte[data.length];
            buffer.flip().get(read);
            assertArrayEquals(data, read);
        }
    }

    @Test
    void seekHoleOfAFileWithoutHolesIsItsEnd() throws Exception {
        Path file = Files.write(dir.resolve("dense"), randomBytes(4, 3 * 4096 + 5));
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertEquals(0, opened.seekData(0));
            assertEquals(3 * 4096 + 5, opened.seekHole(0));
            assertEquals(3 * 4096 + 5, opened.seekHole(4096 + 1));
        }
    }

    @Test
    void seekOnAFifoThrowsLseekEspipe() throws Exception {
        Path fifo = dir.resolve("fifo");
        run("mkfifo", fifo.toString());
        try (NativeFile opened = NativeFile.open(null, fifo.toString(), 0, NativeFile.Open.READ, NativeFile.Open.NON_BLOCKING)) {
            ErrnoException data = assertThrows(ErrnoException.class, () -> opened.seekData(0));
            assertEquals("lseek", data.call());
            assertEquals(ESPIPE, data.errno());
            assertEquals(fifo.toString(), data.name());
            ErrnoException hole = assertThrows(ErrnoException.class, () -> opened.seekHole(0));
            assertEquals(ESPIPE, hole.errno());
        }
    }

    // ---- read and write ----

    @Test
    void writeThenReadRoundTripsThroughDirectBuffersFromTheirPositions() throws IOException {
        byte[] content = randomBytes(5, 3 * (int) MIB + 17);
        Path file = dir.resolve("f.bin");
        ByteBuffer out = ByteBuffer.allocateDirect(content.length + 10);
        out.position(3).mark();
        out.put(content).limit(out.position()).reset();
        try (NativeFile created = create(file)) {
            created.write(out);
        }
        assertEquals(3 + content.length, out.position(), "write advances the position past what it wrote");
        assertEquals(0, out.remaining());
        assertArrayEquals(content, Files.readAllBytes(file));

        ByteBuffer in = ByteBuffer.allocateDirect(content.length + 100);
        in.position(5);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            long total = 0;
            int read;
            while ((read = opened.read(in)) > 0) {
                total += read;
            }
            assertEquals(content.length, total);
            assertEquals(5 + content.length, in.position());
            assertEquals(0, opened.read(in), "at the end of the file");
            assertEquals(5 + content.length, in.position(), "a read at the end of the file leaves the position");
        }
        byte[] back = new byte[content.length];
        in.flip().position(5);
        in.get(back);
        assertArrayEquals(content, back);
    }

    @Test
    void readOfAnEmptyFileReturnsZero() throws IOException {
        Path file = Files.write(dir.resolve("empty"), new byte[0]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(16);
            assertEquals(0, opened.read(buffer));
            assertEquals(0, buffer.position());
        }
    }

    @Test
    void readStopsAtTheBuffersLimit() throws IOException {
        Path file = Files.write(dir.resolve("f"), randomBytes(6, 1000));
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1000);
            buffer.limit(10);
            assertEquals(10, opened.read(buffer));
            assertEquals(10, buffer.position());
            byte[] rest = new byte[990];
            ByteBuffer restBuffer = ByteBuffer.allocateDirect(990);
            assertEquals(990, opened.read(restBuffer), "the next read goes on after the first 10 bytes");
            restBuffer.flip().get(rest);
            assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(file), 10, 1000), rest);
        }
    }

    @Test
    void readIntoAReadOnlyBufferThrowsAndLeavesTheMemoryBehindItAlone() throws IOException {
        Path file = Files.write(dir.resolve("f"), randomBytes(8, 64));
        ByteBuffer memory = ByteBuffer.allocateDirect(64);
        ByteBuffer readOnly = memory.asReadOnlyBuffer();
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertThrows(IllegalArgumentException.class, () -> opened.read(readOnly));
            assertEquals(0, readOnly.position());
            ByteBuffer rest = ByteBuffer.allocateDirect(64);
            assertEquals(64, opened.read(rest), "nothing was read");
        }
        byte[] bytes = new byte[64];
        memory.get(bytes);
        assertArrayEquals(new byte[64], bytes, "the read wrote through a read-only view");
    }

    @Test
    void writeFromAReadOnlyBufferWritesIt() throws IOException {
        byte[] content = randomBytes(9, 100);
        Path file = dir.resolve("f");
        ByteBuffer readOnly = ByteBuffer.allocateDirect(100).put(content).flip().asReadOnlyBuffer();
        try (NativeFile created = create(file)) {
            created.write(readOnly);
        }
        assertEquals(100, readOnly.position());
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @Test
    void writeToAFileOpenedForReadingAndReadFromOneOpenedForWritingThrowEbadf() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "0123456789");
        try (NativeFile reading = NativeFile.open(null, file.toString(), 0, NativeFile.Open.READ);
             NativeFile writing = NativeFile.open(null, file.toString(), 0, NativeFile.Open.WRITE)) {
            ErrnoException write = assertThrows(ErrnoException.class, () -> reading.write(ByteBuffer.allocateDirect(4)));
            assertEquals("write", write.call());
            assertEquals(EBADF, write.errno());
            assertEquals(file.toString(), write.name());
            ErrnoException read = assertThrows(ErrnoException.class, () -> writing.read(ByteBuffer.allocateDirect(4)));
            assertEquals("read", read.call());
            assertEquals(EBADF, read.errno());
        }
        assertEquals("0123456789", Files.readString(file));
    }

    @Test
    void positionedWriteWritesAtTheOffsetAndLeavesTheRestAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "0123456789");
        try (NativeFile writing = NativeFile.open(null, file.toString(), 0, NativeFile.Open.READ_WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(8).put("..abc".getBytes(StandardCharsets.US_ASCII)).flip().position(2);
            writing.write(buffer, 4);
            assertEquals(5, buffer.position());
        }
        assertEquals("0123abc789", Files.readString(file));
    }

    @Test
    void positionedWriteFromAMappingOfAShrunkFileThrowsEfaultInsteadOfRaisingSigbus() throws IOException {
        int page = Math.toIntExact(Posix.pageSize());
        Path source = Files.write(dir.resolve("source"), randomBytes(10, 4 * page));
        Path target = dir.resolve("target");
        try (NativeFile from = NativeFile.openForReading(source);
             Mapping mapping = from.map(0, 4L * page, Mapping.Access.READ_ONLY);
             NativeFile to = create(target)) {
            try (RandomAccessFile shrink = new RandomAccessFile(source.toFile(), "rw")) {
                shrink.setLength(page);
            }
            ByteBuffer all = mapping.buffer();
            ErrnoException e = assertThrows(ErrnoException.class, () -> to.write(all, 0));
            assertEquals("write", e.call());
            assertEquals(ErrnoException.EFAULT, e.errno());
            assertEquals(page, all.position(), "the page still in the file is written before the fault");
        }
        assertArrayEquals(Arrays.copyOf(Files.readAllBytes(source), page), Files.readAllBytes(target));
    }

    @Test
    void copyFromCopiesARangeBetweenFilesAndReturnsZeroAtTheSourcesEnd() throws IOException {
        byte[] content = randomBytes(11, (int) (3 * MIB + 100));
        Path source = Files.write(dir.resolve("source"), content);
        Path target = dir.resolve("target");
        try (NativeFile from = NativeFile.openForReading(source); NativeFile to = create(target)) {
            long copied = 0;
            while (copied < MIB) {
                copied += to.copyFrom(from, 2 * MIB + copied, 100 + copied, MIB - copied);
            }
            long tail = 0;
            for (long n; (n = to.copyFrom(from, 3 * MIB + tail, 100 + MIB + tail, MIB)) > 0; ) {
                tail += n;
            }
            assertEquals(100, tail, "only the source's last 100 bytes are copied");
            assertEquals(0, to.copyFrom(from, content.length, 0, MIB));
        }
        byte[] expected = new byte[(int) (100 + MIB + 100)];
        System.arraycopy(content, (int) (2 * MIB), expected, 100, (int) (MIB + 100));
        assertArrayEquals(expected, Files.readAllBytes(target));
    }

    @Test
    void copyFromAFileOpenedForWritingOnlyThrowsCopyFileRangeEbadf() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "0123456789");
        try (NativeFile from = NativeFile.open(null, source.toString(), 0, NativeFile.Open.WRITE);
             NativeFile to = create(dir.resolve("target"))) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> to.copyFrom(from, 0, 0, 10));
            assertEquals("copy_file_range", e.call());
            assertEquals(EBADF, e.errno());
        }
    }

    @Test
    void writebackOfAWrittenRangeIsStartedAndAwaitedAndANegativeLengthIsEinval() throws IOException {
        Path file = dir.resolve("f");
        byte[] content = randomBytes(12, (int) (2 * MIB));
        try (NativeFile written = create(file)) {
            written.write(ByteBuffer.allocateDirect(content.length).put(content).flip());
            written.startWriteback(0, MIB);
            written.awaitWriteback(0, 2 * MIB);
            ErrnoException e = assertThrows(ErrnoException.class, () -> written.awaitWriteback(0, -1));
            assertEquals("sync_file_range", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    // ---- sync ----

    @Test
    void syncSucceedsOnAWrittenFileAndFailsWithEinvalOnAFifo() throws Exception {
        Path file = dir.resolve("f");
        try (NativeFile created = create(file)) {
            created.write(ByteBuffer.allocateDirect(4096));
            created.sync();
        }
        assertEquals(4096, Files.size(file));
        Path fifo = dir.resolve("fifo");
        run("mkfifo", fifo.toString());
        try (NativeFile opened = NativeFile.open(null, fifo.toString(), 0, NativeFile.Open.READ, NativeFile.Open.NON_BLOCKING)) {
            ErrnoException e = assertThrows(ErrnoException.class, opened::sync);
            assertEquals("fsync", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
        }
    }

    // ---- reserve(offset, length) ----

    @Test
    void reserveAtAnOffsetAllocatesBlocksAndExtendsTheFileToItsEnd() throws Exception {
        Path file = dir.resolve("f");
        try (NativeFile created = create(file)) {
            assertEquals(0, created.status().blocks512());
            boolean reserved = created.reserve(MIB, MIB);
            assumeReserved(reserved, file);
            FileStatus status = created.status();
            assertEquals(2 * MIB, status.sizeBytes());
            assertTrue(status.blocks512() * 512 >= MIB, () -> status.blocks512() + " blocks of 512 bytes");
        }
        assertArrayEquals(new byte[(int) (2 * MIB)], Files.readAllBytes(file));
    }

    @Test
    void reserveInsideASparseFileFillsItsHoleWithoutChangingTheSize() throws Exception {
        Path file = dir.resolve("sparse");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(8 * MIB);
        }
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            long before = opened.status().blocks512();
            assertTrue(before * 512 < MIB, () -> "not sparse: " + before + " blocks");
            assumeReserved(opened.reserve(2 * MIB, 3 * MIB), file);
            FileStatus after = opened.status();
            assertEquals(8 * MIB, after.sizeBytes());
            assertTrue((after.blocks512() - before) * 512 >= 3 * MIB, () -> before + " blocks before, " + after.blocks512() + " after");
        }
    }

    @Test
    void reserveOfNothingIsTrueAndChangesNothing() throws IOException {
        Path file = dir.resolve("f");
        try (NativeFile created = create(file)) {
            assertTrue(created.reserve(MIB, 0));
            assertEquals(0, created.status().sizeBytes());
            assertEquals(0, created.status().blocks512());
        }
    }

    @Test
    void reserveAtANegativeOffsetThrowsFallocateEinval() throws IOException {
        Path file = dir.resolve("f");
        try (NativeFile created = create(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> created.reserve(-4096, 4096));
            assertEquals("fallocate", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
        }
        assertEquals(0, Files.size(file));
    }

    private static void assumeReserved(boolean reserved, Path file) throws IOException {
        String type = Files.getFileStore(file).type();
        if (Set.of("ext4", "tmpfs", "xfs", "btrfs").contains(type)) {
            assertTrue(reserved, "fallocate is supported on " + type);
        }
        Assumptions.assumeTrue(reserved, () -> type + " cannot reserve space");
    }

    // ---- adviseDontNeed ----

    @Test
    void adviseDontNeedDropsTheCleanCachedPagesOfTheFile() throws Exception {
        Path file = dir.resolve("cached");
        Assumptions.assumeTrue(PosixTest.onPath("fincore"), "fincore (util-linux) is not installed");
        try (NativeFile created = create(file)) {
            created.write(ByteBuffer.allocateDirect((int) (4 * MIB)));
            created.sync();
            Assumptions.assumeFalse(Files.getFileStore(file).type().equals("tmpfs"), "tmpfs pages are the file itself");
            assertTrue(cachedBytes(file) > 0, "written pages are not in the page cache");
            created.adviseDontNeed(0, 0);
        }
        assertEquals(0, cachedBytes(file));
    }

    @Test
    void adviseDontNeedWithANegativeLengthThrowsPosixFadviseEinval() throws IOException {
        Path file = Files.write(dir.resolve("f"), new byte[8192]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> opened.adviseDontNeed(0, -1));
            assertEquals("posix_fadvise", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
        }
    }

    private static long cachedBytes(Path file) throws Exception {
        return Long.parseLong(run("fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", file.toString()).trim());
    }

    @Test
    void everyCallOnAClosedFileThrowsIllegalStateException() throws IOException {
        NativeFile opened = create(dir.resolve("f"));
        opened.close();
        ByteBuffer buffer = ByteBuffer.allocateDirect(16);
        for (Executable call : new Executable[] {
                () -> opened.seekData(0), () -> opened.seekHole(0), () -> opened.read(buffer), () -> opened.write(buffer),
                () -> opened.write(buffer, 0), () -> opened.copyFrom(opened, 0, 0, 1), () -> opened.awaitWriteback(0, 1),
                () -> opened.startWriteback(0, 1),
                opened::sync, () -> opened.reserve(0, 4096), () -> opened.reserve(0, 0), () -> opened.adviseDontNeed(0, 0),
                opened::descriptor}) {
            assertThrows(IllegalStateException.class, call);
        }
    }
}
