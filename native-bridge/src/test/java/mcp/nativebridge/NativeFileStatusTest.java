package mcp.nativebridge;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static mcp.nativebridge.PosixTest.octal;
import static mcp.nativebridge.PosixTest.run;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code statx} through an open file and through a directory and a name, and {@code fstatfs}. */
class NativeFileStatusTest {
    private static final long PROC_SUPER_MAGIC = 0x9fa0;

    @TempDir
    Path dir;

    /** {@code st_dev} as glibc's {@code makedev} packs a major and a minor number. */
    private static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    private static long stDev(FileStatus status) {
        return makedev(status.device() >>> 32, status.device() & 0xffffffffL);
    }

    private static Instant instant(long seconds, int nanos) {
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static Instant unixTime(Map<String, Object> unix, String attribute) {
        return ((FileTime) unix.get(attribute)).toInstant();
    }

    private static NativeFile openDirectory(Path directory) throws ErrnoException {
        return NativeFile.open(null, directory.toString(), 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY);
    }

    // ---- status() of an open file ----

    @Test
    void statusOfAnOpenFileAgreesWithWhatJavaReadsOfIt() throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[12345]);
        Files.createLink(dir.resolve("second-name"), file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Instant modified = instant(1_600_000_000L, 123_456_789);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        FileStatus status;
        try (NativeFile opened = NativeFile.openForReading(file)) {
            status = opened.status();
        }
        Map<String, Object> unix = Files.readAttributes(file, "unix:*", NOFOLLOW_LINKS);
        String[] stat = run("stat", "-c", "%b %B", file.toString()).trim().split(" ");
        assertAll(
                () -> assertEquals(octal((Integer) unix.get("mode")), octal(status.mode())),
                () -> assertEquals(FileStatus.S_IFREG | 0640, status.mode(), octal(status.mode())),
                () -> assertTrue(status.isRegularFile()),
                () -> assertEquals(0640, status.permissions()),
                () -> assertEquals(unix.get("uid"), status.uid()),
                () -> assertEquals(unix.get("gid"), status.gid()),
                () -> assertEquals(2L, status.links()),
                () -> assertEquals(((Integer) unix.get("nlink")).longValue(), status.links()),
                () -> assertEquals(12345L, status.sizeBytes()),
                () -> assertEquals(unix.get("size"), status.sizeBytes()),
                () -> assertEquals(unix.get("ino"), status.inode()),
                () -> assertEquals(unix.get("dev"), stDev(status), () -> "device " + Long.toHexString(status.device())),
                () -> assertEquals(Long.parseLong(stat[0]) * Long.parseLong(stat[1]), status.blocks512() * 512),
                () -> assertEquals(modified, instant(status.modifiedSeconds(), status.modifiedNanos())),
                () -> assertEquals(unixTime(unix, "lastModifiedTime"), instant(status.modifiedSeconds(), status.modifiedNanos())),
                () -> assertEquals(unixTime(unix, "ctime"), instant(status.changedSeconds(), status.changedNanos())));
    }

