package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.Unprivileged;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Odd destinations and names, each done by mcp (as a process) and by GNU cp in the same place:
 * where cp copies, mcp copies the same bytes; where cp fails, mcp fails with cp's message, "cp:"
 * read as "mcp:", and the same exit status.
 */
class OddPlacesTest {
    private static final long SEED = 0x0dd;

    @TempDir
    Path dir;

    private Path source;
    private byte[] sourceBytes;

    @BeforeEach
    void makeSource() throws IOException {
        source = TestFiles.random(dir.resolve("src"), (3L << 20) + 1, SEED);
        sourceBytes = Files.readAllBytes(source);
    }

    private Processes.Result mcp(String... args) throws Exception {
        return Processes.run(Processes.javaCommand(Main.class.getName(), args), dir, 120);
    }

    private Processes.Result cp(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("cp"));
        command.addAll(List.of(args));
        return Processes.run(command, dir, 60);
    }

    /** mcp and cp both failed with the same words. */
    private void assertFailsAsCp(Processes.Result mcp, Processes.Result cp) throws IOException {
        assertEquals(1, cp.exitCode(), "cp fails here: " + cp);
        assertEquals(cp.exitCode(), mcp.exitCode(), mcp.toString());
        String expected = cp.err().lines().map(line -> line.replaceFirst("^cp:", "mcp:")).collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected, mcp.err(), "mcp says what cp says");
        assertArrayEquals(sourceBytes, Files.readAllBytes(source), "the source is untouched");
    }

    @Test
    void aPathNearPathMaxIsCopiedAsCpCopiesIt() throws Exception {
        Path deep = dir.toAbsolutePath();
        String component = "d".repeat(200);
        while (deep.toString().length() + component.length() + 1 < 3980) {
            deep = deep.resolve(component);
        }
        // The last directory's name makes DEST's absolute name 4000 bytes long.
        deep = deep.resolve("e".repeat(4000 - deep.toString().length() - "/".length() - "/mcp-copy".length()));
        Files.createDirectories(deep);
        Path deepSource = Files.copy(source, deep.resolve("source"));
        Path mcpCopy = deep.resolve("mcp-copy");
        Path cpCopy = deep.resolve("cp-copy");
        assertEquals(4000, mcpCopy.toString().length());

        Processes.Result cp = cp(deepSource.toString(), cpCopy.toString());
        Processes.Result mcp = mcp("-n", "2", "--chunk-size", "1M", deepSource.toString(), mcpCopy.toString());
        assertEquals(0, cp.exitCode(), cp.toString());
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertArrayEquals(sourceBytes, Files.readAllBytes(mcpCopy), "same bytes (seed " + SEED + ")");
        assertEquals(List.of("cp-copy", "mcp-copy", "source"), TestFiles.names(deep), "no temporary or control file is left");

        // One more component goes past PATH_MAX (4096 bytes): cp cannot name it, nor can mcp.
        String tooLong = deep.resolve(component).resolve("copy").toString();
        assertFailsAsCp(mcp(deepSource.toString(), tooLong), cp(deepSource.toString(), tooLong));
    }

    @Test
    void devNullAsDestinationSwallowsTheCopy() throws Exception {
        Object before = Files.getAttribute(Path.of("/dev/null"), "unix:rdev");
        Processes.Result cp = cp("src", "/dev/null");
        Processes.Result mcp = mcp("-n", "2", "src", "/dev/null");
        assertEquals(0, cp.exitCode(), cp.toString());
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("", mcp.err());
        assertArrayEquals(sourceBytes, Files.readAllBytes(source), "the source is untouched");
        assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null is still a device, not a copy renamed over it");
        assertEquals(before, Files.getAttribute(Path.of("/dev/null"), "unix:rdev"), "the same device");
        assertEquals(List.of("src"), TestFiles.names(dir));
        assertEquals(0, Files.size(Path.of("/dev/null")));
    }

    @Test
    void aFifoAsDestinationCarriesTheBytesToItsReader() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, Processes.run(List.of("mkfifo", fifo.toString()), dir, 30).exitCode());
        Path received = dir.resolve("received");
        Process reader = new ProcessBuilder("cat", fifo.toString()).redirectOutput(received.toFile()).start();
        Processes.Result mcp = mcp("-n", "2", "--chunk-size", "1M", "src", "fifo");
        Processes.Result read = Processes.finish(List.of("cat", fifo.toString()), reader, 60);
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals(0, read.exitCode(), read.toString());
        assertArrayEquals(sourceBytes, Files.readAllBytes(received), "the reader got the source's bytes (seed " + SEED + ")");
        assertEquals(0010000, (int) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000,
                "the FIFO is still a FIFO");
        assertEquals(List.of("fifo", "received", "src"), TestFiles.names(dir));
    }

    @Test
    void anEmptyDestinationName() throws Exception {
        assertFailsAsCp(mcp("src", ""), cp("src", ""));
        assertEquals(List.of("src"), TestFiles.names(dir));
    }

    @Test
    void anImmutableDestination() throws Exception {
        assumeRoot("chattr +i needs root");
        Path dest = Files.write(dir.resolve("dst"), new byte[] {1, 2, 3});
        Processes.Result chattr = Processes.run(List.of("chattr", "+i", dest.toString()), dir, 30);
        Assumptions.assumeTrue(chattr.exitCode() == 0, () -> skip("this file system takes no immutable flag: " + chattr));
        try {
            Processes.Result mcp = mcp("-n", "2", "src", "dst");
            assertFailsAsCp(mcp, cp("src", "dst"));
            assertTrue(mcp.err().endsWith(": Operation not permitted\n"), mcp.err());
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dest), "the destination is unchanged");
            assertEquals(List.of("dst", "src"), TestFiles.names(dir), "no temporary or control file is left");
        } finally {
            Processes.run(List.of("chattr", "-i", dest.toString()), dir, 30);
        }
    }

    @Test
    void aReadOnlyFileSystem() throws Exception {
        assumeRoot("mounting a file system needs root");
        Path mountPoint = Files.createDirectory(dir.resolve("ro"));
        Processes.Result mount = Processes.run(List.of("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint.toString()), dir, 30);
        Assumptions.assumeTrue(mount.exitCode() == 0, () -> skip("cannot mount a tmpfs here: " + mount));
        try {
            Files.write(mountPoint.resolve("existing"), new byte[] {7});
            Processes.Result remount = Processes.run(List.of("mount", "-o", "remount,ro", mountPoint.toString()), dir, 30);
            assertEquals(0, remount.exitCode(), remount.toString());
            Processes.Result mcp = mcp("src", "ro/new");
            assertFailsAsCp(mcp, cp("src", "ro/new"));
            assertTrue(mcp.err().endsWith(": Read-only file system\n"), mcp.err());
            assertFailsAsCp(mcp("src", "ro/existing"), cp("src", "ro/existing"));
            assertFailsAsCp(mcp("src", "ro"), cp("src", "ro"));
            assertEquals(List.of("existing"), TestFiles.names(mountPoint));
        } finally {
            Processes.run(List.of("umount", mountPoint.toString()), dir, 30);
        }
    }

    @Test
    void aSymbolicLinkLoop() throws Exception {
        Files.createSymbolicLink(dir.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(dir.resolve("loop2"), Path.of("loop1"));
        Processes.Result asDest = mcp("src", "loop1");
        assertFailsAsCp(asDest, cp("src", "loop1"));
        assertTrue(asDest.err().endsWith(": Too many levels of symbolic links\n"), asDest.err());
        assertFailsAsCp(mcp("loop1", "dst"), cp("loop1", "dst"));
        assertFailsAsCp(mcp("src", "loop1/dst"), cp("src", "loop1/dst"));
        assertEquals(List.of("loop1", "loop2", "src"), TestFiles.names(dir));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"missing source", "missing directory", "existing"})
    void aNameWithAnEscapeSequenceIsQuoted(String which) throws Exception {
        String name = "red\033[31mname\033[0m";
        Processes.Result mcp;
        Processes.Result cp;
        if (which.equals("missing source")) {
            mcp = mcp(name, "dst");
            cp = cp(name, "dst");
        } else if (which.equals("missing directory")) {
            mcp = mcp("src", name + "/dst");
            cp = cp("src", name + "/dst");
        } else {
            Files.createDirectories(dir.resolve(name).resolve("src"));
            mcp = mcp("src", name);
            cp = cp("src", name);
        }
        assertFailsAsCp(mcp, cp);
        assertFalse(mcp.err().contains("\033"), "no raw escape byte reaches the terminal: " + mcp.err());
        assertTrue(mcp.err().contains("'red'$'\\033''[31mname'$'\\033''[0m"), mcp.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--help", "--version"})
    void writingToAFullDiskFailsAsForCp(String option) throws Exception {
        Processes.Result cp = toDevFull(List.of("cp", option));
        Processes.Result mcp = toDevFull(Processes.javaCommand(Main.class.getName(), option));
        assertEquals(1, cp.exitCode(), cp.toString());
        assertEquals("cp: write error: No space left on device\n", cp.err());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        assertEquals("mcp: write error: No space left on device\n", mcp.err());
    }

    private Processes.Result toDevFull(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(new File("/dev/full")).start();
        return Processes.finish(command, process, 60);
    }

    private static void assumeRoot(String why) throws IOException {
        boolean root = Unprivileged.runningAsRoot();
        Assumptions.assumeTrue(root, () -> skip(why));
    }

    /** Says why a test is skipped on stdout too, where a reader of the build log sees it. */
    private static String skip(String why) {
        System.out.println("OddPlacesTest: skipped: " + why);
        return why;
    }
}
