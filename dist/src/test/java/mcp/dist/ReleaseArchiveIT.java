package mcp.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: checked against its .sha256, unpacked into a fresh
 * directory and run from there with no Java on the PATH; and its entries are the same whenever it
 * is built (times, owners, order), which is what makes two builds of one commit byte-identical.
 */
class ReleaseArchiveIT {
    private static final String VERSION = System.getProperty("mcp.version");
    private static final Path RELEASE_DIR = Path.of(System.getProperty("mcp.release.dir", "target")).toAbsolutePath();

    @TempDir
    Path dir;

    /** The one mcp-VERSION-linux-ARCH.tar.gz the build made. */
    private static Path archive() throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(RELEASE_DIR, "mcp-" + VERSION + "-linux-*.tar.gz")) {
            archives.forEach(found::add);
        }
        assertEquals(1, found.size(), "one release archive in " + RELEASE_DIR + ": " + found);
        return found.get(0);
    }

    private Processes.Result run(Path directory, Map<String, String> environment, String... command) throws Exception {
        return Processes.run(List.of(command), directory, environment, 120);
    }

    /** A PATH with what bin/mcp needs (readlink, for a link to it) and no java. */
    private String pathWithoutJava() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("tools/bin"));
        Files.copy(Path.of("/usr/bin/readlink").toRealPath(), bin.resolve("readlink"));
        return bin.toString();
    }

    @Test
    void unpackedIntoAFreshDirectoryItCopiesWithSeveralWorkersAndNoJava() throws Exception {
        Path archive = archive();
        Processes.Result checked = run(archive.getParent(), Map.of(), "sha256sum", "-c", archive.getFileName() + ".sha256");
        assertEquals(0, checked.exitCode(), checked.toString());

        Path install = Files.createDirectory(dir.resolve("fresh dir"));
        Processes.Result unpacked = run(install, Map.of(), "tar", "-xzf", archive.toString());
        assertEquals(0, unpacked.exitCode(), unpacked.toString());
        String top = archive.getFileName().toString().replace(".tar.gz", "");
        assertEquals(List.of(top), TestFiles.names(install));
        Path image = install.resolve(top);
        assertEquals(List.of("LICENSE", "README.md", "bin", "runtime", "share"), TestFiles.names(image));
        for (String doc : List.of("share/man/man1/mcp.1", "share/bash-completion/completions/mcp", "share/zsh/site-functions/_mcp")) {
            assertTrue(Files.isRegularFile(image.resolve(doc)), doc);
        }

        Map<String, String> environment = Map.of("PATH", pathWithoutJava());
        Path launcher = image.resolve("bin/mcp");
        Processes.Result version = run(dir, environment, launcher.toString(), "--version");
        assertEquals(0, version.exitCode(), version.toString());
        assertTrue(version.out().startsWith("mcp " + VERSION + "\n"), version.out());

        long seed = 8;
        Path source = TestFiles.random(dir.resolve("src"), ImageJvms.WORKER_SIZED + 12345, seed);
        Processes.Result copied = run(dir, environment, launcher.toString(), "-n", "3", "--json", "src", "dst");
        assertEquals(0, copied.exitCode(), copied.toString());
        assertEquals("", copied.err(), copied.toString());
        Matcher workers = Pattern.compile("\"workers\":(\\d+)").matcher(copied.out());
        assertTrue(workers.find() && Integer.parseInt(workers.group(1)) >= 2, "several worker JVMs copied: " + copied.out());
        assertTrue(FileUtils.contentEquals(source.toFile(), dir.resolve("dst").toFile()), "same bytes (seed " + seed + ")");

        // The archive keeps the jars' times, which a JDK 25 AOT cache was made with: it follows the
        // image anywhere. A JDK 17 CDS archive holds only the runtime's classes and is used anywhere.
        Path classData = ImageJvms.archive(image);
        Map<String, Boolean> mapped = ImageJvms.archiveMappedByEachJvm(launcher, classData, dir, environment.get("PATH"));
        assertEquals(Boolean.TRUE, mapped.get("coordinator"), "the unpacked image uses its class-data archive: " + mapped);
        assertFalse(mapped.containsValue(false), "every JVM uses it: " + mapped);
    }

    private static int compareNames(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int order = a.get(i).compareTo(b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Test
    void everyEntryHasTheSameTimeOwnerAndModeRuleInNameOrder() throws Exception {
        Processes.Result listed = run(dir, Map.of("TZ", "UTC", "LC_ALL", "C"), "tar", "--numeric-owner", "--full-time", "-tvzf", archive().toString());
        assertEquals(0, listed.exitCode(), listed.toString());
        List<String> names = new ArrayList<>();
        String time = null;
        for (String line : listed.out().lines().toList()) {
            String[] fields = line.split(" +", 6);
            assertEquals("0/0", fields[1], line);
            assertTrue(fields[0].matches("(-rw-r--r--|-rwxr-xr-x|drwxr-xr-x|l.{9})"), line);
            String entryTime = fields[3] + " " + fields[4];
            time = time == null ? entryTime : time;
            assertEquals(time, entryTime, line);
            names.add(fields[5].replaceAll(" -> .*", ""));
        }
        // In name order within each directory, a directory before what it holds (tar --sort=name).
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.comparing((String name) -> List.of(name.split("/")), ReleaseArchiveIT::compareNames));
        assertEquals(sorted, names, "entries in name order");
        assertTrue(names.size() > 50, names.toString());
    }
}
