package mcp.nativebridge;

import static mcp.nativebridge.PosixTest.mode;
import static mcp.nativebridge.PosixTest.octal;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeFileTest {
    /** Not in ErrnoException's list; the values are the same on every Linux architecture mcp runs on. */
    private static final int EBADF = 9;
    private static final int EISDIR = 21;

    @TempDir
    Path dir;

    // ---- open ----

    @Test
    void openForReadingAMissingFileThrowsEnoentNamingCallPathAndReason() {
        Path missing = dir.resolve("missing.bin");
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.openForReading(missing));
        assertAll(
                () -> assertEquals("open", e.call()),
                () -> assertEquals(ErrnoException.ENOENT, e.errno()),
                () -> assertEquals("No such file or directory", e.reason()),
                () -> assertEquals(missing.toString(), e.name()),
                () -> assertTrue(e.getMessage().contains(missing.toString()), e.getMessage()),
                () -> assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage()),
                () -> assertEquals("open '" + missing + "': No such file or directory (errno 2)", e.getMessage()));
        assertFalse(Files.exists(missing, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void openForWritingAMissingFileThrowsEnoentAndDoesNotCreateIt() {
        Path missing = dir.resolve("missing.bin");
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.openForWriting(missing));
        assertEquals(ErrnoException.ENOENT, e.errno());
        assertFalse(Files.exists(missing, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void openForWritingADirectoryThrowsEisdir() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.openForWriting(dir));
        assertEquals("open", e.call());
        assertEquals(EISDIR, e.errno());
        assertEquals(dir.toString(), e.name());
    }

    @Test
    void openForReadingAnExistingFileKeepsItsPath() throws IOException {
        Path file = Files.writeString(dir.resolve("a.txt"), "abc");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertEquals(file, opened.path());
            assertTrue(opened.toString().contains(file.toString()), opened.toString());
        }
        assertEquals("abc", Files.readString(file));
    }

    @Test
    void openHandlesNonAsciiFileNames() throws IOException {
        Path file = Files.writeString(dir.resolve("r\u00e9sum\u00e9-\u65e5\u672c.txt"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertEquals(file, opened.path());
        }
        Path created = dir.resolve("cr\u00e9\u00e9-\u00fc.bin");
        NativeFile.createExclusive(created, 0600).close();
        assertTrue(Files.isRegularFile(created, LinkOption.NOFOLLOW_LINKS));
    }

    // ---- createExclusive ----

    @Test
    void createExclusiveCreatesAnEmptyFileWithTheRequestedModeLessTheUmask() throws IOException {
        int mask = Posix.umask();
        Path file = dir.resolve("new.bin");
        try (NativeFile created = NativeFile.createExclusive(file, 0600)) {
            assertEquals(file, created.path());
        }
        assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, Files.size(file));
        assertEquals(permissions(0600 & ~mask), Files.getPosixFilePermissions(file), () -> "umask " + octal(mask));
        assertEquals(octal(0600 & ~mask), octal(mode(file)));
    }

    @Test
    void createExclusiveAppliesTheUmaskToAWideMode() throws IOException {
        int mask = Posix.umask();
        Path file = dir.resolve("wide.bin");
        NativeFile.createExclusive(file, 0666).close();
        assertEquals(octal(0666 & ~mask), octal(mode(file)), () -> "umask " + octal(mask));
    }

    @Test
    void createExclusiveFailsWithEexistWhenTheFileExistsAndLeavesItAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("exists.txt"), "keep me");
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.createExclusive(file, 0600));
        assertEquals("open", e.call());
        assertEquals(ErrnoException.EEXIST, e.errno());
        assertEquals(file.toString(), e.name());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void createExclusiveFailsWithEexistOnADanglingSymlinkAndDoesNotCreateItsTarget() throws IOException {
        Path target = dir.resolve("target-not-there.bin");
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), target);
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.createExclusive(link, 0600));
        assertEquals("open", e.call());
        assertEquals(ErrnoException.EEXIST, e.errno());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "the symlink's target was created");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(target, Files.readSymbolicLink(link));
    }

    @Test
    void createExclusiveFailsWithEexistOnASymlinkToAnExistingFileAndLeavesTheTargetAlone() throws IOException {
        Path target = Files.writeString(dir.resolve("target.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.createExclusive(link, 0600));
        assertEquals(ErrnoException.EEXIST, e.errno());
        assertEquals("keep me", Files.readString(target));
    }

    @Test
    void createExclusiveInAMissingDirectoryFailsWithEnoent() {
        Path file = dir.resolve("no-such-dir").resolve("f.bin");
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.createExclusive(file, 0600));
        assertEquals(ErrnoException.ENOENT, e.errno());
    }

    // ---- reserve and truncate ----

    @Test
    void reserveThenTruncateGivesTheFileThatSize() throws IOException {
        long length = 3 * Posix.pageSize() + 17;
        Path file = dir.resolve("sized.bin");
        boolean reserved;
        try (NativeFile created = NativeFile.createExclusive(file, 0600)) {
            reserved = created.reserve(length);
            if (!reserved) {
                assertEquals(0, Files.size(file), "reserve returned false but changed the file");
            }
            created.truncate(length);
        }
        assertEquals(length, Files.size(file));
        assertArrayEquals(new byte[(int) length], Files.readAllBytes(file));
        String type = Files.getFileStore(dir).type();
        if (Set.of("ext4", "tmpfs", "xfs", "btrfs").contains(type)) {
            assertTrue(reserved, "fallocate is supported on " + type);
        }
    }

    @Test
    void reserveAloneExtendsTheFileToTheReservedLength() throws IOException {
        long length = 2 * Posix.pageSize();
        Path file = dir.resolve("reserved.bin");
        try (NativeFile created = NativeFile.createExclusive(file, 0600)) {
            if (created.reserve(length)) {
                assertEquals(length, Files.size(file));
            } else {
                assertEquals(0, Files.size(file), "reserve returned false but changed the file");
            }
        }
    }

    @Test
    void reserveKeepsBytesAlreadyInTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("has-data.txt"), "hello");
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            opened.reserve(Posix.pageSize());
        }
        byte[] bytes = Files.readAllBytes(file);
        assertEquals("hello", new String(bytes, 0, 5, StandardCharsets.US_ASCII));
    }

    @Test
    void truncateToASmallerSizeShrinksTheFileAndKeepsTheStart() throws IOException {
        Path file = Files.writeString(dir.resolve("shrink.txt"), "0123456789");
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            opened.truncate(4);
        }
        assertEquals(4, Files.size(file));
        assertEquals("0123", Files.readString(file));
    }

    @Test
    void truncateToZeroEmptiesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("empty.txt"), "0123456789");
        try (NativeFile opened = NativeFile.openForWriting(file)) {
            opened.truncate(0);
        }
        assertEquals(0, Files.size(file));
    }

    @Test
    void truncateOfAFileOpenedForReadingFailsWithFtruncateEinval() throws IOException {
        Path file = Files.writeString(dir.resolve("ro.txt"), "0123456789");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> opened.truncate(2));
            assertEquals("ftruncate", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
            assertEquals(file.toString(), e.name());
        }
        assertEquals("0123456789", Files.readString(file));
    }

    @Test
    void reserveOnAFileOpenedForReadingThrowsFallocateEbadfRatherThanReturningFalse() throws IOException {
        Path file = Files.writeString(dir.resolve("ro.txt"), "0123456789");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> opened.reserve(1 << 20));
            assertEquals("fallocate", e.call());
            assertEquals(EBADF, e.errno());
            assertEquals(file.toString(), e.name());
        }
        assertEquals(10, Files.size(file));
    }

    // ---- posix_fadvise ----

    @Test
    void adviseSequentialSucceedsOnAnOpenFile() throws IOException {
        Path file = Files.write(dir.resolve("advised.bin"), new byte[8192]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            assertDoesNotThrow(() -> opened.adviseSequential(0, 8192));
            assertDoesNotThrow(() -> opened.adviseSequential(0, 0)); // 0 means "to the end of the file"
        }
    }

    @Test
    void adviseSequentialWithANegativeLengthThrowsTheErrnoPosixFadviseReturns() throws IOException {
        Path file = Files.write(dir.resolve("advised.bin"), new byte[8192]);
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> opened.adviseSequential(0, -1));
            assertEquals("posix_fadvise", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
            assertEquals(file.toString(), e.name());
        }
    }

    // ---- close ----

    @Test
    void closeTwiceIsHarmless() throws IOException {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        NativeFile opened = NativeFile.openForReading(file);
        opened.close();
        assertDoesNotThrow(opened::close);
    }

    @Test
    void everyOperationAfterCloseThrowsIllegalStateException() throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[8192]);
        NativeFile opened = NativeFile.openForWriting(file);
        opened.close();
        long page = Posix.pageSize();
        assertAll(
                () -> assertThrows(IllegalStateException.class, () -> opened.reserve(page)),
                () -> assertThrows(IllegalStateException.class, () -> opened.truncate(0)),
                () -> assertThrows(IllegalStateException.class, () -> opened.adviseSequential(0, page)),
                () -> assertThrows(IllegalStateException.class, () -> opened.map(0, page, Mapping.Access.READ_ONLY)),
                () -> assertThrows(IllegalStateException.class, () -> opened.map(0, page, Mapping.Access.READ_WRITE)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opened.truncate(0));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(file, opened.path());
        assertEquals(8192, Files.size(file));
    }

    /** The permission set of {@code mode}, built from its "rwx" string so the bits are not read the way {@link PosixTest#mode} reads them. */
    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) == 0 ? '-' : "rwx".charAt((8 - bit) % 3));
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    // ---- ErrnoException ----

    @Test
    void errnoExceptionWithoutAPathLeavesThePathOutOfTheMessage() {
        ErrnoException e = ErrnoException.of("close", EBADF, null);
        assertNull(e.name());
        assertEquals("Bad file descriptor", e.reason());
        assertEquals("close: Bad file descriptor (errno 9)", e.getMessage());
    }

    @Test
    void errnoExceptionReasonIsStrerrorsText() {
        assertEquals("Permission denied", ErrnoException.of("mmap", ErrnoException.EACCES, null).reason());
        assertEquals("File exists", ErrnoException.of("open", ErrnoException.EEXIST, null).reason());
        assertEquals("Invalid argument", ErrnoException.of("open", ErrnoException.EINVAL, null).reason());
        assertEquals("No space left on device", ErrnoException.of("fallocate", ErrnoException.ENOSPC, null).reason());
        assertEquals("Operation not supported", ErrnoException.of("fallocate", ErrnoException.EOPNOTSUPP, null).reason());
    }

    @Test
    void errnoExceptionForAnUnknownErrnoStillHasAReason() {
        ErrnoException e = ErrnoException.of("open", 99999, null);
        assertFalse(e.reason().isEmpty());
        assertTrue(e.getMessage().endsWith("(errno 99999)"), e.getMessage());
    }
}
