package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Trees;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mcp -r}: a copy of a tree is the tree, wherever cp would put it, with nothing of mcp's
 * own left in it; what cp refuses, mcp refuses in cp's words. mcp runs as a process in the test's
 * directory, and GNU cp runs on a twin of the same input, so that both name files alike.
 */
class TreeCopyTest {
    private static final long SEED = 0x7ee_c0de;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private Path work() throws IOException {
        return Files.createDirectories(dir.resolve("work"));
    }

    /**
     * Every kind of entry (nested and empty directories, odd names, a name that is not UTF-8,
     * symbolic links of every kind, hard-link groups, a FIFO) arrives as it is. Compared with
     * {@code cp -r --preserve=links} on the same input, the modes are cp's too: mcp keeps a tree's
     * hard links with {@code -r} alone, where plain {@code cp -r} would copy each name apart.
     */
    @Test
    void copiesEveryKindOfEntryAsItIs() throws Exception {
        Path work = work();
        Trees.Tree tree = Trees.make(work.resolve("src"), Trees.Spec.of(SEED));
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));

        Processes.Result mcp = CpAndMcp.mcp(work, "-r", "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp + "\n" + tree);
        assertEquals("", mcp.out(), "a copy without -v says nothing");
        assertEquals("", mcp.err(), "a copy without -v says nothing");
        TreeAssert.assertSameTree(tree.root(), work.resolve("dst"));
        assertEquals(List.of(), CpAndMcp.scratchLeft(work.resolve("dst")), "no temporary or control file is left");
        assertEquals(List.of("dst", "src"), TestFiles.names(work));

        Processes.Result cp = CpAndMcp.cp(twin, "-r", "--preserve=links", "src", "dst");
        assertEquals(0, cp.exitCode(), cp.toString());
        TreeAssert.assertSameTree(twin.resolve("dst"), work.resolve("dst"), TreeAssert.Check.MODE);
    }

    /** Where the copy of a tree goes, for each way of naming source and destination, by cp's rules. */
    static Stream<Arguments> namings() {
        return Stream.of(
                Arguments.of("a new name", false, List.of("-r", "src", "dst")),
                Arguments.of("into an existing directory", true, List.of("-r", "src", "dst")),
                Arguments.of("a source with a trailing slash, new name", false, List.of("-r", "src/", "dst")),
                Arguments.of("a source with a trailing slash, into a directory", true, List.of("-r", "src/", "dst")),
                Arguments.of("a destination with a trailing slash, new name", false, List.of("-r", "src", "dst/")),
                Arguments.of("a destination with a trailing slash, into a directory", true, List.of("-r", "src", "dst/")),
                Arguments.of("-t, into a directory", true, List.of("-r", "-t", "dst", "src")),
                Arguments.of("-T, merged into an existing directory", true, List.of("-r", "-T", "src", "dst")),
                Arguments.of("a source given as src/.", true, List.of("-r", "src/.", "dst")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namings")
    void putsTheCopyWhereCpPutsIt(String naming, boolean destinationExists, List<String> args) throws Exception {
        Path work = work();
        Trees.Tree tree = Trees.make(work.resolve("src"), Trees.Spec.plain(SEED).files(30).symbolicLinks(true).emptyDirectories(1));
        if (destinationExists) {
            Files.createDirectory(work.resolve("dst"));
            TestFiles.random(work.resolve("dst/kept"), 1000, SEED + 1);
        }
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));

        Processes.Result mcp = CpAndMcp.mcp(work, args.toArray(String[]::new));
        Processes.Result cp = CpAndMcp.cp(twin, args.toArray(String[]::new));
        assertEquals(0, cp.exitCode(), cp.toString());
        assertEquals(0, mcp.exitCode(), mcp + "\n" + tree);
        assertEquals("", mcp.err());
        // Both directories as wholes: the source untouched, the copy in the same place, nothing else made.
        TreeAssert.assertSameTree(twin, work);
        assertEquals(List.of(), CpAndMcp.scratchLeft(work));
    }

    /**
     * Thousands of small files in rounds of 16 (mcp.roundFiles), grouped into batches, and two
     * large files, one of them over the 64 MiB from which a round is copied by worker JVMs: the
     * whole tree, over 100 MiB, arrives with -n 3.
     */
    @Test
    void copiesThousandsOfFilesInRoundsAndLargeOnesWithWorkers() throws Exception {
        Path work = work();
        Path source = work.resolve("src");
        Trees.Tree tree = Trees.make(source, Trees.Spec.plain(SEED).files(2000).sizes(1024, 64 << 10).pageBoundarySizes(false)
                .depth(2).fanOut(4));
        long large = 70 * MIB + 4097;
        long medium = 5 * MIB + 1;
        // Last in the walk (names are taken in order), so that the last round is the one with workers:
        // the report's worker count is the last round's (see reportsTheWorkersOfEveryRound).
        TestFiles.random(source.resolve("zz-large"), large, SEED + 2);
        TestFiles.random(source.resolve("d2/d0/medium"), medium, SEED + 3);
        long totalBytes = tree.totalBytes() + large + medium;

        Processes.Result mcp = CpAndMcp.mcp(Map.of("mcp.roundFiles", "16"), work, "-r", "-n", "3", "--json", "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp + "\n" + tree);
        assertEquals("", mcp.err());
        TreeAssert.assertSameTree(source, work.resolve("dst"));
        assertEquals(List.of(), CpAndMcp.scratchLeft(work.resolve("dst")), "no temporary or control file is left");

        JsonNode report = new ObjectMapper().readTree(mcp.out());
        assertEquals("copied", report.get("result").asText(), mcp.out());
        assertEquals(tree.files().size() + 2, report.get("files").asInt(), mcp.out());
        assertEquals(totalBytes, report.get("bytes").asLong(), mcp.out());
        assertTrue(report.get("workers").asInt() >= 2, "the large file's round is copied by worker JVMs: " + mcp.out());
    }

    /**
     * The report names the worker JVMs that copied, whichever round they copied: here the large
     * file's round comes first and the rounds of small files after it are copied in-process.
     */
    @Test
    void reportsTheWorkersOfEveryRound() throws Exception {
        Path work = work();
        Path source = work.resolve("src");
        Trees.make(source, Trees.Spec.plain(SEED).files(40).sizes(1024, 4096).pageBoundarySizes(false).depth(0));
        TestFiles.random(source.resolve("a-large"), 70 * MIB + 1, SEED + 11);
        Processes.Result mcp = CpAndMcp.mcp(Map.of("mcp.roundFiles", "16"), work, "-r", "-n", "3", "--json", "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        TreeAssert.assertSameTree(source, work.resolve("dst"));
        JsonNode report = new ObjectMapper().readTree(mcp.out());
        assertTrue(report.get("workers").asInt() >= 2, "the large file's round is copied by worker JVMs: " + mcp.out());
    }

    /**
     * cp's words for a directory copied into itself; cp copies the directory into itself once
     * before it says so, and mcp refuses before it makes anything, so only the words and the
     * status are compared with cp, and mcp must have left the source as it was.
     */
    @Test
    void refusesToCopyADirectoryIntoItself() throws Exception {
        Path work = work();
        Trees.Tree tree = Trees.make(work.resolve("a"), Trees.Spec.plain(SEED).files(5));
        Path before = CpAndMcp.twin(tree.root(), dir.resolve("a-before"));
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));

        Processes.Result mcp = CpAndMcp.mcp(work, "-r", "a", "a/b");
        Processes.Result cp = CpAndMcp.cp(twin, "-r", "a", "a/b");
        assertEquals("cp: cannot copy a directory, 'a', into itself, 'a/b'\n", cp.err(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals(CpAndMcp.asMcp(cp.err()), mcp.err());
        TreeAssert.assertSameTree(before, work.resolve("a"));

        Processes.Result mcpDot = CpAndMcp.mcp(work.resolve("a"), "-r", ".", "d");
        Processes.Result cpDot = CpAndMcp.cp(twin.resolve("a"), "-r", ".", "d");
        assertEquals("cp: cannot copy a directory, '.', into itself, 'd'\n", cpDot.err(), cpDot.toString());
        assertEquals(1, mcpDot.exitCode(), mcpDot.toString());
        assertEquals(CpAndMcp.asMcp(cpDot.err()), mcpDot.err());
        TreeAssert.assertSameTree(before, work.resolve("a"));
    }

    /** Without -r a directory is left out with cp's message, the files beside it are still copied, and the status is 1. */
    @Test
    void omitsADirectoryWithoutRecursiveAndCopiesTheRest() throws Exception {
        Path work = work();
        Trees.make(work.resolve("a"), Trees.Spec.plain(SEED).files(3));
        TestFiles.random(work.resolve("f1"), 3 * MIB + 1, SEED + 4);
        TestFiles.random(work.resolve("f2"), 100, SEED + 5);
        Files.createDirectory(work.resolve("d"));
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));

        Processes.Result mcp = CpAndMcp.mcp(work, "f1", "a", "f2", "d");
        Processes.Result cp = CpAndMcp.cp(twin, "f1", "a", "f2", "d");
        assertEquals("cp: -r not specified; omitting directory 'a'\n", cp.err(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals(CpAndMcp.asMcp(cp.err()), mcp.err());
        assertEquals(List.of("f1", "f2"), TestFiles.names(work.resolve("d")));
        assertTrue(FileUtils.contentEquals(work.resolve("f1").toFile(), work.resolve("d/f1").toFile()));
        TreeAssert.assertSameTree(twin, work);
    }

    /**
     * A directory where a file is, and a file where a directory is: cp's messages, the other
     * entries copied, exit status 1, and what was in the way left as it was.
     */
    @Test
    void refusesToReplaceAFileWithADirectoryOrADirectoryWithAFile() throws Exception {
        Path work = work();
        Files.createDirectories(work.resolve("a/sub"));
        TestFiles.random(work.resolve("a/sub/inner"), 10, SEED + 6);
        TestFiles.random(work.resolve("a/file"), 20, SEED + 7);
        TestFiles.random(work.resolve("a/other"), 30, SEED + 8);
        TestFiles.random(work.resolve("f"), 40, SEED + 9);
        Files.createDirectories(work.resolve("dst/a/file"));
        TestFiles.random(work.resolve("dst/a/sub"), 50, SEED + 10);
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));

        Processes.Result mcp = CpAndMcp.mcp(work, "-r", "a", "f");
        Processes.Result cp = CpAndMcp.cp(twin, "-r", "a", "f");
        assertEquals("cp: cannot overwrite non-directory 'f' with directory 'a'\n", cp.err(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals(CpAndMcp.asMcp(cp.err()), mcp.err());

        mcp = CpAndMcp.mcp(work, "-r", "a", "dst");
        cp = CpAndMcp.cp(twin, "-r", "a", "dst");
        assertEquals(1, cp.exitCode(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals(sortedLines("cp: cannot overwrite directory 'dst/a/file' with non-directory\n"
                + "cp: cannot overwrite non-directory 'dst/a/sub' with directory 'a/sub'\n"), sortedLines(cp.err()), cp.toString());
        // cp's words. The order may differ: mcp walks names sorted.
        assertEquals(sortedLines("mcp: cannot overwrite directory 'dst/a/file' with non-directory\n"
                + "mcp: cannot overwrite non-directory 'dst/a/sub' with directory 'a/sub'\n"), sortedLines(mcp.err()));
        TreeAssert.assertSameTree(twin, work);
        assertFalse(Files.exists(work.resolve("dst/a/sub/inner")));
    }

    private static List<String> sortedLines(String text) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        lines.sort(null);
        return lines;
    }
}
