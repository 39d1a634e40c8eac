package mcp.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mcp.fixtures.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFileTest {
    private static final long PAGE = 4096;

    @TempDir
    Path dir;

    private static List<ControlFile.FileEntry> oneFile(long size) {
        return List.of(new ControlFile.FileEntry(3, 0x8_0000_0001L, 1234567, 7, 0x8_0000_0002L, Long.MAX_VALUE, size, 0, 0));
    }

    @Test
    void anOpenerSeesWhatTheCreatorWrote() throws IOException {
        long size = (5L << 30) + 17;
        List<Chunk> chunks = ChunkPlan.split(0, size, 1L << 30, PAGE);
        Path path = dir.resolve("control");
        try (ControlFile created = ControlFile.create(path, oneFile(size), chunks, 3, PAGE, CopyMethod.COPY_FILE_RANGE);
             ControlFile opened = ControlFile.open(path, 1000)) {
            assertEquals(3, opened.workerCount());
            assertEquals(CopyMethod.COPY_FILE_RANGE, opened.method());
            assertEquals(1, opened.fileCount());
            assertEquals(6, opened.chunkCount());
            assertEquals(PAGE, opened.pageSize());
            assertEquals(size, opened.fileSize(0));
            assertEquals(oneFile(size).get(0), opened.file(0));
            for (int i = 0; i < chunks.size(); i++) {
                assertEquals(chunks.get(i), opened.chunk(i));
                assertEquals(ControlFile.PENDING, opened.chunkState(i));
            }
            assertTrue(opened.isRunning());
            created.requestStop();
            assertFalse(opened.isRunning(), "a stop request is seen through the other mapping");
        }
        assertEquals(ControlFile.lengthBytes(3, 1, 6), Files.size(path));
    }

    @Test
    void chunksMoveFromPendingToClaimedToDoneAndBack() throws IOException {
        try (ControlFile control = ControlFile.create(dir.resolve("control"), oneFile(3 * PAGE), ChunkPlan.split(0, 3 * PAGE, PAGE, PAGE), 1, PAGE, CopyMethod.MMAP)) {
            assertEquals(0, control.claimNext(42));
            assertEquals(1, control.claimNext(42));
            assertEquals(2, control.claimNext(43));
            assertEquals(-1, control.claimNext(42), "nothing left to claim");
            assertEquals(42, control.chunkOwner(1));
            control.markDone(1, 0xCAFEL);
            assertEquals(ControlFile.DONE, control.chunkState(1));
            assertEquals(0xCAFEL, control.chunkCrc(1));
            assertThrows(IllegalStateException.class, () -> control.markDone(1, 1), "done twice");
            control.reset(1, ControlFile.DONE);
            assertEquals(1, control.claimNext(44), "a chunk handed back is claimed again");
            assertEquals(2, control.chunkAttempts(1));
        }
    }

    @Test
    void claimsAreExclusiveWhenSeveralProcessesRace() throws Exception {
        int racers = 4;
        int chunkCount = 20_000;
        Path path = dir.resolve("control");
        try (ControlFile control = ControlFile.create(path, oneFile(chunkCount * PAGE), ChunkPlan.split(0, chunkCount * PAGE, PAGE, PAGE), racers, PAGE, CopyMethod.MMAP)) {
            List<Process> processes = new ArrayList<>();
            for (int slot = 0; slot < racers; slot++) {
                processes.add(new ProcessBuilder(Processes.javaCommand(ClaimRacer.class.getName(), path.toString(), Integer.toString(slot))).start());
            }
            Map<Integer, Long> claimedBy = new HashMap<>();
            Map<Long, Integer> claimsPerRacer = new HashMap<>();
            for (Process process : processes) {
                Processes.Result result = Processes.finish(List.of("ClaimRacer"), process, 60);
                assertEquals(0, result.exitCode(), result.toString());
                String[] fields = result.out().trim().split(" ");
                long pid = Long.parseLong(fields[0]);
                claimsPerRacer.put(pid, fields.length - 1);
                for (int i = 1; i < fields.length; i++) {
                    Long previous = claimedBy.put(Integer.parseInt(fields[i]), pid);
                    assertEquals(null, previous, "chunk " + fields[i] + " claimed by both " + previous + " and " + pid);
                }
            }
            assertEquals(chunkCount, claimedBy.size(), "every chunk claimed");
            assertTrue(claimsPerRacer.values().stream().filter(n -> n > 0).count() >= 2, "the racers overlapped: " + claimsPerRacer);
            for (int chunk = 0; chunk < chunkCount; chunk++) {
                assertEquals(ControlFile.DONE, control.chunkState(chunk));
                assertEquals((long) claimedBy.get(chunk), control.chunkOwner(chunk));
                assertEquals((long) claimedBy.get(chunk), control.chunkCrc(chunk));
                assertEquals(1, control.chunkAttempts(chunk));
            }
        }
    }

    @Test
    void slotTimesAddUpOverEveryWorkerOfTheSlotAndReachTheOtherMapping() throws IOException {
        Path path = dir.resolve("control");
        try (ControlFile created = ControlFile.create(path, oneFile(PAGE), ChunkPlan.split(0, PAGE, PAGE, PAGE), 2, PAGE,
                CopyMethod.MMAP);
             ControlFile opened = ControlFile.open(path, 1000)) {
            long before = System.nanoTime();
            created.slotStarted(1, 42);
            assertEquals(42, opened.slotPid(1));
            assertTrue(opened.slotStartedNanos(1) >= before && opened.slotStartedNanos(1) <= System.nanoTime());
            assertEquals(opened.slotStartedNanos(1), opened.heartbeatNanos(1), "starting is the first heartbeat");
            created.addChunkNanos(1, 5, 7);
            created.clearSlot(1);
            created.slotStarted(1, 43);
            created.addChunkNanos(1, 10, 20);
            assertEquals(15, opened.slotCopyNanos(1));
            assertEquals(27, opened.slotSyncNanos(1));
            assertEquals(0, opened.slotCopyNanos(0), "slots keep their own times");
        }
    }

    @Test
    void openingAFileThatWasNeverPublishedFailsAfterTheTimeout() throws IOException {
        Path path = dir.resolve("control");
        Files.write(path, new byte[ControlFile.HEADER_LENGTH]);
        IOException e = assertThrows(IOException.class, () -> ControlFile.open(path, 50));
        assertTrue(e.getMessage().contains("created but not initialised"), e.getMessage());
    }

    @Test
    void openingAnotherLayoutVersionNamesBothVersions() throws IOException {
        Path path = dir.resolve("control");
        ControlFile.create(path, oneFile(PAGE), ChunkPlan.split(0, PAGE, PAGE, PAGE), 1, PAGE, CopyMethod.MMAP).close();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, ControlFile.LAYOUT_VERSION + 1),
                    ControlFile.VERSION_OFFSET);
        }
        IOException e = assertThrows(IOException.class, () -> ControlFile.open(path, 1000));
        assertTrue(e.getMessage().contains("app=" + ControlFile.LAYOUT_VERSION + " file=" + (ControlFile.LAYOUT_VERSION + 1)), e.getMessage());
    }
}
