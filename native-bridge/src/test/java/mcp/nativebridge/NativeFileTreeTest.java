package mcp.nativebridge;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static mcp.nativebridge.PosixTest.octal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls that make and read a tree through a directory's descriptor: {@code mkdirat},
 * {@code symlinkat}, {@code readlinkat}, {@code linkat}, {@code mknodat}, {@code getdents64},
 * and {@code openat} of an entry without following it.
 */
class NativeFileTreeTest {
    @TempDir
    Path dir;

    private static NativeFile openDirectory(Path directory) throws ErrnoException {
        return NativeFile.open(null, directory.toString(), 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY);
    }

    /** A name of the bytes given, as {@link FileNames} carries it. */
    private static String name(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return FileNames.decode(b);
    }

    /** The directory's entries as {@code find} prints them, raw bytes, without going through Java's file names. */
    private static List<String> namesByFind(Path directory) throws Exception {
        Process find = new ProcessBuilder("find", directory.toString(), "-mindepth", "1", "-maxdepth", "1", "-printf", "%f\\0").start();
        byte[] out = find.getInputStream().readAllBytes();
        assertTrue(find.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, find.exitValue());
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                names.add(FileNames.decode(Arrays.copyOfRange(out, start, i)));
                start = i + 1;
            }
        }
        return names;
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    // ---- makeDirectory ----

    @Test
    void makeDirectoryMakesItInTheGivenDirectoryWithTheModeLessTheUmask() throws IOException {
        int mask = Posix.umask();
        Path sub = Files.createDirectory(dir.resolve("sub"));
        try (NativeFile directory = openDirectory(sub)) {
            NativeFile.makeDirectory(directory, "new", 0777);
        }
        assertTrue(Files.isDirectory(sub.resolve("new"), NOFOLLOW_LINKS));
        assertFalse(Files.exists(dir.resolve("new")), "made relative to the working directory, not the given one");
        assertEquals(octal(0777 & ~mask), octal(PosixTest.mode(sub.resolve("new"))));
    }

    @Test
    void makeDirectoryOverADanglingSymlinkFailsWithEexistAndMakesNoTarget() throws IOException {
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("target"));
        try (NativeFile directory = openDirectory(dir)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.makeDirectory(directory, "dangling", 0700));
            assertEquals("mkdir", e.call());
            assertEquals(ErrnoException.EEXIST, e.errno());
            assertEquals("dangling", e.name());
        }
        assertFalse(Files.exists(dir.resolve("target"), NOFOLLOW_LINKS));
    }

    // ---- makeSymbolicLink and readSymbolicLink ----

    @Test
    void aSymbolicLinkHoldsWhatItWasGivenAndReadsBackEvenDangling() throws IOException {
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.makeSymbolicLink("../not/there", directory, "link");
            assertEquals("../not/there", NativeFile.readSymbolicLink(directory, "link"));
        }
        assertEquals(Path.of("../not/there"), Files.readSymbolicLink(dir.resolve("link")));
    }

    @Test
    void aTargetOfBytesThatAreNotUtf8RoundTrips() throws Exception {
        byte[] bytes = {'a', (byte) 0xff, (byte) 0xc3, '/', (byte) 0xe9, '\n', 'b'};
        String target = FileNames.decode(bytes);
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.makeSymbolicLink(target, directory, "link");
            String read = NativeFile.readSymbolicLink(directory, "link");
            assertEquals(target, read);
            assertArrayEquals(bytes, FileNames.encode(read));
        }
        Process readlink = new ProcessBuilder("readlink", dir.resolve("link").toString()).start();
        byte[] printed = readlink.getInputStream().readAllBytes();
        assertEquals(0, readlink.waitFor());
        assertArrayEquals(bytes, Arrays.copyOf(printed, printed.length - 1), "what readlink(1) prints, less its newline");
    }

    @Test
    void longTargetsAreReadWholeUpToTheLongestALinkCanHold() throws IOException {
        try (NativeFile directory = openDirectory(dir)) {
            for (int length : new int[] {255, 256, 257, 511, 512, 4095}) {
                String target = "d/".repeat(length / 2) + (length % 2 == 1 ? "x" : "");
                assertEquals(length, target.length());
                NativeFile.makeSymbolicLink(target, directory, "link" + length);
                assertEquals(target, NativeFile.readSymbolicLink(directory, "link" + length), "length " + length);
            }
        }
    }

    @Test
    void readSymbolicLinkReadsOnlyTheLinkNamedNotTheOneItPointsTo() throws IOException {
        Files.createSymbolicLink(dir.resolve("second"), Path.of("final"));
        Files.createSymbolicLink(dir.resolve("first"), Path.of("second"));
        try (NativeFile directory = openDirectory(dir)) {
            assertEquals("second", NativeFile.readSymbolicLink(directory, "first"));
        }
    }

    @Test
    void readSymbolicLinkOfARegularFileFailsWithEinval() throws IOException {
        Files.writeString(dir.resolve("file"), "x");
        try (NativeFile directory = openDirectory(dir)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.readSymbolicLink(directory, "file"));
            assertEquals("readlink", e.call());
            assertEquals(ErrnoException.EINVAL, e.errno());
            assertEquals("file", e.name());
        }
    }

    @Test
    void makeSymbolicLinkOverAnExistingNameFailsWithEexistAndLeavesItAlone() throws IOException {
        Files.writeString(dir.resolve("taken"), "x");
        try (NativeFile directory = openDirectory(dir)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.makeSymbolicLink("t", directory, "taken"));
            assertEquals("symlink", e.call());
            assertEquals(ErrnoException.EEXIST, e.errno());
        }
        assertEquals("x", Files.readString(dir.resolve("taken")));
    }

    // ---- link ----

    @Test
    void linkGivesTheFileASecondNameInAnotherDirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path other = Files.createDirectory(dir.resolve("other"));
        try (NativeFile from = openDirectory(dir); NativeFile to = openDirectory(other)) {
            NativeFile.link(from, "file", to, "again");
            FileStatus status = NativeFile.status(to, "again", false);
            assertTrue(status.isSameFile(NativeFile.status(from, "file", false)));
            assertEquals(2, status.links());
        }
        assertTrue(Files.isSameFile(file, other.resolve("again")));
    }

    @Test
    void linkOfASymbolicLinkLinksTheLinkItself() throws IOException {
        Files.writeString(dir.resolve("target"), "x");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("target"));
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.link(directory, "link", directory, "link2");
            FileStatus second = NativeFile.status(directory, "link2", false);
            assertTrue(second.isSymbolicLink());
            assertTrue(second.isSameFile(NativeFile.status(directory, "link", false)));
            assertEquals(1, NativeFile.status(directory, "target", false).links(), "the target got no second name");
        }
    }

    @Test
    void linkOverAnExistingNameFailsWithEexistNamingTheNewName() throws IOException {
        Files.writeString(dir.resolve("a"), "a");
        Files.writeString(dir.resolve("b"), "b");
        try (NativeFile directory = openDirectory(dir)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.link(directory, "a", directory, "b"));
            assertEquals("link", e.call());
            assertEquals(ErrnoException.EEXIST, e.errno());
            assertEquals("b", e.name());
        }
        assertEquals("b", Files.readString(dir.resolve("b")));
    }

    // ---- makeFifo and makeNode ----

    @Test
    void makeFifoMakesANamedPipeWithTheModeLessTheUmask() throws IOException {
        int mask = Posix.umask();
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.makeFifo(directory, "pipe", 0666);
            FileStatus status = NativeFile.status(directory, "pipe", false);
            assertEquals(FileStatus.S_IFIFO, status.type(), () -> octal(status.mode()));
            assertEquals(octal(0666 & ~mask), octal(status.permissions()));
            assertEquals(0, status.rdev());
            assertFalse(status.isDeviceNode());
            ErrnoException again = assertThrows(ErrnoException.class, () -> NativeFile.makeFifo(directory, "pipe", 0600));
            assertEquals("mknod", again.call());
            assertEquals(ErrnoException.EEXIST, again.errno());
        }
        assertEquals(FileStatus.S_IFIFO, (Integer) Files.getAttribute(dir.resolve("pipe"), "unix:mode", NOFOLLOW_LINKS) & FileStatus.S_IFMT);
    }

    @Test
    void rdevOfDevNullIsMajorOneMinorThreeAndADeviceNodeMadeFromItIsTheSame() throws IOException {
        FileStatus devNull = NativeFile.status(null, "/dev/null", false);
        assertTrue(devNull.isDeviceNode());
        assertEquals(FileStatus.S_IFCHR, devNull.type());
        assertEquals((1L << 32) | 3, devNull.rdev(), () -> Long.toHexString(devNull.rdev()));
        Assumptions.assumeTrue(Posix.effectiveUid() == 0, "only root can make device nodes");
        try (NativeFile directory = openDirectory(dir)) {
            try {
                NativeFile.makeNode(directory, "null", FileStatus.S_IFCHR | 0600, devNull.rdev());
            } catch (ErrnoException e) {
                Assumptions.assumeFalse(e.errno() == ErrnoException.EPERM, () -> "no CAP_MKNOD here: " + e.getMessage());
                throw e;
            }
            FileStatus made = NativeFile.status(directory, "null", false);
            assertEquals(FileStatus.S_IFCHR, made.type());
            assertEquals(devNull.rdev(), made.rdev());
        }
        assertEquals(NativeFile.devT(devNull.rdev()), ((Number) Files.getAttribute(dir.resolve("null"), "unix:rdev")).longValue(),
                "st_rdev as glibc packs it");
    }

    @Test
    void aDeviceWithLargeMajorAndMinorNumbersKeepsThem() throws IOException {
        Assumptions.assumeTrue(Posix.effectiveUid() == 0, "only root can make device nodes");
        long rdev = (0xabcL << 32) | 0xfedcbL; // 12-bit major, 20-bit minor: the most the kernel keeps
        try (NativeFile directory = openDirectory(dir)) {
            try {
                NativeFile.makeNode(directory, "block", FileStatus.S_IFBLK | 0600, rdev);
            } catch (ErrnoException e) {
                Assumptions.assumeFalse(e.errno() == ErrnoException.EPERM, () -> "no CAP_MKNOD here: " + e.getMessage());
                throw e;
            }
            FileStatus made = NativeFile.status(directory, "block", false);
            assertEquals(FileStatus.S_IFBLK, made.type());
            assertEquals(Long.toHexString(rdev), Long.toHexString(made.rdev()));
        }
    }

    @Test
    void theRawMknodatSystemCallMakesWhatTheGlibcFunctionDoes() throws IOException {
        try (NativeFile directory = openDirectory(dir)) {
            assertEquals(0, LibC.syscallMknodat(directory.descriptor(), FileNames.encodeForC("pipe"), FileStatus.S_IFIFO | 0600, 0));
            assertEquals(FileStatus.S_IFIFO, NativeFile.status(directory, "pipe", false).type());
            assertEquals(-1, LibC.syscallMknodat(directory.descriptor(), FileNames.encodeForC("pipe"), FileStatus.S_IFIFO | 0600, 0));
            assertEquals(ErrnoException.EEXIST, com.sun.jna.Native.getLastError());
            if (Posix.effectiveUid() == 0) {
                long rdev = (0xabcL << 32) | 0xfedcbL;
                int result = LibC.syscallMknodat(directory.descriptor(), FileNames.encodeForC("chr"), FileStatus.S_IFCHR | 0600,
                        NativeFile.devT(rdev));
                Assumptions.assumeTrue(result == 0 || com.sun.jna.Native.getLastError() != ErrnoException.EPERM, "no CAP_MKNOD here");
                assertEquals(0, result);
                assertEquals(Long.toHexString(rdev), Long.toHexString(NativeFile.status(directory, "chr", false).rdev()));
            }
        }
    }

    // ---- list ----

    @Test
    void listGivesEveryKindOfEntryButDotAndDotDot() throws IOException {
        Files.writeString(dir.resolve("file"), "x");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/inner"), "not listed");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("nowhere"));
        Files.writeString(dir.resolve(".hidden"), "x");
        Files.writeString(dir.resolve("..."), "x");
        Files.writeString(dir.resolve("..a"), "x");
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.makeFifo(directory, "pipe", 0600);
            assertEquals(List.of("...", "..a", ".hidden", "file", "link", "pipe", "sub"), sorted(directory.list()));
        }
    }

    @Test
    void anEmptyDirectoryListsNothing() throws IOException {
        try (NativeFile directory = openDirectory(Files.createDirectory(dir.resolve("empty")))) {
            assertEquals(List.of(), directory.list());
        }
    }

    @Test
    void namesOfAnyBytesAreListedAsTheNamesThatReachThem() throws Exception {
        List<String> odd = List.of(
                name(0xff), name('a', 0xc3), name(0xed, 0xa0, 0x80), "r\u00e9sum\u00e9", "\u65e5\u672c", "new\nline",
                "back\\slash", " ", "x".repeat(255), name('b', 0x80, 0x80, 'c'), "\ud83d\ude00");
        try (NativeFile directory = openDirectory(dir)) {
            for (String name : odd) {
                NativeFile.open(directory, name, 0600, NativeFile.Open.WRITE, NativeFile.Open.CREATE_NEW).close();
            }
            List<String> listed = directory.list();
            assertEquals(sorted(odd), sorted(listed));
            assertEquals(sorted(namesByFind(dir)), sorted(listed), "what find(1) reads, byte for byte");
            for (String name : listed) {
                assertTrue(NativeFile.status(directory, name, false).isRegularFile(), name);
            }
        }
    }

    @Test
    void aDirectoryLargerThanOneReadIsListedWhole() throws IOException {
        // Records of 100-byte names take about 128 bytes: three thousand need a dozen getdents64 calls.
        List<String> names = new ArrayList<>();
        try (NativeFile directory = openDirectory(dir)) {
            for (int i = 0; i < 3000; i++) {
                String name = String.format("%04d-", i) + "n".repeat(95);
                NativeFile.open(directory, name, 0600, NativeFile.Open.WRITE, NativeFile.Open.CREATE_NEW).close();
                names.add(name);
            }
            List<String> listed = directory.list();
            assertEquals(3000, listed.size());
            assertEquals(names, sorted(listed));
        }
    }

    @Test
    void listWorksTwiceAndThroughAPathOnlyHandle() throws IOException {
        Files.writeString(dir.resolve("a"), "a");
        Files.writeString(dir.resolve("b"), "b");
        try (NativeFile directory = openDirectory(dir);
             NativeFile handle = NativeFile.open(null, dir.toString(), 0, NativeFile.Open.PATH_ONLY, NativeFile.Open.DIRECTORY)) {
            assertEquals(List.of("a", "b"), sorted(directory.list()));
            assertEquals(List.of("a", "b"), sorted(directory.list()), "a second listing starts from the start again");
            assertEquals(List.of("a", "b"), sorted(handle.list()));
        }
    }

    @Test
    void listOfARegularFileFailsWithEnotdirNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        try (NativeFile opened = NativeFile.openForReading(file)) {
            ErrnoException e = assertThrows(ErrnoException.class, opened::list);
            assertEquals("open", e.call());
            assertEquals(ErrnoException.ENOTDIR, e.errno());
            assertEquals(file.toString(), e.name());
        }
    }

    @Test
    void theRawGetdents64SystemCallReadsWhatTheGlibcFunctionDoes() throws IOException {
        Files.writeString(dir.resolve("a"), "a");
        try (NativeFile directory = openDirectory(dir)) {
            NativeFile.makeDirectory(directory, name('d', 0xfe), 0700);
            byte[] buffer = new byte[4096];
            long got = LibC.syscallGetdents64(directory.descriptor(), buffer, buffer.length);
            assertTrue(got > 0, "getdents64 returned " + got);
            List<String> names = new ArrayList<>();
            NativeFile.addNames(ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()), (int) got, names);
            assertEquals(0, LibC.syscallGetdents64(directory.descriptor(), buffer, buffer.length), "then the end");
            assertEquals(sorted(directory.list()), sorted(names));
            assertEquals(2, names.size());
        }
    }

    @Test
    void addNamesSkipsOnlyTheExactDotEntries() {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (String name : List.of(".", "..", ".a", "..b", "...", "c")) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            int length = (19 + bytes.length + 1 + 7) & ~7;
            ByteBuffer record = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
            record.putLong(0, new Random(name.hashCode()).nextLong()).putShort(16, (short) length).put(18, (byte) 4);
            record.put(19, bytes);
            records.writeBytes(record.array());
        }
        List<String> names = new ArrayList<>();
        byte[] all = records.toByteArray();
        NativeFile.addNames(ByteBuffer.wrap(all).order(ByteOrder.nativeOrder()), all.length, names);
        assertEquals(List.of(".a", "..b", "...", "c"), names);
    }

    // ---- open without following ----

    @Test
    void openingASymlinkToADirectoryAsADirectoryWithoutFollowingFails() throws IOException {
        Files.createDirectory(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("real"));
        try (NativeFile directory = openDirectory(dir)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFile.open(directory, "link", 0,
                    NativeFile.Open.READ, NativeFile.Open.DIRECTORY, NativeFile.Open.NO_FOLLOW));
            assertEquals("open", e.call());
            assertEquals(ErrnoException.ENOTDIR, e.errno(), e.getMessage());
            try (NativeFile real = NativeFile.open(directory, "real", 0,
                    NativeFile.Open.READ, NativeFile.Open.DIRECTORY, NativeFile.Open.NO_FOLLOW)) {
                assertTrue(real.status().isDirectory());
            }
            try (NativeFile link = NativeFile.open(directory, "link", 0, NativeFile.Open.PATH_ONLY, NativeFile.Open.NO_FOLLOW)) {
                assertTrue(link.status().isSymbolicLink(), "PATH_ONLY with NO_FOLLOW holds the link itself");
            }
        }
    }
}