    @Test
    void statusOfADirectoryOpenedAsOneSaysDirectory() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        FileStatus status;
        try (NativeFile directory = openDirectory(dir)) {
            status = directory.status();
        }
        assertTrue(status.isDirectory(), () -> octal(status.mode()));
        assertFalse(status.isRegularFile());
        assertEquals(Files.getAttribute(dir, "unix:ino"), status.inode());
        // 3 (its name, "." and sub/..) on most file systems; btrfs counts 1 for every directory.
        assertEquals(((Integer) Files.getAttribute(dir, "unix:nlink")).longValue(), status.links());
    }

    @Test
    void twoFilesOnOneFileSystemShareTheDeviceButNotTheInodeAndAHardLinkIsTheSameFile() throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "a");
        Path b = Files.writeString(dir.resolve("b"), "b");
        Path alsoA = Files.createLink(dir.resolve("also-a"), a);
        try (NativeFile fa = NativeFile.openForReading(a); NativeFile fb = NativeFile.openForReading(b);
             NativeFile fAlsoA = NativeFile.openForReading(alsoA)) {
            FileStatus sa = fa.status();
            FileStatus sb = fb.status();
            assertEquals(sa.device(), sb.device());
            assertNotEquals(sa.inode(), sb.inode());
            assertFalse(sa.isSameFile(sb));
            assertTrue(sa.isSameFile(fAlsoA.status()));
        }
    }

    @Test
    void statusFollowsTheOpenFileAfterItsNameIsRemoved() throws IOException {
        Path file = Files.writeString(dir.resolve("doomed"), "0123456789");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            FileStatus before = opened.status();
            Files.delete(file);
            FileStatus after = opened.status();
            assertTrue(after.isSameFile(before));
            assertEquals(0, after.links());
            assertEquals(10, after.sizeBytes());
        }
    }

    @Test
    void isUnchangedSinceTellsAGrownOrRetouchedFileFromAnUntouchedOne() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "abc");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            FileStatus before = opened.status();
            assertTrue(opened.status().isUnchangedSince(before));
            Files.setLastModifiedTime(file, FileTime.from(instant(before.modifiedSeconds() - 10, 5)));
            FileStatus retouched = opened.status();
            assertFalse(retouched.isUnchangedSince(before));
            Files.writeString(file, "abcd");
            assertFalse(opened.status().isUnchangedSince(retouched));
            assertEquals(4, opened.status().sizeBytes());
        }
    }

    @Test
    void statusReportsTheImmutableAndAppendOnlyAttributes() throws Exception {
        Assumptions.assumeTrue(Posix.effectiveUid() == 0, "only root can set the immutable and append-only attributes");
        Assumptions.assumeTrue(PosixTest.onPath("chattr"), "chattr (e2fsprogs) is not installed");
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertEquals(0, opened.status().attributes() & (FileStatus.ATTR_IMMUTABLE | FileStatus.ATTR_APPEND));
            Process chattr = new ProcessBuilder("chattr", "+i", file.toString()).redirectErrorStream(true).start();
            String output = new String(chattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Assumptions.assumeTrue(chattr.waitFor() == 0, () -> "chattr +i: " + output);
            try {
                assertEquals(FileStatus.ATTR_IMMUTABLE, opened.status().attributes() & (FileStatus.ATTR_IMMUTABLE | FileStatus.ATTR_APPEND));
                run("chattr", "-i", "+a", file.toString());
                assertEquals(FileStatus.ATTR_APPEND, opened.status().attributes() & (FileStatus.ATTR_IMMUTABLE | FileStatus.ATTR_APPEND));
            } finally {
                run("chattr", "-i", "-a", file.toString());
            }
            assertEquals(0, opened.status().attributes() & (FileStatus.ATTR_IMMUTABLE | FileStatus.ATTR_APPEND));
        }
    }

    @Test
    void statusOfAFileOpenedPathOnlyAndNoFollowIsTheLinkItself() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "t");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        try (NativeFile opened = NativeFile.open(null, link.toString(), 0, NativeFile.Open.PATH_ONLY, NativeFile.Open.NO_FOLLOW)) {
            FileStatus status = opened.status();
            assertTrue(status.isSymbolicLink(), () -> octal(status.mode()));
            assertEquals(Files.getAttribute(link, "unix:ino", NOFOLLOW_LINKS), status.inode());
        }
    }

    // ---- status(directory, name, followLinks) ----

    @Test
    void statusOfASymlinkByNameIsTheLinkUnlessAskedToFollowIt() throws IOException {
        Path target = Files.writeString(dir.resolve("target.txt"), "0123456789");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("target.txt"));
        try (NativeFile directory = openDirectory(dir)) {
            FileStatus link = NativeFile.status(directory, "link", false);
            assertEquals(FileStatus.S_IFLNK, link.type(), () -> octal(link.mode()));
            assertTrue(link.isSymbolicLink());
            assertEquals("target.txt".length(), link.sizeBytes(), "a symlink's size is the length of what it holds");
            assertEquals(Files.getAttribute(dir.resolve("link"), "unix:ino", NOFOLLOW_LINKS), link.inode());

            FileStatus followed = NativeFile.status(directory, "link", true);
            assertEquals(FileStatus.S_IFREG, followed.type(), () -> octal(followed.mode()));
            assertEquals(10, followed.sizeBytes());
            assertEquals(Files.getAttribute(target, "unix:ino"), followed.inode());
            assertTrue(followed.isSameFile(NativeFile.status(directory, "target.txt", false)));
        }
    }

    @Test
    void statusWithoutADirectoryTakesAnAbsoluteName() throws IOException {
        Path target = Files.writeString(dir.resolve("target.txt"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertTrue(NativeFile.status(null, link.toString(), false).isSymbolicLink());
        assertEquals(Files.getAttribute(target, "unix:ino"), NativeFile.status(null, link.toString(), true).inode());
    }

    @Test
    void statusFollowingADanglingSymlinkFailsWithEnoentButTheLinkItselfHasAStatus() throws IOException {
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("not-there"));
        try (NativeFile directory = openDirectory(dir)) {
            assertTrue(NativeFile.status(directory, "dangling", false).isSymbolicLink());
            ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.status(directory, "dangling", true));
            assertEquals("stat", e.call());
            assertEquals(ErrnoException.ENOENT, e.errno());
            assertEquals("dangling", e.name());
        }
        assertFalse(Files.exists(dir.resolve("not-there"), NOFOLLOW_LINKS));
    }

    @Test
    void statusOfAMissingNameFailsWithEnoentAndOfANameUnderAFileWithEnotdir() throws IOException {
        Files.writeString(dir.resolve("file"), "x");
        try (NativeFile directory = openDirectory(dir)) {
            ErrnoException missing = assertThrows(ErrnoException.class, () -> NativeFile.status(directory, "missing", false));
            assertEquals(ErrnoException.ENOENT, missing.errno());
            ErrnoException under = assertThrows(ErrnoException.class, () -> NativeFile.status(directory, "file/x", false));
            assertEquals(ErrnoException.ENOTDIR, under.errno());
        }
    }

    // ---- fstatfs ----

    @Test
    void fileSystemTypeOfAFileUnderProcIsProcfsMagic() throws ErrnoException {
        try (NativeFile proc = NativeFile.openForReading("/proc/self/status")) {
            assertEquals(PROC_SUPER_MAGIC, proc.fileSystemType(), () -> Long.toHexString(PROC_SUPER_MAGIC));
        }
    }

    @Test
    void fileSystemTypeOfATemporaryFileIsWhatStatSaysAndNotProcfs() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        long type;
        try (NativeFile opened = NativeFile.openForReading(file)) {
            type = opened.fileSystemType();
        }
        assertNotEquals(PROC_SUPER_MAGIC, type);
        assertEquals(Long.parseLong(run("stat", "-f", "-c", "%t", file.toString()).trim(), 16), type, () -> Long.toHexString(type));
    }

    @Test
    void fileSystemAvailableBytesIsWhatStatvfsSays() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        long available;
        try (NativeFile opened = NativeFile.openForReading(file)) {
            available = opened.fileSystemAvailableBytes();
        }
        String[] stat = run("stat", "-f", "-c", "%a %S", file.toString()).trim().split(" ");
        long byStat = Long.parseLong(stat[0]) * Long.parseLong(stat[1]);
        long byJava = Files.getFileStore(file).getUsableSpace();
        long slack = 256L << 20; // other processes write meanwhile
        assertTrue(available > 0, "available " + available);
        assertTrue(Math.abs(available - byStat) <= slack, () -> available + " bytes, but stat -f says " + byStat);
        assertTrue(Math.abs(available - byJava) <= slack, () -> available + " bytes, but FileStore says " + byJava);
    }

    @Test
    void fileSystemAvailableBytesOfProcIsZero() throws ErrnoException {
        try (NativeFile proc = NativeFile.openForReading("/proc/self/status")) {
            assertEquals(0, proc.fileSystemAvailableBytes());
        }
    }

    @Test
    void statusAndStatfsOfAClosedFileThrowIllegalStateException() throws IOException {
        NativeFile opened = NativeFile.openForReading(Files.writeString(dir.resolve("f"), "x"));
        opened.close();
        assertAll(
                () -> assertThrows(IllegalStateException.class, opened::status),
                () -> assertThrows(IllegalStateException.class, opened::fileSystemType),
                () -> assertThrows(IllegalStateException.class, opened::fileSystemAvailableBytes),
                () -> assertThrows(IllegalStateException.class, () -> NativeFile.status(opened, "x", false)));
    }
}
