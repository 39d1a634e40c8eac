package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import mcp.copy.ControlFile;
import mcp.copy.WorkerError;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The source is truncated while workers copy it, by each copy method: the workers meet the lost
 * part (a mapping faults with SIGBUS, pwrite fails with EFAULT, copy_file_range comes up short),
 * or the final check sees the new size; either way the copy fails with cp-style words
 * that blame the source, DEST is left as it was, and nothing is left behind: no scratch file
 * beside DEST, and no JVM crash report ({@code hs_err_pid*.log}) in the coordinator's current
 * directory (which its workers inherit) nor in DEST's.
 */
class ShrinkingSourceTest extends LongCopyTest {
    @ParameterizedTest(name = "DEST exists: {0}, --method={1}")
    @CsvSource({"false, mmap", "true, pwrite", "false, copy_file_range"})
    void aSourceTruncatedDuringTheCopyFailsItAndLeavesNothingBehind(boolean destExists, String method) throws Exception {
        Path shrinking = Files.copy(source, dir.resolve("source"));
        Path cwd = Files.createDirectory(dir.resolve("cwd"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Path dest = out.resolve("dest");
        byte[] before = destExists ? Files.readAllBytes(TestFiles.random(dest, 1 << 20, SEED + 2)) : null;
        mcp = CoordinatorProcess.startIn(cwd, shrinking, dest, "-n", 2, "--chunk-size", "1M", "--method", method);

        mcp.awaitBusyWorker();
        ControlFile control = mcp.control();
        int done = CoordinatorProcess.countInState(control, ControlFile.DONE);
        long newSize = Files.size(shrinking) / 4;
        try (FileChannel channel = FileChannel.open(shrinking, StandardOpenOption.WRITE)) {
            channel.truncate(newSize);
        }
        Processes.Result result = mcp.finish();

        assertTrue(done < control.chunkCount() / 2, "the source was truncated early in the copy: " + done + " of "
                + control.chunkCount() + " chunks were done");
        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(workerSawTheSourceShrink(control), "a copier met the lost part of the source and said so in the file's row");
        assertEquals("mcp: '" + shrinking + "' changed while it was being copied; '" + dest + "' was left as it was\n",
                result.err(), result.toString());
        if (destExists) {
            assertArrayEquals(before, Files.readAllBytes(dest), "DEST keeps its bytes (seed " + (SEED + 2) + ")");
            assertEquals(List.of("dest"), TestFiles.names(out), "no temporary or control file is left");
        } else {
            assertFalse(Files.exists(dest), "no destination is created");
            assertEquals(List.of(), TestFiles.names(out), "no temporary or control file is left");
        }
        assertEquals(List.of(), TestFiles.names(cwd), "no crash report or core file in the coordinator's directory");
        assertTrue(TestFiles.names(dir).stream().noneMatch(name -> name.startsWith("hs_err_pid")), "no crash report in " + dir);
        mcp.awaitNoWorkers("the copy has failed");
    }

    /** A copier failed the file for it and recorded why in the file's row (the copy has one file, row 0). */
    private static boolean workerSawTheSourceShrink(ControlFile control) {
        return control.isFileFailed(0) && control.fileError(0).kind() == WorkerError.Kind.SOURCE_CHANGED;
    }
}
