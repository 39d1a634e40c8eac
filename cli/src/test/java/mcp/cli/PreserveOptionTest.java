package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Trees;
import mcp.fixtures.Unprivileged;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code -p}, {@code --preserve=LIST} and {@code -a} on trees: modes (setgid, 0700, read-only
 * directories), owners, times to the nanosecond and user extended attributes, as the source has
 * them; and without them, cp's defaults: the source's mode less the umask, and fresh times.
 */
class PreserveOptionTest {
    private static final long SEED = 0x9e5e_27eL;
    private static final String XATTR = "user.mcp-test";

    @TempDir
    Path dir;

    private Path work() throws IOException {
        return Files.createDirectories(dir.resolve("work"));
    }

    /**
     * A tree of every kind of entry: modes of files and directories (setgid and 0700 among them),
     * owners (some entries owned by nobody, when the tests run as root), modification times of
     * every entry and access times of files, with nanoseconds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-p", "--preserve=mode,ownership,timestamps", "--preserve=all", "-a"})
    void keepsModesOwnersAndTimes(String option) throws Exception {
        Path work = work();
        // No FIFO: its mode is not kept (keepsTheModeOfAFifo).
        Trees.Tree tree = Trees.make(work.resolve("src"), Trees.Spec.of(SEED).fifo(false));
        Processes.Result mcp = CpAndMcp.mcp(work, "-r", option, "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp + "\n" + tree);
        assertEquals("", mcp.err());
        TreeAssert.assertSameTree(tree.root(), work.resolve("dst"), TreeAssert.Check.MODE, TreeAssert.Check.OWNERSHIP,
                TreeAssert.Check.TIMES);
        assertEquals(List.of(), CpAndMcp.scratchLeft(work.resolve("dst")));
    }

    /** A FIFO in a tree is made a FIFO with the source's mode, owner and times, as cp -rp makes it. */
    @Test
    void keepsTheModeOfAFifo() throws Exception {
        Path work = work();
        Trees.Tree tree = Trees.make(work.resolve("src"), Trees.Spec.plain(SEED).files(2).fifo(true).times(true));
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));
        Processes.Result mcp = CpAndMcp.mcp(work, "-rp", "src", "dst");
        Processes.Result cp = CpAndMcp.cp(twin, "-rp", "src", "dst");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals(0, cp.exitCode(), cp.toString());
        TreeAssert.assertSameTree(twin.resolve("dst"), work.resolve("dst"), TreeAssert.Check.MODE, TreeAssert.Check.TIMES);
        TreeAssert.assertSameTree(tree.root(), work.resolve("dst"), TreeAssert.Check.MODE, TreeAssert.Check.OWNERSHIP,
                TreeAssert.Check.TIMES);
    }

    /** Only the attributes named are kept: --preserve=mode keeps no times, --preserve=timestamps no mode. */
    @Test
    void keepsOnlyTheAttributesNamed() throws Exception {
        Path work = work();
        Path file = TestFiles.random(work.resolve("f"), 5000, SEED);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx---r-x"));
        FileTime old = FileTime.from(Instant.parse("2005-06-07T08:09:10.123456789Z"));
        Files.setLastModifiedTime(file, old);

        Processes.Result mcp = CpAndMcp.run(work, CpAndMcp.underUmask("077", CpAndMcp.mcpCommand("--preserve=mode", "f", "m")));
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("rwx---r-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("m"))));
        assertFalse(Files.getLastModifiedTime(work.resolve("m")).equals(old), "no times without timestamps");

        mcp = CpAndMcp.run(work, CpAndMcp.underUmask("077", CpAndMcp.mcpCommand("--preserve=timestamps", "f", "t")));
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("t"))),
                "the source's mode less the umask");
        assertEquals(old, Files.getLastModifiedTime(work.resolve("t")));
    }

    /**
     * A read-only directory (0555) still receives its entries, and its copy gets 0555 once they
     * are in, with and without -p: as user nobody, for whom the mode counts (root may write into
     * any directory). cp, run the same way on a twin, makes the same modes.
     */
    @Test
    void fillsTheCopyOfAReadOnlyDirectoryBeforeItGetsItsMode() throws Exception {
        Path work = work();
        Files.createDirectories(work.resolve("ro/sub"));
        TestFiles.random(work.resolve("ro/f"), 3 << 20, SEED + 1);
        TestFiles.random(work.resolve("ro/sub/g"), 100, SEED + 2);
        Files.setPosixFilePermissions(work.resolve("ro/f"), PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(work.resolve("ro/sub/g"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(work.resolve("ro/sub"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(work.resolve("ro"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));
        Unprivileged.openUp(work);
        Unprivileged.openUp(twin);

        for (List<String> args : List.of(List.of("-r", "--preserve=mode", "ro", "p"), List.of("-r", "ro", "c"))) {
            Processes.Result mcp = CpAndMcp.mcpUnprivileged(dir, work, args.toArray(String[]::new));
            assertEquals(0, mcp.exitCode(), mcp.toString());
            assertEquals("", mcp.err());
            Processes.Result cp = CpAndMcp.cpUnprivileged(twin, args.toArray(String[]::new));
            assertEquals(0, cp.exitCode(), cp.toString());
            Path copy = work.resolve(args.get(args.size() - 1));
            assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)), args.toString());
            assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("sub"))));
            TreeAssert.assertSameTree(work.resolve("ro"), copy, TreeAssert.Check.MODE);
            TreeAssert.assertSameTree(twin.resolve(copy.getFileName()), copy, TreeAssert.Check.MODE);
        }
    }

    /** As root: a file owned by 65534 is copied owned by 65534 with -p, and by root without. */
    @Test
    void keepsTheOwnerAsRoot() throws Exception {
        Assumptions.assumeTrue(Unprivileged.runningAsRoot(), "only root can give a file away");
        Path work = work();
        Files.createDirectories(work.resolve("src/sub"));
        Path file = TestFiles.random(work.resolve("src/sub/owned"), 70 << 20, SEED + 3);
        Files.setAttribute(file, "unix:uid", Unprivileged.NOBODY);
        Files.setAttribute(file, "unix:gid", Unprivileged.NOBODY);
        Files.setAttribute(work.resolve("src/sub"), "unix:uid", Unprivileged.NOBODY);

        Processes.Result mcp = CpAndMcp.mcp(work, "-rp", "-n", "2", "src", "kept");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals(Unprivileged.NOBODY, Files.getAttribute(work.resolve("kept/sub/owned"), "unix:uid"));
        assertEquals(Unprivileged.NOBODY, Files.getAttribute(work.resolve("kept/sub/owned"), "unix:gid"));
        assertEquals(Unprivileged.NOBODY, Files.getAttribute(work.resolve("kept/sub"), "unix:uid"));
        assertTrue(FileUtils.contentEquals(file.toFile(), work.resolve("kept/sub/owned").toFile()));

        mcp = CpAndMcp.mcp(work, "-r", "src", "mine");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals(0, Files.getAttribute(work.resolve("mine/sub/owned"), "unix:uid"));
        assertEquals(0, Files.getAttribute(work.resolve("mine/sub"), "unix:uid"));
    }

    /**
     * User extended attributes of files and directories are copied with --preserve=xattr and -a,
     * and, as by cp, not with -p alone.
     */
    @Test
    void keepsUserExtendedAttributesWhenAsked() throws Exception {
        Path work = work();
        Files.createDirectories(work.resolve("src/sub"));
        Path file = TestFiles.random(work.resolve("src/sub/f"), 5000, SEED + 4);
        Assumptions.assumeTrue(setXattr(file, "file value"), "the file system of " + dir + " keeps no user xattrs");
        setXattr(work.resolve("src/sub"), "directory value");
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));

        for (String option : List.of("--preserve=xattr", "-a")) {
            Processes.Result mcp = CpAndMcp.mcp(work, "-r", option, "src", "x" + option);
            assertEquals(0, mcp.exitCode(), mcp.toString());
            assertEquals("", mcp.err());
            assertEquals("file value", xattr(work.resolve("x" + option + "/sub/f")), option);
            assertEquals("directory value", xattr(work.resolve("x" + option + "/sub")), option);
        }
        Processes.Result mcp = CpAndMcp.mcp(work, "-rp", "src", "p");
        Processes.Result cp = CpAndMcp.cp(twin, "-rp", "src", "p");
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals(0, cp.exitCode(), cp.toString());
        assertEquals(xattr(twin.resolve("p/sub/f")), xattr(work.resolve("p/sub/f")), "as cp -p");
        assertEquals(null, xattr(work.resolve("p/sub/f")));
    }

    /**
     * Without -p, as cp: a new file or directory gets the source's mode less the umask (027 here),
     * and the time of the copy, not the source's; compared with cp under the same umask.
     */
    @Test
    void givesNewCopiesTheModeLessTheUmaskAndFreshTimes() throws Exception {
        Path work = work();
        Files.createDirectories(work.resolve("src/open"));
        Path file = TestFiles.random(work.resolve("src/open/f"), 70 << 20, SEED + 5);
        Path small = TestFiles.random(work.resolve("src/small"), 10, SEED + 6);
        FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06.789Z"));
        for (Path entry : List.of(file, small, work.resolve("src/open"), work.resolve("src"))) {
            Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setLastModifiedTime(entry, old);
        }
        Files.setPosixFilePermissions(small, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path twin = CpAndMcp.twin(work, dir.resolve("twin"));
        Instant started = Instant.now().minusSeconds(2);

        Processes.Result mcp = CpAndMcp.run(work, CpAndMcp.underUmask("027", CpAndMcp.mcpCommand("-r", "-n", "2", "src", "dst")));
        Processes.Result cp = CpAndMcp.run(twin, CpAndMcp.underUmask("027", CpAndMcp.cpCommand("-r", "src", "dst")));
        assertEquals(0, mcp.exitCode(), mcp.toString());
        assertEquals(0, cp.exitCode(), cp.toString());
        Path copy = work.resolve("dst");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("open"))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("open/f"))));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("small"))));
        TreeAssert.assertSameTree(twin.resolve("dst"), copy, TreeAssert.Check.MODE);
        for (Path entry : List.of(copy, copy.resolve("open"), copy.resolve("open/f"), copy.resolve("small"))) {
            Instant modified = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant();
            assertTrue(modified.isAfter(started), entry + " modified " + modified + ", not at the copy");
        }
    }

    /** Sets {@link #XATTR} of {@code path}; false if the file system does not keep user extended attributes. */
    private static boolean setXattr(Path path, String value) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
            if (view == null) {
                return false;
            }
            view.write(XATTR.substring("user.".length()), StandardCharsets.UTF_8.encode(value));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The value of {@link #XATTR} of {@code path}, or null if it has none. */
    private static String xattr(Path path) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        String name = XATTR.substring("user.".length());
        List<String> names = new ArrayList<>(view.list());
        if (!names.contains(name)) {
            return null;
        }
        ByteBuffer value = ByteBuffer.allocate(view.size(name));
        view.read(name, value);
        return StandardCharsets.UTF_8.decode(value.flip()).toString();
    }
}
