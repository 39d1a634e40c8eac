package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.Unprivileged;
import mcp.nativebridge.Posix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root copies with mcp into a directory another user can write, while that user (nobody, through
 * setpriv) attacks the copies' scratch files: {@link ScratchAttacker} replaces them with links to
 * a secret and to a victim file, moves them away and puts files of its own under their names,
 * plants links under names they could have, and tries to open the coordinator's descriptors
 * through /proc. After every copy: mcp either made DEST the exact copy (a regular file, SOURCE's
 * bytes, the mode it must have) and exited 0, or failed with status 1 and left DEST as it was (or
 * absent); the victim and the secret are unchanged. After all copies: the secret's bytes are in no
 * file but itself, and no file the attacker can read holds bytes it could not read before. The
 * coordinator runs in the test's JVM, as root, with real worker JVMs.
 */
class AttackerTest {
    private static final int COPIES = 30;
    private static final byte[] SECRET_MARK = "SECRET-0123456789abcdef-SECRET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SOURCE_MARK = "SOURCE-fedcba9876543210-SOURCE".getBytes(StandardCharsets.US_ASCII);
    private static final long[] SIZES = {(2L << 20) + 1, 3L << 20, (6L << 20) + 4099};

    @TempDir
    Path root;

    private Path secret;
    private Path victim;
    private byte[] secretBytes;
    private byte[] victimBytes;
    private final List<Path> sources = new ArrayList<>();

