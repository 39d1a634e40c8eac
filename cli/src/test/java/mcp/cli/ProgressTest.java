package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mcp.fixtures.Processes;
import mcp.fixtures.Terminal;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Trees;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line of a tree's copy, as a person sees it in a terminal ({@link Terminal}, a
 * pseudo-terminal): frames drawn over each other with {@code \r}, counting the tree's entries,
 * and the row cleared at the end; nothing when stderr is not a terminal or with {@code -q}; frames
 * on a pipe too with {@code --progress}. The tree, 2000 small files and 300 MiB in three large
 * ones copied with -n 2, takes seconds: many refreshes of a quarter of a second.
 */
class ProgressTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(CpAndMcp.TIMEOUT_SECONDS);
    private static final long MIB = 1L << 20;
    private static final long SEED = 0x9a06e55L;
    /** Small files, which take the copy a while too: so that it lasts for several frames on a fast machine. */
    private static final int SMALL_FILES = 2000;
    /** {@code files N/M} of a frame. */
    private static final Pattern FILES = Pattern.compile("files (\\d+)/(\\d+)");

    @TempDir
    static Path dir;

    /** Entries of the tree the line counts: its directories, the root among them, and its files. */
    private static int entries;

    @BeforeAll
    static void makeTree() throws Exception {
        Path root = dir.resolve("src");
        Trees.Tree small = Trees.make(root, Trees.Spec.plain(SEED).files(SMALL_FILES).sizes(1024, 4096)
                .pageBoundarySizes(false).depth(1).fanOut(4));
        Trees.large(root, 3, 100 * MIB, SEED);
        entries = 1 + small.directories().size() + SMALL_FILES + 3;
    }

    /** Each test's copy goes, to keep the disk from holding one of 300 MiB per test. */
    @AfterEach
    void removeCopy() throws Exception {
        if (Files.exists(dir.resolve("dst"))) {
            PathUtils.deleteDirectory(dir.resolve("dst"));
        }
    }

    private static Terminal.Result inTerminal(String... args) throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(CpAndMcp.LOCALE);
        environment.put("COLUMNS", "200");
        return Terminal.run(TIMEOUT, dir, environment, CpAndMcp.mcpCommand(args));
    }

    /** Every {@code files N/M} shown, in order, as {N, M}. */
    private static List<long[]> fileCounts(String output) {
        List<long[]> counts = new ArrayList<>();
        Matcher matcher = FILES.matcher(output);
        while (matcher.find()) {
            counts.add(new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))});
        }
        return counts;
    }

    /** Frames that begin with {@code \r}, count the entries up to the tree's, never back, and end erased. */
    private static void assertFramesThenCleared(String output, String shown) {
        assertTrue(output.startsWith("\r"), "the first frame begins at the start of the row: " + shown);
        List<long[]> counts = fileCounts(output);
        assertFalse(counts.isEmpty(), "frames with 'files N/M': " + shown);
        long last = 0;
        for (long[] count : counts) {
            assertEquals(entries, count[1], "the tree's entries: " + shown);
            assertTrue(count[0] >= last && count[0] <= entries, "counted up to the total, never back: " + shown);
            last = count[0];
        }
        assertTrue(output.endsWith("\r\033[K"), "the row is erased at the end: " + shown);
        assertEquals(List.of(""), Terminal.screen(output), "nothing is left to read: " + shown);
    }

    @Test
    void drawsFramesInATerminalAndClearsTheRow() throws Exception {
        Terminal.Result result = inTerminal("-r", "-n", "2", "src", "dst");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.text().indexOf('\n') < 0, "no line is ended: " + result);
        assertFramesThenCleared(result.text(), result.toString());
        TreeAssert.assertSameTree(dir.resolve("src"), dir.resolve("dst"));
    }

    @Test
    void drawsNothingInATerminalWithQuiet() throws Exception {
        Terminal.Result result = inTerminal("-rq", "-n", "2", "src", "dst");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.text(), result.toString());
        TreeAssert.assertSameTree(dir.resolve("src"), dir.resolve("dst"));
    }

    /** Off a terminal, as cp, a successful copy says nothing at all, however long it takes. */
    @Test
    void drawsNothingWhenStderrIsNotATerminal() throws Exception {
        Processes.Result result = CpAndMcp.mcp(dir, "-r", "-n", "2", "src", "dst");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err());
        assertEquals("", result.out());
    }

    @Test
    void drawsFramesThroughAPipeWithProgress() throws Exception {
        Processes.Result result = CpAndMcp.mcp(dir, "--progress", "-r", "-n", "2", "src", "dst");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.out(), "the line goes to stderr");
        assertFramesThenCleared(result.err(), Terminal.visible(result.err()));
        TreeAssert.assertSameTree(dir.resolve("src"), dir.resolve("dst"));
    }
}
