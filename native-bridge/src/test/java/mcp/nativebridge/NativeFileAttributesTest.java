package mcp.nativebridge;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static mcp.nativebridge.PosixTest.octal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fchmod}, {@code fchown} and extended attributes, on real files. */
class NativeFileAttributesTest {
    private static final int EBADF = 9;
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private static int unixMode(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:mode", NOFOLLOW_LINKS) & FileStatus.PERMISSIONS;
    }

    private static NativeFile pathOnly(Path file) throws ErrnoException {
        return NativeFile.open(null, file.toString(), 0, NativeFile.Open.PATH_ONLY);
    }

    /** Sets {@code user.NAME} or skips the test where the file system has no user attributes. */
    private static void setOrSkip(NativeFile file, String attribute, byte[] value) throws ErrnoException {
        try {
            file.setExtendedAttribute(attribute, value);
        } catch (ErrnoException e) {
            Assumptions.assumeFalse(e.errno() == ErrnoException.EOPNOTSUPP, () -> "no user extended attributes here: " + e.getMessage());
            throw e;
        }
    }

    // ---- changeMode ----

    @Test
    void changeModeSetsThePermissionsTheSetUserIdBitIncluded() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            opened.changeMode(04750);
            assertEquals(octal(04750), octal(unixMode(file)));
            assertEquals(octal(04750), octal(opened.status().permissions()));
            assertTrue(opened.status().isRegularFile(), "the type bits are not touched");
            opened.changeMode(0604);
            assertEquals(octal(0604), octal(unixMode(file)));
        }
    }

    @Test
    void changeModeIsNotUnderTheUmask() throws IOException {
        Assumptions.assumeTrue((Posix.umask() & 0022) != 0, "the umask masks nothing this test sets");
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            opened.changeMode(0666);
        }
        assertEquals(octal(0666), octal(unixMode(file)));
    }

    @Test
    void changeModeThroughAPathOnlyDescriptorThrowsFchmodEbadf() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        int before = unixMode(file);
        try (NativeFile handle = pathOnly(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> handle.changeMode(0600));
            assertEquals("fchmod", e.call());
            assertEquals(EBADF, e.errno());
            assertEquals(file.toString(), e.name());
        }
        assertEquals(before, unixMode(file));
    }

    // ---- changeOwner ----

    @Test
    void changeOwnerToMinusOneLeavesBothAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Map<String, Object> before = Files.readAttributes(file, "unix:uid,gid");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            opened.changeOwner(-1, -1);
            assertEquals(before.get("uid"), opened.status().uid());
            assertEquals(before.get("gid"), opened.status().gid());
        }
        assertEquals(before, Files.readAttributes(file, "unix:uid,gid"));
    }

    @Test
    void changeOwnerAsRootGivesTheFileToNobody() throws IOException {
        Assumptions.assumeTrue(Posix.effectiveUid() == 0, "only root can give a file away");
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            opened.changeOwner(-1, NOBODY);
            assertEquals(0, opened.status().uid(), "-1 left the owner alone");
            assertEquals(NOBODY, opened.status().gid());
            opened.changeOwner(NOBODY, -1);
            assertEquals(NOBODY, opened.status().uid());
            assertEquals(NOBODY, opened.status().gid());
        }
        assertEquals(NOBODY, Files.getAttribute(file, "unix:uid"));
        assertEquals(NOBODY, Files.getAttribute(file, "unix:gid"));
    }

    @Test
    void changeOwnerClearsTheSetUserIdBitSoTheModeGoesAfterIt() throws IOException {
        Assumptions.assumeTrue(Posix.effectiveUid() == 0, "only root can give a file away");
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            opened.changeMode(04755);
            opened.changeOwner(NOBODY, NOBODY);
            assertEquals(octal(0755), octal(opened.status().permissions()), "the kernel drops set-user-id on chown");
            opened.changeMode(04755);
            assertEquals(octal(04755), octal(opened.status().permissions()));
            assertEquals(NOBODY, opened.status().uid());
        }
    }

    @Test
    void changeOwnerAsAnotherUserThanRootFailsWithEperm() throws IOException {
        Assumptions.assumeTrue(Posix.effectiveUid() != 0, "root may give a file away");
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> opened.changeOwner(0, -1));
            assertEquals("fchown", e.call());
            assertEquals(ErrnoException.EPERM, e.errno());
        }
    }

    // ---- extended attributes ----

    @Test
    void anExtendedAttributeIsListedAndReadBackThroughANormalAndAPathOnlyDescriptor() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        byte[] value = {1, 2, 0, 3, (byte) 0xff};
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            setOrSkip(opened, "user.x", value);
            assertTrue(opened.extendedAttributeNames().contains("user.x"), () -> "listed " + names(opened));
            assertArrayEquals(value, opened.extendedAttribute("user.x"));
        }
        try (NativeFile handle = pathOnly(file)) {
            assertTrue(handle.extendedAttributeNames().contains("user.x"), () -> "listed " + names(handle));
            assertArrayEquals(value, handle.extendedAttribute("user.x"));
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        ByteBuffer read = ByteBuffer.allocate(view.size("x"));
        view.read("x", read);
        assertArrayEquals(value, read.array(), "what java.nio reads");
    }

    @Test
    void anAttributeJavaWroteIsReadBackWholeEvenWhenLarge() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        byte[] value = new byte[3000];
        new Random(7).nextBytes(value);
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            setOrSkip(opened, "user.probe", new byte[] {0});
        }
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class).write("big", ByteBuffer.wrap(value));
        try (NativeFile handle = pathOnly(file)) {
            assertArrayEquals(value, handle.extendedAttribute("user.big"));
            assertEquals(List.of("user.big", "user.probe"), userNames(handle));
        }
    }

    @Test
    void aMissingAttributeIsNullAndAnEmptyOneIsEmpty() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            assertEquals(List.of(), userNames(opened));
            assertNull(opened.extendedAttribute("user.missing"));
            setOrSkip(opened, "user.empty", new byte[0]);
            assertArrayEquals(new byte[0], opened.extendedAttribute("user.empty"));
            assertNull(opened.extendedAttribute("user.missing"));
            assertEquals(List.of("user.empty"), userNames(opened));
        }
    }

    @Test
    void setExtendedAttributeReplacesTheValue() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            setOrSkip(opened, "user.x", new byte[] {1, 2, 3, 4, 5, 6});
            opened.setExtendedAttribute("user.x", new byte[] {9});
            assertArrayEquals(new byte[] {9}, opened.extendedAttribute("user.x"));
        }
    }

    @Test
    void anAttributeNameThatIsNotUtf8IsListedAsTheNameItWasSetBy() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        String name = "user." + FileNames.decode(new byte[] {'a', (byte) 0xff, 'b'});
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            setOrSkip(opened, name, new byte[] {42});
            List<String> listed = userNames(opened);
            assertEquals(List.of(name), listed);
            assertArrayEquals(new byte[] {'u', 's', 'e', 'r', '.', 'a', (byte) 0xff, 'b'}, FileNames.encode(listed.get(0)));
            assertArrayEquals(new byte[] {42}, opened.extendedAttribute(listed.get(0)));
        }
    }

    @Test
    void theAttributesOfAPathOnlyHandleOnASymlinkAreTheLinksNotTheTargets() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        try (NativeFile opened = NativeFile.openForWriting(target)) {
            setOrSkip(opened, "user.x", new byte[] {1});
        }
        try (NativeFile handle = NativeFile.open(null, link.toString(), 0, NativeFile.Open.PATH_ONLY, NativeFile.Open.NO_FOLLOW)) {
            assertTrue(handle.status().isSymbolicLink());
            assertEquals(List.of(), userNames(handle));
            assertNull(handle.extendedAttribute("user.x"));
        }
    }

    @Test
    void anAttributeOutsideEveryNamespaceFailsWithEopnotsupp() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            ErrnoException get = assertThrows(ErrnoException.class, () -> opened.extendedAttribute("nonamespace"));
            assertEquals("getxattr", get.call());
            assertEquals(ErrnoException.EOPNOTSUPP, get.errno());
            assertEquals(file.toString(), get.name());
            ErrnoException set = assertThrows(ErrnoException.class, () -> opened.setExtendedAttribute("nonamespace", new byte[1]));
            assertEquals("setxattr", set.call());
            assertEquals(ErrnoException.EOPNOTSUPP, set.errno());
        }
    }

    @Test
    void setExtendedAttributeThroughAPathOnlyDescriptorThrowsEbadf() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile handle = pathOnly(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> handle.setExtendedAttribute("user.x", new byte[1]));
            assertEquals("setxattr", e.call());
            assertEquals(EBADF, e.errno());
        }
        try (NativeFile handle = pathOnly(file)) {
            assertFalse(handle.extendedAttributeNames().contains("user.x"));
        }
    }

    @Test
    void attributeCallsOnAClosedFileThrowIllegalStateException() throws IOException {
        NativeFile opened = NativeFile.openForReading(Files.writeString(dir.resolve("f"), "x"));
        opened.close();
        assertThrows(IllegalStateException.class, opened::extendedAttributeNames);
        assertThrows(IllegalStateException.class, () -> opened.extendedAttribute("user.x"));
        assertThrows(IllegalStateException.class, () -> opened.setExtendedAttribute("user.x", new byte[1]));
        assertThrows(IllegalStateException.class, () -> opened.changeMode(0600));
        assertThrows(IllegalStateException.class, () -> opened.changeOwner(-1, -1));
    }

    /** The file's {@code user.} attributes, sorted (others, e.g. {@code security.selinux}, depend on the machine). */
    private static List<String> userNames(NativeFile file) throws ErrnoException {
        return file.extendedAttributeNames().stream().filter(name -> name.startsWith("user.")).sorted().toList();
    }

    private static String names(NativeFile file) {
        try {
            return file.extendedAttributeNames().toString();
        } catch (ErrnoException e) {
            return e.getMessage();
        }
    }
}