    @BeforeEach
    void requireRoot() throws IOException {
        Unprivileged.openUp(root);
        boolean asRoot = Unprivileged.runningAsRoot();
        if (!asRoot) {
            System.out.println("AttackerTest skipped: it needs root, to copy as root while user nobody attacks");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(asRoot, "needs root, to copy as root while user nobody attacks");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        secret = root.resolve("secret");
        secretBytes = marked(SECRET_MARK, 1 << 16, 1);
        Files.write(secret, secretBytes);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        victim = root.resolve("victim");
        victimBytes = marked("VICTIM".getBytes(StandardCharsets.US_ASCII), 1 << 12, 2);
        Files.write(victim, victimBytes);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Path sourceDir = Files.createDirectory(root.resolve("sources"));
        for (int i = 0; i < SIZES.length; i++) {
            Path source = sourceDir.resolve("source-" + i);
            Files.write(source, marked(SOURCE_MARK, (int) SIZES[i], 10 + i));
            // Root's own: what the attacker could never read.
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-------"));
            sources.add(source);
        }
    }

    /** {@code length} random bytes from {@code seed} with {@code mark} at the start and every 4 KiB. */
    private static byte[] marked(byte[] mark, int length, long seed) {
        byte[] bytes = new byte[length];
        new java.util.SplittableRandom(seed).nextBytes(bytes);
        for (int at = 0; at + mark.length <= length; at += 4096) {
            System.arraycopy(mark, 0, bytes, at, mark.length);
        }
        return bytes;
    }

    @Test
    void aWorldWritableDirectory() throws Exception {
        Path shared = Files.createDirectory(root.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path stash = ownedByNobody(Files.createDirectory(root.resolve("stash")));
        attackedCopies("world-writable directory", shared, stash);
    }

    @Test
    void aDirectoryOfTheAttackersInAStickyDirectory() throws Exception {
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(tmp, "unix:mode", 01777);
        Path theirs = ownedByNobody(Files.createDirectory(tmp.resolve("theirs")));
        Path stash = ownedByNobody(Files.createDirectory(tmp.resolve("stash")));
        attackedCopies("attacker's directory in a sticky directory", theirs, stash);
    }

    /**
     * SOURCE named through a link in the attacker's directory, which the attacker keeps flipping
     * between two of root's files, A (mode 0644) and B (0600, another size): each copy is exactly
     * A or exactly B, and has the mode of the file whose bytes it holds, i.e. of the file the
     * coordinator opened (the workers and the mode follow that file, not the name).
     */
    @Test
    void aSourceLinkFlippedWhileMcpStarts() throws Exception {
        Path flip = ownedByNobody(Files.createDirectory(root.resolve("flip")));
        Path a = root.resolve("a");
        Files.write(a, marked("AAAA".getBytes(StandardCharsets.US_ASCII), (3 << 20) + 17, 31));
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-r--r--"));
        Path b = root.resolve("b");
        Files.write(b, marked("BBBB".getBytes(StandardCharsets.US_ASCII), (5 << 20) + 4099, 32));
        Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rw-------"));
        Path out = Files.createDirectory(root.resolve("out"));
        Path link = flip.resolve("link");
        String loop = "cd \"$1\" && ln -s \"$2\" link && while :; do ln -sfn \"$3\" t && mv -Tf t link;"
                + " ln -sfn \"$2\" t && mv -Tf t link; done";
        Process flipper = new ProcessBuilder("setpriv", "--reuid=" + Unprivileged.NOBODY, "--regid=" + Unprivileged.NOBODY,
                "--clear-groups", "--", "sh", "-c", loop, "sh", flip.toString(), a.toString(), b.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int umask = Posix.umask();
        Map<String, Integer> got = new TreeMap<>();
        try {
            mcp.fixtures.Poll.until("the attacker made the link", java.time.Duration.ofSeconds(30),
                    () -> Files.isSymbolicLink(link));
            for (int i = 0; i < 20; i++) {
                assertTrue(flipper.isAlive(), "the attacker keeps flipping the link");
                Path dest = out.resolve("copy-" + i);
                Processes.Result result = McpRunner.run("-n", 2, "--chunk-size", "1M", link, dest);
                if (result.exitCode() != 0) {
                    assertEquals(1, result.exitCode(), result.toString());
                    assertFalse(Files.exists(dest, LinkOption.NOFOLLOW_LINKS), "no DEST after a failed copy: " + result);
                    got.merge("failed: " + result.err().strip(), 1, Integer::sum);
                    continue;
                }
                if (TestFiles.firstDifference(a, dest) == -1) {
                    assertEquals(0644 & ~umask, mode(dest), "a copy of A has A's mode less the umask: " + result);
                    got.merge("A", 1, Integer::sum);
                } else if (TestFiles.firstDifference(b, dest) == -1) {
                    assertEquals(0600 & ~umask, mode(dest), "a copy of B has B's mode less the umask: " + result);
                    got.merge("B", 1, Integer::sum);
                } else {
                    fail("copy " + i + " is neither A nor B (" + Files.size(dest) + " bytes): " + result);
                }
            }
        } finally {
            flipper.descendants().forEach(ProcessHandle::destroyForcibly);
            flipper.destroyForcibly().waitFor();
        }
        System.out.println("AttackerTest, SOURCE link flipped between A and B: 20 copies gave " + got);
    }

    private static Path ownedByNobody(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", Unprivileged.NOBODY);
        Files.setAttribute(path, "unix:gid", Unprivileged.NOBODY);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    /** What a file was, to tell that it did not change. */
    private record Snapshot(byte[] bytes, int mode, int uid, long inode) {
        static Snapshot of(Path path) throws IOException {
            return new Snapshot(Files.readAllBytes(path), AttackerTest.mode(path), (int) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    (long) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        }

        void assertSame(Path path, String what) throws IOException {
            assertFalse(Files.isSymbolicLink(path), what + " is no symbolic link");
            Snapshot now = of(path);
            assertArrayEquals(bytes, now.bytes, what + " keeps its bytes");
            assertEquals(mode, now.mode, what + " keeps its mode");
            assertEquals(uid, now.uid, what + " keeps its owner");
            assertEquals(inode, now.inode, what + " is the same file");
        }
    }

    private static int mode(Path path) throws IOException {
        return (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private void attackedCopies(String setting, Path dir, Path stash) throws Exception {
        Snapshot victimBefore = Snapshot.of(victim);
        Snapshot secretBefore = Snapshot.of(secret);
        int umask = Posix.umask();
        Process attacker = new ProcessBuilder(Unprivileged.javaCommand(root.resolve("java"), ScratchAttacker.class.getName(),
                dir.toString(), stash.toString(), secret.toString(), victim.toString(), "dst-", Integer.toString(COPIES)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader said = new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.UTF_8));
        Map<Integer, Integer> exits = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        String report;
        try {
            assertEquals("ready", said.readLine(), "the attacker started");
            for (int i = 0; i < COPIES; i++) {
                Path source = sources.get(i % sources.size());
                Path dest = dir.resolve("dst-" + i);
                Snapshot destBefore = null;
                if (i % 3 == 1) {
                    Files.write(dest, marked("OLD".getBytes(StandardCharsets.US_ASCII), 5000, 100 + i));
                    Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rw-r-----"));
                    destBefore = Snapshot.of(dest);
                }
                Processes.Result result = McpRunner.run("-n", 2, "--chunk-size", "1M", source, dest);
                exits.merge(result.exitCode(), 1, Integer::sum);
                String context = setting + ", copy " + i + ": " + result;
                if (result.exitCode() == 0) {
                    assertTrue(Files.isRegularFile(dest, LinkOption.NOFOLLOW_LINKS), "DEST is a regular file, not a link: " + context);
                    assertEquals(-1, TestFiles.firstDifference(source, dest), "DEST holds SOURCE's bytes: " + context);
                    assertEquals(0, (int) Files.getAttribute(dest, "unix:uid", LinkOption.NOFOLLOW_LINKS), "DEST is root's: " + context);
                    assertEquals(destBefore != null ? 0640 : 0600 & ~umask, mode(dest), "DEST's mode: " + context);
                } else {
                    assertEquals(1, result.exitCode(), "mcp either copies or fails: " + context);
                    failures.merge(result.err().strip().replace(dest.toString(), "DEST").replace(source.toString(), "SOURCE"), 1, Integer::sum);
                    if (destBefore != null) {
                        destBefore.assertSame(dest, "DEST after a failed copy (" + context + ")");
                    } else {
                        assertFalse(Files.exists(dest, LinkOption.NOFOLLOW_LINKS), "no DEST after a failed copy: " + context);
                    }
                }
                victimBefore.assertSame(victim, "the victim (" + context + ")");
                secretBefore.assertSame(secret, "the secret (" + context + ")");
            }
        } finally {
            attacker.getOutputStream().close();
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                StringBuilder lines = new StringBuilder();
                said.lines().forEach(line -> lines.append(line).append('\n'));
                return lines.toString();
            });
            if (!attacker.waitFor(60, TimeUnit.SECONDS)) {
                attacker.destroyForcibly();
                fail("the attacker did not stop");
            }
            report = rest.get(10, TimeUnit.SECONDS);
        }
        System.out.println("AttackerTest, " + setting + ": " + COPIES + " copies, mcp exit statuses " + exits
                + "; the attacker did: " + report.strip().replace('\n', ' ') + "; mcp said: " + failures);

        Map<String, Integer> done = new TreeMap<>();
        report.lines().map(line -> line.split("=", 2)).forEach(kv -> done.put(kv[0], Integer.parseInt(kv[1])));
        int attacks = done.getOrDefault("replaced-with-link-to-secret", 0) + done.getOrDefault("replaced-with-link-to-victim", 0)
                + done.getOrDefault("moved-away-and-replaced-by-own-file", 0)
                + done.getOrDefault("planted-link-at-predicted-control-name", 0);
        assertTrue(attacks > 0, "the attacker got at some scratch files: " + done);
        assertTrue(done.getOrDefault("planted-links", 0) > 0, "the attacker planted links in advance: " + done);
        assertTrue(done.getOrDefault("proc-descriptor-opens-tried", 0) > 0, "the attacker tried the coordinator's descriptors: " + done);
        assertEquals(0, done.getOrDefault("proc-descriptor-opens-succeeded", 0), "no descriptor of mcp's opens for the attacker");
        assertTrue(exits.getOrDefault(1, 0) > 0, "attacked copies failed: " + exits);
        assertTrue(exits.getOrDefault(0, 0) > 0, "spared copies succeeded: " + exits);
        assertNothingLeaked(dir, stash);
    }

    /**
     * No file but the secret holds the secret's bytes, and no file the attacker can read holds a
     * source's (root's, mode 0600): mcp neither copied what it was not asked to nor widened a mode.
     */
    private void assertNothingLeaked(Path... places) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path place : places) {
            try (Stream<Path> walk = Files.walk(place)) {
                walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
            }
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            assertFalse(contains(bytes, SECRET_MARK), "the secret's bytes are in " + file);
            int owner = (int) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int group = (int) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            int mode = mode(file);
            boolean attackerReads = owner == Unprivileged.NOBODY ? (mode & 0400) != 0
                    : group == Unprivileged.NOBODY ? (mode & 040) != 0 : (mode & 04) != 0;
            if (attackerReads) {
                assertFalse(contains(bytes, SOURCE_MARK), "a source's bytes are in " + file + ", which the attacker can read");
            }
            if (owner == Unprivileged.NOBODY) {
                assertTrue(Arrays.equals(ScratchAttacker.OWN_BYTES, bytes) || file.getFileName().toString().startsWith("read-through-proc"),
                        "mcp wrote into the attacker's file " + file);
                assertFalse(file.getFileName().toString().startsWith("read-through-proc") && bytes.length > 0,
                        "the attacker read an mcp descriptor into " + file);
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
