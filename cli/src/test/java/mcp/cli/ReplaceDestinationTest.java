package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.Unprivileged;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing an existing DEST: it keeps what cp, which writes into it, would keep (owner, group,
 * mode with its set-user-ID bit, extended attributes, ACL) and only its content changes; a DEST
 * that a rename cannot replace faithfully (a second hard link) or at all (its directory is not
 * writable) is refused and left as it was; and a replacement whose directory cannot be synced
 * (readable by nobody, so not openable for fsync) is made but reported with exit status 3.
 */
class ReplaceDestinationTest {
    private static final int NOBODY = Unprivileged.NOBODY;
    private static final byte[] OLD = {1, 2, 3};

    @TempDir
    Path dir;

    private Path source;
    private long seed;

    @BeforeEach
    void makeSource() throws IOException {
        seed = 5_000_005;
        source = TestFiles.random(dir.resolve("src"), (3 << 20) + 17, seed);
    }

    private Processes.Result run(Path in, String... command) throws Exception {
        return Processes.run(List.of(command), in, 60);
    }

    private Processes.Result mustRun(Path in, String... command) throws Exception {
        Processes.Result result = run(in, command);
        assertEquals(0, result.exitCode(), result.toString());
        return result;
    }

    private Processes.Result mcp(String... args) throws Exception {
        return Processes.run(Processes.javaCommand(Main.class.getName(), args), dir, 60);
    }

    /** Owner, group and mode (set-id bits included) of {@code name} in {@code in}, as stat shows them. */
    private String ownerGroupMode(Path in, String name) throws Exception {
        return mustRun(in, "stat", "-c", "%u:%g %04a", name).out();
    }

    /** A DEST owned by nobody:nogroup, set-user-ID, with an extended attribute; root only. */
    private Path setUidDestination() throws Exception {
        Skip.unless(Unprivileged.runningAsRoot(), "giving DEST to another user needs root");
        Path dest = Files.write(dir.resolve("dst"), OLD);
        mustRun(dir, "chown", NOBODY + ":" + NOBODY, "dst");
        mustRun(dir, "chmod", "4755", "dst");   // after chown, which clears set-id bits
        UserDefinedFileAttributeView attributes = Files.getFileAttributeView(dest, UserDefinedFileAttributeView.class);
        try {
            attributes.write("test", ByteBuffer.wrap("kept".getBytes(StandardCharsets.US_ASCII)));
        } catch (FileSystemException e) {
            Skip.unless(false, "the file system of " + dir + " has no user extended attributes: " + e.getMessage());
        }
        return dest;
    }

    private static String userAttribute(Path path, String name) throws IOException {
        UserDefinedFileAttributeView attributes = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        ByteBuffer value = ByteBuffer.allocate(attributes.size(name));
        attributes.read(name, value);
        return new String(value.array(), StandardCharsets.US_ASCII);
    }

