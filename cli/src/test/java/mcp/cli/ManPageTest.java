package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mcp.fixtures.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The man page the build generates from the picocli model ({@code target/man/mcp.1}), as
 * {@code man} renders it: without a warning, and with every option {@code --help} lists.
 */
class ManPageTest {
    /** Where the build writes the page (the build says, through a system property). */
    static final Path MAN_PAGE = Path.of(System.getProperty("mcp.manPage", "target/man/mcp.1"));

    /** An option's names as they begin a line of --help or a heading of the man page: -n, --[no-]progress. */
    private static final Pattern OPTION_NAME = Pattern.compile("(?<![\\w-])--?(\\[no-])?[A-Za-z0-9][A-Za-z0-9-]*");

    @TempDir
    Path dir;

    @Test
    void manRendersItWithoutWarnings() throws Exception {
        Processes.Result result = man(80);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "man --warnings says: " + result.err());
        assertTrue(result.out().contains("MCP(1)"), result.out());
        assertTrue(result.out().contains("SYNOPSIS"), result.out());
    }

    @Test
    void namesEveryOptionTheHelpNames() throws Exception {
        Processes.Result help = McpRunner.run("--help");
        assertEquals(0, help.exitCode(), help.toString());
        // Wide enough that no option heading is wrapped.
        Processes.Result page = man(200);
        assertEquals(0, page.exitCode(), page.toString());
        Set<String> inHelp = optionNames(help.out(), "^ {2}(-.*?|    --.*?)( {2,}|$)");
        Set<String> inPage = optionNames(section(page.out(), "OPTIONS"), "^ {7}(-.*?)$");
        assertTrue(inHelp.contains("--resume") && inHelp.contains("-n"), "the help is read as it is laid out: " + inHelp);
        assertEquals(inHelp, inPage, "the options of --help and of the man page");
    }

    @Test
    void carriesTheVersionOfTheBuildAndNoDate() throws Exception {
        // No build date in the title line: two builds of one commit give the same page.
        String roff = Files.readString(MAN_PAGE);
        String version = "mcp " + System.getProperty("mcp.version").replace("-", "\\-");
        assertTrue(roff.contains(".TH \"MCP\" \"1\" \"\" \"" + version + "\""), roff.lines().limit(12).toList()::toString);
        assertFalse(roff.contains("Java runtime"), "the build's runtime is not mcp's");
    }

    /** The section of a rendered man page under {@code heading}, up to the next heading. */
    private static String section(String page, String heading) {
        Matcher section = Pattern.compile("^" + heading + "\n(.*?)(^\\S|\\z)", Pattern.MULTILINE | Pattern.DOTALL).matcher(page);
        assertTrue(section.find(), "a section " + heading + " in " + page);
        return section.group(1);
    }

    /** The names of the options listed in {@code text}, on the lines whose group 1 holds them. */
    private static Set<String> optionNames(String text, String lineWithNames) {
        Set<String> names = new TreeSet<>();
        Matcher line = Pattern.compile(lineWithNames, Pattern.MULTILINE).matcher(text);
        while (line.find()) {
            Matcher name = OPTION_NAME.matcher(line.group(1));
            while (name.find()) {
                names.add(name.group());
            }
        }
        return names;
    }

    /** {@code man -l} of the page at {@code width} columns, with man's and groff's warnings on stderr. */
    private Processes.Result man(int width) throws Exception {
        Skip.unless(onPath("man"), "man is not installed (Debian: man-db), so the man page cannot be rendered");
        assertTrue(Files.isRegularFile(MAN_PAGE), "the build generates " + MAN_PAGE);
        return Processes.run(List.of("man", "--warnings", "-l", MAN_PAGE.toAbsolutePath().toString()), dir,
                // A locale every Debian has: man warns on stderr about one that is not installed.
                Map.of("MANWIDTH", String.valueOf(width), "MANPAGER", "cat", "PAGER", "cat", "LC_ALL", "C.UTF-8"), 60);
    }

    /** True if {@code command} is an executable file in a directory of PATH. */
    static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }
}
