package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Unprivileged;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree with one file its user may not read (mode 000; mcp and cp run as user nobody when the
 * tests run as root, who could read it): the rest of the tree is copied, the file is named on
 * stderr in cp's words, the status is 1, and the file's copy is not made.
 */
class UnreadableEntryTest {
    private static final long SEED = 0x0bad_f11e;

    @TempDir
    Path dir;

    private Path work;
    private Path twin;

    /** work/t holding a, s/b (unreadable), s/c and z; a twin of it for cp; both usable by nobody. */
    @BeforeEach
    void makeTree() throws Exception {
        work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve("t/s"));
        TestFiles.random(work.resolve("t/a"), 3 << 20, SEED);
        TestFiles.random(work.resolve("t/s/b"), 5000, SEED + 1);
        TestFiles.random(work.resolve("t/s/c"), 6000, SEED + 2);
        TestFiles.random(work.resolve("t/z"), 7000, SEED + 3);
        for (String file : List.of("t/a", "t/s/c", "t/z")) {
            Files.setPosixFilePermissions(work.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(work.resolve("t/s/b"), PosixFilePermissions.fromString("---------"));
        twin = CpAndMcp.twin(work, dir.resolve("twin"));
        Unprivileged.openUp(work);
        Unprivileged.openUp(twin);
    }

    /** The rest is copied; the one line on stderr names the file and the reason; the status is cp's. */
    @Test
    void copiesTheRestAndNamesTheFile() throws Exception {
        Processes.Result mcp = CpAndMcp.mcpUnprivileged(dir, work, "-r", "t", "c");
        Processes.Result cp = CpAndMcp.cpUnprivileged(twin, "-r", "t", "c");
        assertEquals(1, cp.exitCode(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.out());
        assertEquals(1, mcp.err().lines().count(), mcp.toString());
        assertTrue(mcp.err().startsWith("mcp: ") && mcp.err().contains("'t/s/b'") && mcp.err().contains(": Permission denied"),
                mcp.toString());
        assertCopiedButTheUnreadableFile("c");
        TreeAssert.assertSameTree(twin.resolve("c"), work.resolve("c"));
    }

    /**
     * cp's words for a file of a tree that cannot be opened, as mcp words it for a file operand
     * ({@code ErrorsTest.unreadableSource}).
     */
    @Test
    void namesTheFileInCpsWords() throws Exception {
        Processes.Result mcp = CpAndMcp.mcpUnprivileged(dir, work, "-r", "t", "c");
        Processes.Result cp = CpAndMcp.cpUnprivileged(twin, "-r", "t", "c");
        assertEquals("cp: cannot open 't/s/b' for reading: Permission denied\n", cp.err(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.out());
        assertEquals(CpAndMcp.asMcp(cp.err()), mcp.err());
        assertCopiedButTheUnreadableFile("c");
    }

    /** The one line of --json: result "failed", and the failure's kind, path, errno and message. */
    @Test
    void reportsTheFailureInJson() throws Exception {
        Processes.Result mcp = CpAndMcp.mcpUnprivileged(dir, work, "--json", "-r", "t", "c");
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals(1, mcp.out().lines().count(), "one line: " + mcp);
        JsonNode report = new ObjectMapper().readTree(mcp.out());
        assertEquals("failed", report.get("result").asText(), mcp.out());
        assertEquals(3, report.get("files").asInt(), mcp.out());
        assertEquals(2, report.get("directories").asInt(), mcp.out());
        assertEquals(1, report.get("failed").asInt(), mcp.out());
        assertEquals((3 << 20) + 6000 + 7000, report.get("bytes").asLong(), mcp.out());
        JsonNode failures = report.get("failures");
        assertEquals(1, failures.size(), mcp.out());
        JsonNode failure = failures.get(0);
        assertEquals("open_source", failure.get("kind").asText(), mcp.out());
        assertEquals("t/s/b", failure.get("path").asText(), mcp.out());
        assertEquals(13, failure.get("errno").asInt(), "EACCES: " + mcp.out());
        // The message is the line on stderr, without "mcp: ".
        assertEquals(mcp.err(), "mcp: " + failure.get("message").asText() + "\n");
        assertTrue(failure.get("message").asText().contains("Permission denied"), mcp.out());
        assertCopiedButTheUnreadableFile("c");
    }

    private void assertCopiedButTheUnreadableFile(String copy) throws IOException {
        Path c = work.resolve(copy);
        for (String file : List.of("a", "s/c", "z")) {
            assertTrue(FileUtils.contentEquals(work.resolve("t").resolve(file).toFile(), c.resolve(file).toFile()), file);
        }
        assertEquals(List.of("c"), TestFiles.names(c.resolve("s")), "no copy of the unreadable file, nor any scratch file");
        assertFalse(Files.exists(c.resolve("s/b")));
        assertEquals(List.of(), CpAndMcp.scratchLeft(c));
    }
}
