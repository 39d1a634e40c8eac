package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several sources into a directory, {@code -t} and {@code -T}, each run by mcp and by cp on twins
 * of the same input: the same result, and cp's messages where cp fails.
 */
class SeveralSourcesTest {
    private static final long SEED = 0x5e7e_4a1L;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private Path work;
    private int runs;

    /** work: files a (over 64 MiB, copied by workers), b and c, a tree t, and an empty directory d. */
    @BeforeEach
    void makeSources() throws Exception {
        work = Files.createDirectories(dir.resolve("work"));
        TestFiles.random(work.resolve("a"), 65 * MIB + 1, SEED);
        TestFiles.random(work.resolve("b"), 4097, SEED + 1);
        TestFiles.random(work.resolve("c"), 3, SEED + 2);
        Trees.make(work.resolve("t"), Trees.Spec.plain(SEED).files(10).symbolicLinks(true));
        Files.createDirectory(work.resolve("d"));
    }

    /** mcp and cp both succeed, silently, and leave the same files. */
    private void assertCopiesAsCp(String... args) throws Exception {
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));
        Processes.Result mcp = CpAndMcp.mcp(work, args);
        Processes.Result cp = CpAndMcp.cp(twin, args);
        assertEquals(0, cp.exitCode(), cp.toString());
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.err());
        assertEquals("", mcp.out());
        TreeAssert.assertSameTree(twin, work);
        assertEquals(List.of(), CpAndMcp.scratchLeft(work));
    }

    /** mcp fails with exit status 1 and {@code message}, and makes nothing: {@code work} is as it was. */
    private void assertFails(String message, String... args) throws Exception {
        Path before = CpAndMcp.twin(work, dir.resolve("before-" + ++runs));
        Processes.Result mcp = CpAndMcp.mcp(work, args);
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals(message + "\n", mcp.err());
        assertEquals("", mcp.out());
        TreeAssert.assertSameTree(before, work);
    }

    @ParameterizedTest
    @ValueSource(strings = {"d", "d/"})
    void copiesEachSourceIntoTheDirectory(String directory) throws Exception {
        assertCopiesAsCp("a", "b", directory);
        assertEquals(List.of("a", "b"), TestFiles.names(work.resolve("d")));
    }

    @Test
    void copiesFilesAndTreesTogether() throws Exception {
        assertCopiesAsCp("-r", "a", "t", "b", "d");
        assertEquals(List.of("a", "b", "t"), TestFiles.names(work.resolve("d")));
    }

    @Test
    void copiesIntoTheTargetDirectoryOfDashT() throws Exception {
        assertCopiesAsCp("-r", "-t", "d", "c", "t", "b");
        assertEquals(List.of("b", "c", "t"), TestFiles.names(work.resolve("d")));
    }

    /**
     * The last operand of several sources is a regular file. mcp says what cp 8 said; cp 9 words
     * it {@code target 'c': Not a directory}, the form of {@code -t} and of a missing target.
     */
    @Test
    void refusesSeveralSourcesIntoAFile() throws Exception {
        Processes.Result cp = CpAndMcp.cp(CpAndMcp.twin(work, dir.resolve("twin")), "a", "b", "c");
        assertEquals(1, cp.exitCode(), cp.toString());
        assertEquals("cp: target 'c': Not a directory\n", cp.err(), "the words of cp 9, unlike mcp's");
        assertFails("mcp: target 'c' is not a directory", "a", "b", "c");
    }

    @Test
    void refusesSeveralSourcesIntoAMissingTarget() throws Exception {
        assertFailsAsCp("-r", "a", "t", "nope");
    }

    @Test
    void refusesADashTThatIsNotADirectory() throws Exception {
        assertFailsAsCp("-t", "c", "a", "b");
        assertFailsAsCp("-t", "nope", "a");
    }

    /** -T with a file onto an existing directory: cp's message; the directory as it was. */
    @Test
    void refusesToPutAFileOverADirectoryWithDashCapitalT() throws Exception {
        assertFailsAsCp("-T", "b", "d");
    }

    /** -T with a tree onto an existing directory: the tree's entries merged into it, as cp does. */
    @Test
    void mergesATreeIntoAnExistingDirectoryWithDashCapitalT() throws Exception {
        TestFiles.random(work.resolve("d/kept"), 10, SEED + 3);
        assertCopiesAsCp("-r", "-T", "t", "d");
    }

    /** mcp fails as cp fails here, in cp's words, and makes nothing. */
    private void assertFailsAsCp(String... args) throws Exception {
        Path twin = CpAndMcp.twin(work, dir.resolve("twin-" + ++runs));
        Processes.Result cp = CpAndMcp.cp(twin, args);
        assertEquals(1, cp.exitCode(), cp.toString());
        assertFails(CpAndMcp.asMcp(cp.err()).stripTrailing(), args);
    }
}
