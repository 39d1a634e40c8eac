package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import mcp.fixtures.Processes;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a copy of a tree says on stdout and stderr: cp -v's lines and a summary with {@code -v},
 * nothing with {@code -q} or by default, one JSON object with {@code --json}.
 */
class OutputTest {
    private static final long SEED = 0x007e_57edL;
    /** The phases --json times, in ms: start-up, then {@code Stats.Phase}'s. */
    private static final Set<String> PHASES = Set.of("startup", "init", "parse", "open", "plan", "setup", "spawn", "copy", "reap",
            "verify", "sync", "commit", "cleanup");

    @TempDir
    Path dir;

    private Path work;
    private Trees.Tree tree;

    @BeforeEach
    void makeTree() throws Exception {
        work = Files.createDirectories(dir.resolve("work"));
        tree = Trees.make(work.resolve("src"), Trees.Spec.of(SEED).files(300));
    }

    /** Entries of the tree that are not directories: files (each name of a hard link), links, FIFOs. */
    private int nonDirectories() {
        return tree.files().size() + tree.symbolicLinks().size() + tree.fifos().size();
    }

    /**
     * One line {@code 'src/x' -> 'dst/x'} for every entry, directories included, quoted as cp
     * quotes (odd names, a newline, a byte that is not UTF-8): the same set of lines as
     * {@code cp -rv} prints on the same input (the order is the walk's, which may differ). Then
     * one line more, the summary: {@code mcp: N files, SIZE in ...}.
     */
    @Test
    void verboseNamesEveryEntryAsCpDoesThenSumsUp() throws Exception {
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));
        Processes.Result mcp = CpAndMcp.mcp(work, "-rv", "src", "dst");
        Processes.Result cp = CpAndMcp.cp(twin, "-rv", "src", "dst");
        assertEquals(0, cp.exitCode(), cp.toString());
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.err());
        TreeAssert.assertSameTree(tree.root(), work.resolve("dst"));

        List<String> lines = new ArrayList<>(mcp.out().lines().toList());
        String summary = lines.remove(lines.size() - 1);
        assertEquals(new TreeSet<>(cp.out().lines().toList()), new TreeSet<>(lines), "cp -v's lines");
        assertEquals(cp.out().lines().count(), lines.size(), "each entry once");
        String expected = "mcp: " + nonDirectories() + " files, " + ProgressLine.size(tree.totalBytes()) + " in ";
        assertTrue(summary.startsWith(expected), "summary: '" + summary + "', expected it to begin '" + expected + "'");
        assertTrue(summary.endsWith(" 0 chunks re-copied"), summary);
    }

    @Test
    void quietSaysNothing() throws Exception {
        Processes.Result mcp = CpAndMcp.mcp(work, "-rq", "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.out());
        assertEquals("", mcp.err());
        TreeAssert.assertSameTree(tree.root(), work.resolve("dst"));
    }

    /** By default, off a terminal, as cp: nothing at all. */
    @Test
    void saysNothingByDefault() throws Exception {
        Processes.Result mcp = CpAndMcp.mcp(work, "-r", "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.out());
        assertEquals("", mcp.err());
    }

    /**
     * One line, one object: result "copied", the tree's files (each name of a hard link, each
     * link and FIFO), directories (the root too) and bytes (each file once), every phase timed,
     * no failures; nothing on stderr.
     */
    @Test
    void jsonReportsTheTreeInOneObject() throws Exception {
        Processes.Result mcp = CpAndMcp.mcp(work, "--json", "-r", "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.err());
        assertEquals(1, mcp.out().lines().count(), mcp.out());
        JsonNode report = new ObjectMapper().readTree(mcp.out());
        assertEquals("copied", report.get("result").asText(), mcp.out());
        assertEquals(nonDirectories(), report.get("files").asInt(), mcp.out());
        assertEquals(tree.directories().size() + 1, report.get("directories").asInt(), mcp.out());
        assertEquals(0, report.get("failed").asInt(), mcp.out());
        assertEquals(tree.totalBytes(), report.get("bytes").asLong(), mcp.out());
        assertEquals(0, report.get("recopied_chunks").asInt(), mcp.out());
        assertTrue(report.get("seconds").asDouble() > 0, mcp.out());
        Set<String> phases = new TreeSet<>();
        report.get("phases_ms").fieldNames().forEachRemaining(phases::add);
        assertEquals(new TreeSet<>(PHASES), phases, mcp.out());
        report.get("phases_ms").forEach(ms -> assertTrue(ms.isNumber() && ms.asDouble() >= 0, mcp.out()));
        assertTrue(report.get("failures").isArray() && report.get("failures").isEmpty(), mcp.out());
        TreeAssert.assertSameTree(tree.root(), work.resolve("dst"));
    }
}
