package mcp.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixTest {
    @TempDir
    Path dir;

    @Test
    void pageSizeIsAPowerOfTwoOfAtLeast4096() {
        long pageSize = Posix.pageSize();
        assertTrue(pageSize >= 4096, "page size " + pageSize);
        assertEquals(1, Long.bitCount(pageSize), "page size " + pageSize + " is not a power of two");
    }

    @Test
    void aPipeOrAFileIsNotATerminal() throws Exception {
        // Under the build, descriptor 0 of the JVM is a pipe or /dev/null, never a terminal; a
        // regular file never is one either.
        assertTrue(!Posix.isTerminal(999), "a closed descriptor is not a terminal");
        try (NativeFile file = NativeFile.createExclusive(dir.resolve("f"), 0600)) {
            assertTrue(!Posix.isTerminal(file.descriptor()));
        }
    }

    @Test
    void pageSizeEqualsWhatGetconfPrints() throws Exception {
        String printed = run("getconf", "PAGESIZE");
        assertEquals(Long.parseLong(printed.trim()), Posix.pageSize());
    }

    @Test
    void umaskReturnsTheSameMaskOnEveryCallSoItPutsTheMaskBack() {
        int first = Posix.umask();
        int second = Posix.umask();
        assertEquals(first, second, () -> "umask changed from " + octal(first) + " to " + octal(second));
        assertEquals(0, first & ~0777, () -> "mask " + octal(first) + " has bits beyond 0777");
    }

    @Test
    void umaskIsTheMaskFilesAreCreatedWith() throws IOException {
        int mask = Posix.umask();
        Path created = Files.createFile(dir.resolve("created"));
        assertEquals(octal(0666 & ~mask), octal(mode(created)), () -> "umask " + octal(mask));
        assertEquals(mask, Posix.umask());
    }

    @Test
    void umaskIsTheMaskAChildShellInherits() throws Exception {
        int mask = Posix.umask();
        String printed = run("sh", "-c", "umask");
        assertEquals(octal(Integer.parseInt(printed.trim(), 8)), octal(mask));
    }

    @Test
    void parentPidIsTheParentJavaKnows() {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertEquals(parent, Posix.parentPid());
        assertNotEquals(ProcessHandle.current().pid(), Posix.parentPid());
    }

    @Test
    void effectiveUidIsWhatIdPrintsAndOwnsTheFilesThisProcessCreates() throws Exception {
        assertEquals(Integer.parseInt(run("id", "-u").trim()), Posix.effectiveUid());
        Path created = Files.createFile(dir.resolve("owned"));
        assertEquals(Files.getAttribute(created, "unix:uid"), Posix.effectiveUid());
    }

    @Test
    void clockTicksPerSecondEqualsWhatGetconfPrints() throws Exception {
        assertEquals(Long.parseLong(run("getconf", "CLK_TCK").trim()), Posix.clockTicksPerSecond());
    }

    @Test
    void bootTimeLiesBetweenTwoReadingsOfTheUptime() throws Exception {
        // /proc/uptime is CLOCK_BOOTTIME cut to hundredths of a second.
        long before = uptimeNanos();
        long boot = Posix.bootTimeNanos();
        long after = uptimeNanos() + 10_000_000L;
        assertTrue(before <= boot && boot <= after, before + " <= " + boot + " <= " + after);
    }

    private static long uptimeNanos() throws IOException {
        String seconds = Files.readString(Path.of("/proc/uptime")).split(" ")[0];
        return new BigDecimal(seconds).movePointRight(9).longValueExact();
    }

    static int mode(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        int mode = 0;
        for (PosixFilePermission permission : PosixFilePermission.values()) {
            // values() runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0.
            mode <<= 1;
            if (permissions.contains(permission)) {
                mode |= 1;
            }
        }
        return mode;
    }

    static String octal(int mode) {
        return String.format("0%03o", mode);
    }

    /** True if {@code command} is an executable file in a directory of PATH. */
    static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }

    static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not exit");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " printed: " + output);
        return output;
    }
}