    private void assertReplacedWithTheCopy(Processes.Result result, Path dest) throws IOException {
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "a successful copy says nothing");
        assertEquals(-1, TestFiles.firstDifference(source, dest), "DEST holds the copy (seed " + seed + ")");
        assertEquals(List.of("dst", "src"), TestFiles.names(dir), "no temporary or control file is left");
    }

    @Test
    void aReplacedDestinationKeepsItsOwnerGroupSetUidModeAndExtendedAttributes() throws Exception {
        Path dest = setUidDestination();
        String before = ownerGroupMode(dir, "dst");
        assertEquals(NOBODY + ":" + NOBODY + " 4755\n", before, "DEST as the test made it");

        Processes.Result result = mcp("-n", "2", "src", "dst");

        assertReplacedWithTheCopy(result, dest);
        assertEquals(before, ownerGroupMode(dir, "dst"), "owner, group and mode, set-user-ID bit included");
        assertEquals("kept", userAttribute(dest, "test"), "the extended attribute user.test");
    }

    @Test
    void aReplacedDestinationKeepsItsAccessControlList() throws Exception {
        Path dest = setUidDestination();
        Processes.Result acl = Processes.run(List.of("sh", "-c", "command -v setfacl && command -v getfacl"), dir, 30);
        Skip.unless(acl.exitCode() == 0, "setfacl and getfacl are not installed (Debian package acl)");
        Processes.Result set = run(dir, "setfacl", "-m", "u:4242:rw-,g::r--", "dst");
        Skip.unless(set.exitCode() == 0, "the file system of " + dir + " takes no ACL: " + set);
        String aclBefore = mustRun(dir, "getfacl", "-n", "dst").out();
        String modeBefore = ownerGroupMode(dir, "dst");
        assertTrue(aclBefore.contains("\nuser:4242:rw-\n") && aclBefore.contains("\ngroup::r--\n"), "the ACL as set:\n" + aclBefore);
        assertTrue(modeBefore.endsWith(" 4765\n"), "setuid, and the ACL's mask as the group bits: " + modeBefore);

        Processes.Result result = mcp("-n", "2", "src", "dst");

        assertReplacedWithTheCopy(result, dest);
        assertEquals(aclBefore, mustRun(dir, "getfacl", "-n", "dst").out(), "the ACL");
        assertEquals(modeBefore, ownerGroupMode(dir, "dst"), "owner, group and mode");
        assertEquals("kept", userAttribute(dest, "test"), "the extended attribute user.test");
    }

    /** A rename would replace one name and leave the other holding the old content: cp writes into the file instead. */
    @Test
    void aDestinationWithASecondHardLinkIsRefusedAndLeftAsItWas() throws Exception {
        Path dest = Files.write(dir.resolve("dst"), OLD);
        Path link = Files.createLink(dir.resolve("other"), dest);

        Processes.Result result = mcp("src", "dst");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("mcp: cannot replace 'dst': it has 2 hard links, which a replacement by rename would leave holding the old"
                + " content (mcp never writes into DEST in place)\n", result.err());
        assertArrayEquals(OLD, Files.readAllBytes(dest), "DEST is unchanged");
        assertArrayEquals(OLD, Files.readAllBytes(link), "its other name is unchanged");
        assertEquals(2, Files.getAttribute(dest, "unix:nlink"), "both names are still the same file");
        assertEquals(List.of("dst", "other", "src"), TestFiles.names(dir), "no temporary or control file is left");
    }

    /**
     * A directory user nobody can use, holding a readable copy of the source and the directory
     * {@code name} (mode {@code directoryMode}) with a DEST in it that nobody may write.
     */
    private Path unprivilegedDestination(String name, String directoryMode) throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Unprivileged.openUp(work);
        Files.copy(source, work.resolve("src"));
        Files.setPosixFilePermissions(work.resolve("src"), PosixFilePermissions.fromString("rw-r--r--"));
        Path directory = Files.createDirectory(work.resolve(name));
        Path dest = Files.write(directory.resolve("dst"), OLD);
        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rw-rw-rw-"));
        if (Unprivileged.runningAsRoot()) {
            mustRun(directory, "chown", NOBODY + ":" + NOBODY, "dst");   // so that nobody may keep its owner
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(directoryMode));
        return work;
    }

    private Processes.Result mcpUnprivileged(Path work, String... args) throws Exception {
        return Processes.run(Unprivileged.javaCommand(dir.resolve("java"), Main.class.getName(), args), work, 60);
    }

    @Test
    void aWritableDestinationInADirectoryThatIsNotWritableIsRefusedAndLeftAsItWas() throws Exception {
        Path work = unprivilegedDestination("ro", "r-xr-xr-x");
        try {
            Processes.Result result = mcpUnprivileged(work, "src", "ro/dst");

            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("mcp: cannot replace 'ro/dst': its directory 'ro' is not writable (mcp replaces a file by renaming a"
                    + " verified copy over it, and never writes into it in place)\n", result.err());
            assertArrayEquals(OLD, Files.readAllBytes(work.resolve("ro/dst")), "DEST is unchanged");
            assertEquals(List.of("dst"), TestFiles.names(work.resolve("ro")), "no temporary or control file is made");
        } finally {
            Files.setPosixFilePermissions(work.resolve("ro"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * A directory its user may write and search but not read (-wx): the copy can be made and
     * renamed over DEST, but the directory cannot be opened for the fsync that makes the rename
     * durable. DEST holds the copy; exit status 3 and a warning say that it may not survive a crash.
     */
    @Test
    void aDirectoryThatCannotBeSyncedGivesExitStatusThreeAndAWarning() throws Exception {
        Path work = unprivilegedDestination("wx", "-wx-wx-wx");
        try {
            Processes.Result result = mcpUnprivileged(work, "-n", "2", "src", "wx/dst");

            assertEquals(McpCommand.EXIT_NOT_DURABLE, result.exitCode(), result.toString());
            assertEquals("mcp: warning: 'wx/dst' was replaced by the verified copy, but its directory could not be synced"
                    + " (Permission denied): the replacement may not survive a crash\n", result.err(), result.toString());
            Files.setPosixFilePermissions(work.resolve("wx"), PosixFilePermissions.fromString("rwxr-xr-x"));
            assertEquals(-1, TestFiles.firstDifference(source, work.resolve("wx/dst")), "DEST holds the copy (seed " + seed + ")");
            assertEquals(List.of("dst"), TestFiles.names(work.resolve("wx")), "no temporary or control file is left");
        } finally {
            Files.setPosixFilePermissions(work.resolve("wx"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
