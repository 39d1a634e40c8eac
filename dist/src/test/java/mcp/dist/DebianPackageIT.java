package mcp.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import mcp.fixtures.Unprivileged;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package installed for real with dpkg -i, used, and removed with dpkg -r, which must
 * leave none of its files behind. It changes the system, so it runs only as root, and only where
 * no mcp is installed already (a user's own is never replaced or removed).
 */
class DebianPackageIT {
    private static final String VERSION = System.getProperty("mcp.version");
    private static final Path RELEASE_DIR = Path.of(System.getProperty("mcp.release.dir", "target")).toAbsolutePath();

    @TempDir
    Path dir;

    private static Processes.Result run(Path directory, Map<String, String> environment, String... command) throws Exception {
        return Processes.run(List.of(command), directory, environment, 300);
    }

    private static boolean installed(Path directory) throws Exception {
        Processes.Result status = run(directory, Map.of(), "dpkg-query", "-W", "-f=${Status}", "mcp");
        return status.exitCode() == 0 && status.out().contains(" installed");
    }

    /** The files and links the package holds, as absolute paths; not its directories. */
    private List<Path> contents(Path deb) throws Exception {
        Processes.Result listed = run(dir, Map.of("LC_ALL", "C"), "dpkg-deb", "-c", deb.toString());
        assertEquals(0, listed.exitCode(), listed.toString());
        List<Path> paths = new ArrayList<>();
        for (String line : listed.out().lines().toList()) {
            String name = line.split(" +", 6)[5].replaceAll(" -> .*", "");
            if (!line.startsWith("d")) {
                paths.add(Path.of(name.substring(1)));
            }
        }
        return paths;
    }

    @Test
    void installsCopiesAndIsRemovedWithoutATrace() throws Exception {
        Path deb = RELEASE_DIR.resolve("mcp_" + VERSION + "_" + debianArchitecture() + ".deb");
        assumeTrue(Files.isRegularFile(deb), "no Debian package was built (needs dpkg-deb and dpkg-shlibdeps): " + deb);
        assumeTrue(Unprivileged.runningAsRoot(), "dpkg -i needs root");
        assumeTrue(!installed(dir) && !Files.exists(Path.of("/usr/bin/mcp"), LinkOption.NOFOLLOW_LINKS),
                "an mcp is installed on this system already: not replacing it");
        List<Path> contents = contents(deb);
        assertTrue(contents.containsAll(List.of(Path.of("/usr/bin/mcp"), Path.of("/usr/share/man/man1/mcp.1.gz"),
                Path.of("/usr/share/bash-completion/completions/mcp"), Path.of("/usr/share/zsh/vendor-completions/_mcp"))), contents.toString());
        Processes.Result depends = run(dir, Map.of(), "dpkg-deb", "-f", deb.toString(), "Depends");
        assertFalse(depends.out().contains("java") || depends.out().contains("jdk") || depends.out().contains("jre"), depends.out());
        try {
            Processes.Result install = run(dir, Map.of(), "dpkg", "-i", deb.toString());
            assertEquals(0, install.exitCode(), install.toString());
            for (Path path : contents) {
                assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), path + " installed");
            }

            // As a user runs it: /usr/bin/mcp, a link into /usr/lib/mcp, with no java on the PATH.
            Path tools = Files.createDirectories(dir.resolve("tools"));
            Files.copy(Path.of("/usr/bin/readlink").toRealPath(), tools.resolve("readlink"));
            Map<String, String> environment = Map.of("PATH", tools.toString());
            Processes.Result version = run(dir, environment, "/usr/bin/mcp", "--version");
            assertEquals(0, version.exitCode(), version.toString());
            assertTrue(version.out().startsWith("mcp " + VERSION + "\n"), version.out());
            Path source = TestFiles.random(dir.resolve("src"), (3L << 20) + 1, 53);
            Processes.Result copied = run(dir, environment, "/usr/bin/mcp", "-n", "2", "--chunk-size", "1M", "src", "dst");
            assertEquals(0, copied.exitCode(), copied.toString());
            assertEquals("", copied.err(), copied.toString());
            assertTrue(FileUtils.contentEquals(source.toFile(), dir.resolve("dst").toFile()), "same bytes");

            Processes.Result remove = run(dir, Map.of(), "dpkg", "-r", "mcp");
            assertEquals(0, remove.exitCode(), remove.toString());
            assertFalse(installed(dir), "dpkg no longer lists mcp as installed");
            for (Path path : contents) {
                assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), path + " left behind");
            }
            assertFalse(Files.exists(Path.of("/usr/lib/mcp")), "/usr/lib/mcp left behind");
            assertFalse(Files.exists(Path.of("/usr/share/doc/mcp")), "/usr/share/doc/mcp left behind");
        } finally {
            if (installed(dir)) {
                run(dir, Map.of(), "dpkg", "-r", "mcp");
            }
        }
    }

    /** Debian's name for this machine's architecture, as the package is named. */
    private String debianArchitecture() throws Exception {
        Processes.Result arch = run(dir, Map.of(), "dpkg", "--print-architecture");
        assumeTrue(arch.exitCode() == 0, "no dpkg here: " + arch);
        return arch.out().strip();
    }
}
