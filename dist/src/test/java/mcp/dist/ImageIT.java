package mcp.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.TreeAssert;
import mcp.fixtures.Trees;
import mcp.fixtures.Unprivileged;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the built jlink image the way a user does: {@code bin/mcp}, with no Java on the PATH. */
class ImageIT {
    private static final Path IMAGE = Path.of(System.getProperty("mcp.image", "target/mcp")).toAbsolutePath();
    private static final Path LAUNCHER = IMAGE.resolve("bin/mcp");
    private static final long WORKER_SIZED = ImageJvms.WORKER_SIZED;

    @TempDir
    static Path tools;

    @TempDir
    Path dir;

    /** A PATH holding only what the launcher script needs, and no java. */
    private static Map<String, String> environment;

    @BeforeAll
    static void pathWithoutJava() throws IOException {
        Path bin = Files.createDirectory(tools.resolve("bin"));
        for (String tool : List.of("readlink")) {
            Files.copy(Path.of("/usr/bin", tool).toRealPath(), bin.resolve(tool));
        }
        environment = new HashMap<>();
        environment.put("PATH", bin.toString());
        environment.put("JAVA_HOME", null);
        environment.put("CLASSPATH", null);
    }

    private Processes.Result mcp(String... args) throws Exception {
        return run(Map.of(), LAUNCHER.toString(), args);
    }

    /** Runs {@code program args...} in {@link #dir} with {@link #environment} and then {@code changes}. */
    private Processes.Result run(Map<String, String> changes, String program, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        Map<String, String> merged = new HashMap<>(environment);
        merged.putAll(changes);
        return Processes.run(command, dir, merged, 120);
    }

    /** {@code mcp args...} started by sh after {@code ulimit <limit>}, e.g. {@code -v 1048576}. */
    private Processes.Result mcpUnder(String limit, String... args) throws Exception {
        List<String> shellArgs = new ArrayList<>(List.of("-c", "ulimit " + limit + " && exec \"$0\" \"$@\"", LAUNCHER.toString()));
        shellArgs.addAll(List.of(args));
        return run(Map.of(), "/bin/sh", shellArgs.toArray(String[]::new));
    }

