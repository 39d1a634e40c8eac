package mcp.nativebridge;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Times to the nanosecond ({@code futimens}, {@code utimensat}), a symbolic link's own owner
 * ({@code fchownat} without following) and {@code syncfs}, on real files.
 */
class NativeFileTimesTest {
    private static final int EBADF = 9;
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private static NativeFile openDirectory(Path directory) throws ErrnoException {
        return NativeFile.open(null, directory.toString(), 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY);
    }

    private static Instant accessed(FileStatus status) {
        return Instant.ofEpochSecond(status.accessedSeconds(), status.accessedNanos());
    }

    private static Instant modified(FileStatus status) {
        return Instant.ofEpochSecond(status.modifiedSeconds(), status.modifiedNanos());
    }

    private static Instant javaTime(Path file, String attribute) throws IOException {
        return ((FileTime) Files.getAttribute(file, attribute, NOFOLLOW_LINKS)).toInstant();
    }

    // ---- accessed time in FileStatus ----

    @Test
    void theAccessTimeIsWhatJavaReadsAndMovesOnlyWhenSet() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Instant access = Instant.ofEpochSecond(1_500_000_000L, 987_654_321);
        Files.setAttribute(file, "lastAccessTime", FileTime.from(access));
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertEquals(access, accessed(opened.status()));
            assertEquals(javaTime(file, "lastAccessTime"), accessed(opened.status()));
        }
    }

    // ---- setTimes through a descriptor ----

    @Test
    void setTimesSetsAccessAndModificationTimesToTheNanosecond() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            opened.setTimes(1_600_000_000L, 111_111_111, 1_700_000_000L, 222_222_223);
            FileStatus status = opened.status();
            assertEquals(Instant.ofEpochSecond(1_600_000_000L, 111_111_111), accessed(status));
            assertEquals(Instant.ofEpochSecond(1_700_000_000L, 222_222_223), modified(status));
        }
        assertEquals(Instant.ofEpochSecond(1_600_000_000L, 111_111_111), javaTime(file, "lastAccessTime"));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 222_222_223), javaTime(file, "lastModifiedTime"));
    }

    @Test
    void setTimesTakesTimesBefore1970AndOfADirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        try (NativeFile directory = openDirectory(sub)) {
            directory.setTimes(-86_400L, 5, -1L, 999_999_999);
            FileStatus status = directory.status();
            assertEquals(Instant.ofEpochSecond(-86_400L, 5), accessed(status));
            assertEquals(Instant.ofEpochSecond(-1L, 999_999_999), modified(status));
        }
    }

    @Test
    void setTimesWithNanosecondsOutOfRangeFailsWithEinval() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> opened.setTimes(0, 1_000_000_000, 0, 0));
            assertEquals("futimens", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
            assertEquals(file.toString(), e.name());
        }
    }

    @Test
    void setTimesThroughAPathOnlyDescriptorFailsWithEbadf() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile handle = NativeFile.open(null, file.toString(), 0, NativeFile.Open.PATH_ONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> handle.setTimes(1, 0, 1, 0));
            assertEquals("futimens", e.call());
            assertEquals(EBADF, e.errno());
        }
    }

    // ---- setTimes by directory and name ----

    @Test
    void setTimesWithoutFollowingSetsTheLinksOwnTimesAndLeavesTheTargetAlone() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("target"));
        Instant targetBefore = javaTime(target, "lastModifiedTime");
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.setTimes(directory, "link", false, 1_000_000_000L, 1, 1_100_000_000L, 2);
            FileStatus link = NativeFile.status(directory, "link", false);
            assertTrue(link.isSymbolicLink());
            assertEquals(Instant.ofEpochSecond(1_000_000_000L, 1), accessed(link));
            assertEquals(Instant.ofEpochSecond(1_100_000_000L, 2), modified(link));
            assertEquals(targetBefore, modified(NativeFile.status(directory, "target", false)));
        }
        assertEquals(Instant.ofEpochSecond(1_100_000_000L, 2), javaTime(dir.resolve("link"), "lastModifiedTime"));
    }

    @Test
    void setTimesFollowingSetsTheTargetsTimes() throws IOException {
        Files.writeString(dir.resolve("target"), "x");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("target"));
        try (NativeFile directory = openDirectory(dir)) {
            Instant linkBefore = modified(NativeFile.status(directory, "link", false));
            NativeFile.setTimes(directory, "link", true, 1_000_000_000L, 1, 1_100_000_000L, 2);
            assertEquals(Instant.ofEpochSecond(1_100_000_000L, 2), modified(NativeFile.status(directory, "target", false)));
            assertEquals(linkBefore, modified(NativeFile.status(directory, "link", false)));
        }
    }

    @Test
    void setTimesOfAMissingNameFailsWithEnoentNamingUtimensat() throws IOException {
        try (NativeFile directory = openDirectory(dir)) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> NativeFile.setTimes(directory, "missing", false, 1, 0, 1, 0));
            assertEquals("utimensat", e.call());
            assertEquals(ErrnoException.ENOENT, e.errno());
            assertEquals("missing", e.name());
        }
    }

    // ---- changeOwner by directory and name ----

    @Test
    void changeOwnerOfASymlinkAsRootGivesTheLinkAwayAndNotItsTarget() throws IOException {
        Assumptions.assumeTrue(Posix.effectiveUid() == 0, "only root can give a file away");
        Files.writeString(dir.resolve("target"), "x");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("target"));
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.changeOwner(directory, "link", NOBODY, NOBODY);
            FileStatus link = NativeFile.status(directory, "link", false);
            assertEquals(NOBODY, link.uid());
            assertEquals(NOBODY, link.gid());
            FileStatus target = NativeFile.status(directory, "target", false);
            assertEquals(0, target.uid());
            NativeFile.changeOwner(directory, "link", -1, 0);
            assertEquals(NOBODY, NativeFile.status(directory, "link", false).uid(), "-1 left the owner alone");
            assertEquals(0, NativeFile.status(directory, "link", false).gid());
        }
        assertEquals(NOBODY, Files.getAttribute(dir.resolve("link"), "unix:uid", NOFOLLOW_LINKS));
    }

    @Test
    void changeOwnerByNameToMinusOneLeavesBothAloneAndOfAMissingNameFailsWithEnoent() throws IOException {
        Files.createSymbolicLink(dir.resolve("link"), Path.of("nowhere"));
        try (NativeFile directory = openDirectory(dir)) {
            FileStatus before = NativeFile.status(directory, "link", false);
            NativeFile.changeOwner(directory, "link", -1, -1);
            FileStatus after = NativeFile.status(directory, "link", false);
            assertEquals(before.uid(), after.uid());
            assertEquals(before.gid(), after.gid());
            ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.changeOwner(directory, "missing", -1, -1));
            assertEquals("lchown", e.call());
            assertEquals(ErrnoException.ENOENT, e.errno());
            assertEquals("missing", e.name());
        }
    }

    // ---- syncFileSystem ----

    @Test
    void syncFileSystemSucceedsThroughAFileAndADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile opened = NativeFile.openForReading(file); NativeFile directory = openDirectory(dir)) {
            opened.syncFileSystem();
            directory.syncFileSystem();
        }
    }

    @Test
    void syncFileSystemThroughAPathOnlyDescriptorFailsWithEbadfAndOnAClosedFileThrows() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (NativeFile handle = NativeFile.open(null, file.toString(), 0, NativeFile.Open.PATH_ONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class, handle::syncFileSystem);
            assertEquals("syncfs", e.call());
            assertEquals(EBADF, e.errno());
        }
        NativeFile closed = NativeFile.openForReading(file);
        closed.close();
        assertThrows(IllegalStateException.class, closed::syncFileSystem);
        assertThrows(IllegalStateException.class, () -> closed.setTimes(1, 0, 1, 0));
        assertThrows(IllegalStateException.class, closed::list);
    }
}