    private void assertCopied(Processes.Result result, Path source, Path copy) throws IOException {
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), result.toString());
        assertTrue(FileUtils.contentEquals(source.toFile(), copy.toFile()), "same bytes");
    }

    @Test
    void theImageHasItsOwnJavaAndTheLauncher() throws IOException {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is executable");
        assertEquals(List.of("mcp"), TestFiles.names(IMAGE.resolve("bin")), "a PATH holding bin/ reaches no java");
        assertTrue(Files.isExecutable(IMAGE.resolve("runtime/bin/java")), "the image carries its own runtime");
        assertTrue(Files.isRegularFile(IMAGE.resolve("runtime/lib/jna/libjnidispatch.so")), "and JNA's native library, unpacked");
    }

    private static Path archive(Path image) throws IOException {
        return ImageJvms.archive(image);
    }

    private Map<String, Boolean> archiveMappedByEachJvm(Path launcher, Path archive) throws Exception {
        return ImageJvms.archiveMappedByEachJvm(launcher, archive, dir, environment.get("PATH"));
    }

    @Test
    void theCoordinatorAndTheWorkersUseTheImagesClassDataArchive() throws Exception {
        Path archive = archive(IMAGE);
        assertTrue(Files.isRegularFile(archive), archive + " was made at package time");
        Map<String, Boolean> mapped = archiveMappedByEachJvm(LAUNCHER, archive);
        assertEquals(Boolean.TRUE, mapped.get("coordinator"), "the coordinator uses " + archive + ": " + mapped);
        assertTrue(mapped.size() > 1, "a worker was seen: " + mapped);
        assertFalse(mapped.containsValue(false), "every JVM uses " + archive + ": " + mapped);
    }

    @Test
    void aCopyOfTheImageElsewhereRunsWithoutAWord() throws Exception {
        // cp -r, not -a: the jars' times change too, which a JDK 17 archive checks.
        Path copy = dir.resolve("copied image");
        Processes.Result copied = Processes.run(List.of("cp", "-r", IMAGE.toString(), copy.toString()), dir, 120);
        assertEquals(0, copied.exitCode(), copied.toString());
        Path source = TestFiles.random(dir.resolve("small"), 1024, 41);
        Processes.Result small = run(Map.of(), copy.resolve("bin/mcp").toString(), "small", "small-copy");
        assertCopied(small, source, dir.resolve("small-copy"));
        assertEquals("", small.out(), "nothing on stdout, where the JVM reports an archive it cannot use");
        archiveMappedByEachJvm(copy.resolve("bin/mcp"), archive(copy));
        // A JDK 25 AOT cache follows the image, as long as the jars keep their times (its class path
        // is matched by its common prefix); a JDK 17 archive holds only the runtime's classes, which
        // it finds beside libjvm.so wherever that is.
        Path moved = dir.resolve("moved image");
        Processes.Result kept = Processes.run(List.of("cp", "-a", IMAGE.toString(), moved.toString()), dir, 120);
        assertEquals(0, kept.exitCode(), kept.toString());
        Map<String, Boolean> mapped = archiveMappedByEachJvm(moved.resolve("bin/mcp"), archive(moved));
        assertEquals(Boolean.TRUE, mapped.get("coordinator"), "the moved image uses its archive: " + mapped);
        assertFalse(mapped.containsValue(false), "every JVM of the moved image uses its archive: " + mapped);
    }

    @Test
    void runsByARelativePath() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), WORKER_SIZED, 43);
        // Workers run in /: what they are given of the image must not be relative to here.
        String relative = dir.toRealPath().relativize(LAUNCHER.toRealPath()).toString();
        assertCopied(run(Map.of(), relative, "-n", "2", "--chunk-size", "1M", "src", "dst"), source, dir.resolve("dst"));
    }

    @Test
    void copiesAFileWithNoJavaOnThePath() throws Exception {
        long seed = 20260;
        Path source = TestFiles.random(dir.resolve("src"), (20L << 20) + 4097, seed);
        Processes.Result result = mcp("-n", "3", "src", "dst");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "nothing on stderr, not even JVM warnings");
        assertTrue(FileUtils.contentEquals(source.toFile(), dir.resolve("dst").toFile()), "same bytes (seed " + seed + ")");
        assertEquals(List.of("dst", "src"), TestFiles.names(dir));
    }

    @Test
    void reportsTheProjectVersion() throws Exception {
        Processes.Result result = mcp("--version");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("mcp " + System.getProperty("mcp.version") + "\n"), result.out());
    }

    @Test
    void errorsAreReportedLikeCp() throws Exception {
        Processes.Result result = mcp("missing", "dst");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("mcp: cannot stat 'missing': No such file or directory\n", result.err());
        Processes.Result usage = mcp("-n", "0", "a", "b");
        assertEquals(2, usage.exitCode(), usage.toString());
    }

    @Test
    void workersRunOnTheImagesJava() throws Exception {
        TestFiles.random(dir.resolve("src"), WORKER_SIZED, 5);
        List<String> command = List.of(LAUNCHER.toString(), "-n", "2", "--chunk-size", "1M", "src", "dst");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("PATH", environment.get("PATH"));
        builder.environment().remove("JAVA_HOME");
        Process process = builder.start();
        Set<String> workerBinaries = new TreeSet<>();
        while (process.isAlive() && workerBinaries.isEmpty()) {
            process.descendants()
                    .filter(child -> child.info().arguments().map(args -> List.of(args).contains("mcp.copy.WorkerMain")).orElse(false))
                    .forEach(worker -> worker.info().command().ifPresent(workerBinaries::add));
            Thread.onSpinWait();
        }
        Processes.Result result = Processes.finish(command, process, 120);
        assertEquals(0, result.exitCode(), result.toString());
        assertFalse(workerBinaries.isEmpty(), "a worker was seen while the copy ran");
        assertEquals(Set.of(IMAGE.resolve("runtime/bin/java").toRealPath().toString()), workerBinaries);
    }

    @Test
    void theCoordinatorAndTheWorkersShowAsMcpInPs() throws Exception {
        TestFiles.random(dir.resolve("src"), WORKER_SIZED, 47);
        List<String> command = List.of(LAUNCHER.toString(), "-n", "2", "--chunk-size", "1M", "src", "dst");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("PATH", environment.get("PATH"));
        Process process = builder.start();
        // What ps -e shows (comm) and what ps -f and pgrep -f show (the command line), by pid.
        Map<Long, String> names = new HashMap<>();
        Map<Long, String> commandLines = new HashMap<>();
        while (process.isAlive() && names.size() < 2) {
            List<ProcessHandle> jvms = new ArrayList<>(List.of(process.toHandle()));
            process.descendants().forEach(jvms::add);
            for (ProcessHandle jvm : jvms) {
                try {
                    Path proc = Path.of("/proc", Long.toString(jvm.pid()));
                    String commandLine = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    if (commandLine.contains("mcp.cli.Main") || commandLine.contains("mcp.copy.WorkerMain")) {
                        names.put(jvm.pid(), Files.readString(proc.resolve("comm")).strip());
                        commandLines.put(jvm.pid(), commandLine);
                    }
                } catch (IOException e) {
                    // It exited meanwhile.
                }
            }
            Thread.onSpinWait();
        }
        Processes.Result result = Processes.finish(command, process, 120);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(2, names.size(), "the coordinator and a worker were seen: " + commandLines);
        assertEquals(Set.of("mcp"), Set.copyOf(names.values()), commandLines.toString());
        for (String commandLine : commandLines.values()) {
            assertTrue(commandLine.split(" ")[0].endsWith("/runtime/bin/mcp"), commandLine);
        }
    }

    @Test
    void startsWithAHomeAndTemporaryDirectoryItCannotWriteTo() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), 3 << 20, 7);
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // JNA unpacked its library into $XDG_CACHE_HOME or ~/.cache, else the temporary directory.
            // Root, whom the mode does not stop, would leave a new entry in the locked directory.
            Processes.Result result = run(Map.of(
                    "HOME", locked.resolve("home").toString(),
                    "XDG_CACHE_HOME", locked.resolve("cache").toString(),
                    "TMPDIR", locked.toString()), LAUNCHER.toString(), "-n", "2", "--chunk-size", "1M", "src", "dst");
            assertCopied(result, source, dir.resolve("dst"));
            assertEquals(List.of(), TestFiles.names(locked), "nothing was written to the home or temporary directory");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void startsWithTmpNoexecAndHomeReadOnlyAndRunsNoLdconfig() throws Exception {
        assumeTrue(Unprivileged.runningAsRoot(), "mounting in a new mount namespace needs root");
        Path unshare = Path.of("/usr/bin/unshare");
        assumeTrue(Files.isExecutable(unshare), "needs unshare(1) from util-linux");
        // Outside /tmp, which the test covers with an empty tmpfs: so is the image, copied if it was built there.
        boolean imageInTmp = IMAGE.toRealPath().startsWith(Path.of("/tmp"));
        Path outside = imageInTmp ? Path.of("/var/tmp") : IMAGE.getParent();
        assumeTrue(Files.isDirectory(outside), "needs " + outside + " for a copy of the image outside /tmp");
        Path work = Files.createTempDirectory(outside, "namespace-");
        try {
            Path launcher = LAUNCHER;
            if (imageInTmp) {
                Processes.Result copied = Processes.run(List.of("cp", "-a", IMAGE.toString(), work.resolve("mcp").toString()), work, 120);
                assertEquals(0, copied.exitCode(), copied.toString());
                launcher = work.resolve("mcp/bin/mcp");
            }
            Path source = TestFiles.random(work.resolve("src"), 3 << 20, 11);
            Files.createDirectory(work.resolve("home"));
            Path spy = work.resolve("ldconfig-spy");
            Files.writeString(spy, "#!/bin/sh\n: > '" + work.resolve("ldconfig-ran") + "'\n");
            Files.setPosixFilePermissions(spy, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path ldconfig = Path.of("/sbin/ldconfig");
            String script = String.join("\n",
                    "mount -t tmpfs -o noexec,nosuid,nodev,size=16m tmpfs /tmp || exit 97",
                    "mount -t tmpfs -o ro,size=1m tmpfs home || exit 97",
                    // JNA's own path to ldconfig; a spy in its place shows whether it runs.
                    Files.exists(ldconfig) ? "mount --bind ldconfig-spy " + ldconfig + " || exit 97" : ":",
                    "HOME=\"$PWD/home\" XDG_CACHE_HOME=\"$PWD/home/.cache\" TMPDIR=/tmp \"$0\" -n 2 --chunk-size 1M src dst",
                    "status=$?",
                    "echo \"in /tmp: $(ls -A /tmp)\"",
                    "exit $status");
            List<String> command = List.of(unshare.toString(), "--mount", "--propagation", "private", "/bin/sh", "-c", script, launcher.toString());
            Processes.Result result = Processes.run(command, work,
                    Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "TMPDIR", "/tmp"), 120);
            assumeTrue(result.exitCode() != 97, "cannot mount in a new mount namespace here: " + result.err());
            assertCopied(result, source, work.resolve("dst"));
            assertEquals("in /tmp: \n", result.out(), "nothing was written to /tmp");
            assertFalse(Files.exists(work.resolve("ldconfig-ran")), "JNA did not run ldconfig");
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
    }

    @Test
    void theCallersJavaOptionsDoNotReachAnyJvm() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), 3 << 20, 13);
        // -Dx=y alone would make the JVM print "Picked up ..."; the unknown option stops any JVM that
        // sees it, workers included (a worker that succeeds has its stderr swallowed).
        String options = "-Dx=y -XX:+McpNoSuchOption";
        Map<String, String> javaOptions = Map.of("JAVA_TOOL_OPTIONS", options, "JDK_JAVA_OPTIONS", options, "_JAVA_OPTIONS", options);
        assertCopied(run(javaOptions, LAUNCHER.toString(), "-n", "2", "--chunk-size", "1M", "src", "dst"), source, dir.resolve("dst"));
        Processes.Result version = run(javaOptions, LAUNCHER.toString(), "--version");
        assertEquals(0, version.exitCode(), version.toString());
        assertEquals("", version.err(), version.toString());
        assertTrue(version.out().startsWith("mcp " + System.getProperty("mcp.version") + "\n"), version.out());
    }

    @Test
    void copiesUnderAnAddressSpaceLimitOfTwoAndOneGibibytes() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), 64L << 20, 17);
        for (int mebibytes : List.of(2048, 1024)) {
            Files.deleteIfExists(dir.resolve("dst"));
            Processes.Result result = mcpUnder("-v " + (mebibytes << 10), "-n", "2", "src", "dst");
            assertCopied(result, source, dir.resolve("dst"));
        }
    }

    @Test
    void anAddressSpaceLimitTooLowForAJvmIsNamedInOneLine() throws Exception {
        Processes.Result result = mcpUnder("-v 204800", "--version");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("mcp: cannot start: virtual memory limit (ulimit -v) is too low: 204800 KiB, mcp needs 614400 KiB\n", result.err());
        // The launcher's threshold is no lower than what mcp needs: a copy works right at it.
        Path source = TestFiles.random(dir.resolve("src"), 64L << 20, 19);
        assertCopied(mcpUnder("-v 614400", "-n", "2", "src", "dst"), source, dir.resolve("dst"));
    }

    @Test
    void copiesATreeAsItIsWithWorkers() throws Exception {
        // Small files in batches, links, a FIFO, hard links, and a file large enough for worker
        // JVMs of the image's own java (over 512 MiB of data in all).
        Path source = dir.resolve("tree");
        Trees.make(source, Trees.Spec.of(31).files(300).times(true));
        Path large = Trees.large(source.resolve("large"), 1, 520L << 20, 31).root().resolve("large-0");
        // An access time ahead of now, as Trees gives its files: reading the source then leaves it
        // alone (relatime), so that the copy's can be compared with it.
        Files.setAttribute(large, "lastAccessTime", java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2037-01-01T00:00:00.123456789Z")));
        Processes.Result result = run(Map.of(), LAUNCHER.toString(), "-a", "-n", "2", "--json", "tree", "copy");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), result.toString());
        assertTrue(result.out().startsWith("{\"result\":\"copied\""), result.out());
        assertTrue(result.out().contains("\"workers\":2"), "the large file was copied by a worker: " + result.out());
        TreeAssert.assertSameTree(source, dir.resolve("copy"), TreeAssert.Check.MODE, TreeAssert.Check.TIMES);
    }

    @Test
    void copiesWithTwentyOpenFiles() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), 1024, 23);
        assertCopied(mcpUnder("-n 20", "-n", "2", "src", "dst"), source, dir.resolve("dst"));
    }

    @Test
    void runsFromADeletedWorkingDirectory() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), 3 << 20, 29);
        String strayName = "mcp-deleted-cwd-" + ProcessHandle.current().pid();
        Path stray = Path.of("/", strayName);
        Processes.Result absolute = mcpInDeletedDirectory("-n", "2", "--chunk-size", "1M", source.toString(), dir.resolve("dst").toString());
        Processes.Result relativeSource = mcpInDeletedDirectory("src", dir.resolve("dst2").toString());
        Processes.Result relativeDest = mcpInDeletedDirectory(source.toString(), strayName);
        boolean strayWritten = Files.deleteIfExists(stray);

        assertEquals(0, absolute.exitCode(), absolute.toString());
        assertEquals("", withoutShellWarnings(absolute.err()), absolute.toString());
        assertTrue(FileUtils.contentEquals(source.toFile(), dir.resolve("dst").toFile()), "same bytes");
        // As for cp there, relative names name nothing: mcp, started from /, must not find /src or write /dst.
        assertEquals(1, relativeSource.exitCode(), relativeSource.toString());
        assertEquals("mcp: cannot stat 'src': No such file or directory\n", withoutShellWarnings(relativeSource.err()));
        assertEquals(1, relativeDest.exitCode(), relativeDest.toString());
        assertEquals("mcp: cannot create regular file '" + strayName + "': No such file or directory\n", withoutShellWarnings(relativeDest.err()));
        assertFalse(strayWritten, "nothing was written to " + stray);
    }

    /** Runs mcp in a directory deleted after sh went there and before sh starts the launcher. */
    private Processes.Result mcpInDeletedDirectory(String... args) throws Exception {
        Path gone = Files.createDirectory(dir.resolve("gone"));
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "read -r go; exec \"$0\" \"$@\"", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(gone.toFile());
        builder.environment().put("PATH", environment.get("PATH"));
        builder.environment().remove("JAVA_HOME");
        Process process = builder.start();
        Files.delete(gone);
        return Processes.finish(command, process, 120);
    }

    /** stderr without the shell's own complaint on starting in a deleted directory. */
    private static String withoutShellWarnings(String err) {
        return err.lines().filter(line -> !line.contains("getcwd")).map(line -> line + "\n").reduce("", String::concat);
    }

    @Test
    void runsThroughASymbolicLinkAndFromAPathWithSpaces() throws Exception {
        Path source = TestFiles.random(dir.resolve("src"), 3 << 20, 31);
        Path link = Files.createSymbolicLink(Files.createDirectory(dir.resolve("my bin")).resolve("mcp"), LAUNCHER);
        assertCopied(run(Map.of(), link.toString(), "-n", "2", "--chunk-size", "1M", "src", "dst"), source, dir.resolve("dst"));

        Path spaced = Files.createSymbolicLink(Files.createDirectory(dir.resolve("opt dir")).resolve("mcp image"), IMAGE);
        Processes.Result result = run(Map.of(), spaced.resolve("bin/mcp").toString(), "-n", "2", "--chunk-size", "1M", "src", "dst2");
        // Removed here, or the temporary directory's clean-up warns about links leading out of it.
        Files.delete(link);
        Files.delete(spaced);
        assertCopied(result, source, dir.resolve("dst2"));
    }
}
