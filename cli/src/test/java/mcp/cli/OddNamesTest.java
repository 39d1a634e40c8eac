package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * File names with a newline, an escape sequence, a byte that is not UTF-8 (0xFF) and é, given to
 * mcp by a shell, whose printf makes the bytes (Java would encode arguments of its own with its
 * own charset, which cannot carry them), in the C locale and in an empty environment, where the
 * JVM's charset is ASCII. The copy must be at exactly that name, and a message naming such a file
 * must quote it as cp does.
 *
 * <p>The printf formats are written as {@code ls -b} prints the names in the C locale, so that
 * the listing of the directory can be compared with them directly.
 */
class OddNamesTest {
    /** a, newline, b, ESC [31m, 0xFF, é. */
    private static final String SOURCE = "a\\nb\\033[31m\\377\\303\\251";
    /** c, newline, d, ESC [0m, 0xFF, é. */
    private static final String DEST = "c\\nd\\033[0m\\377\\303\\251";

    /** How the shell that runs mcp is started. */
    enum Environment {
        C_LOCALE("env", "LC_ALL=C"),
        EMPTY("env", "-i", "PATH=" + System.getenv("PATH")),
        UTF8_LOCALE("env", "LC_ALL=C.UTF-8");

        final List<String> prefix;

        Environment(String... prefix) {
            this.prefix = List.of(prefix);
        }
    }

    @TempDir
    Path dir;

    /** Runs {@code sh -c script sh args... } in {@code directory} under {@code environment}. */
    private Processes.Result shell(Environment environment, Path directory, String script, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(environment.prefix);
        command.addAll(List.of("sh", "-c", script, "sh"));
        command.addAll(args);
        return Processes.run(command, directory, 120);
    }

    private static List<String> mcpCommand(String... options) {
        return Processes.javaCommand(Main.class.getName(), options);
    }

    /** {@code $1} and {@code $2} are printf formats: the names are their output. The x keeps trailing newlines. */
    private static final String NAMES = "src=$(printf \"$1\"; echo x); src=${src%x}; dst=$(printf \"$2\"; echo x); dst=${dst%x}; shift 2; ";

    @ParameterizedTest
    @EnumSource(Environment.class)
    void aFileWithAnOddNameIsCopiedToExactlyTheOddNameGiven(Environment environment) throws Exception {
        long seed = 44;
        TestFiles.random(dir.resolve("payload"), (2 << 20) + 1, seed);
        Path names = Files.createDirectory(dir.resolve("names"));
        List<String> args = new ArrayList<>(List.of(SOURCE, DEST));
        args.addAll(mcpCommand("-n", "2"));

        Processes.Result result = shell(environment, names, NAMES + "cp ../payload \"$src\" && exec \"$@\" \"$src\" \"$dst\"", args);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "a successful copy says nothing");
        Processes.Result listing = shell(Environment.C_LOCALE, names, "ls -b", List.of());
        assertEquals(SOURCE + "\n" + DEST + "\n", listing.out(), "the directory holds the source and the copy, at the names given, and nothing else");
        Processes.Result compared = shell(Environment.C_LOCALE, names, NAMES + "cmp ../payload \"$dst\"", List.of(SOURCE, DEST));
        assertEquals(0, compared.exitCode(), "the copy is identical (seed " + seed + "): " + compared);
    }

    /** cp's own message for the same missing name, with {@code mcp:} for {@code cp:}, is what mcp must say. */
    @ParameterizedTest
    @EnumSource(Environment.class)
    void aMissingOddNameIsQuotedAsCpQuotesIt(Environment environment) throws Exception {
        String script = NAMES + "exec \"$@\" \"$src\" \"$dst\"";
        Processes.Result cp = shell(environment, dir, script, List.of(SOURCE, DEST, "cp"));
        List<String> args = new ArrayList<>(List.of(SOURCE, DEST));
        args.addAll(mcpCommand());
        Processes.Result mcp = shell(environment, dir, script, args);

        assertEquals(1, cp.exitCode(), cp.toString());
        assertEquals(1, mcp.exitCode(), mcp.toString());
        String expected = cp.err().replaceFirst("^cp:", "mcp:");
        assertEquals(expected, mcp.err(), "as cp says it: " + cp.err());
        assertEquals(List.of(), TestFiles.names(dir), "nothing is made");
    }

    /**
     * The scratch files beside DEST are named after DEST's first 50 chars (Java chars: UTF-16
     * units). A name whose 50th char is the first half of a character outside the BMP (an emoji,
     * four bytes in UTF-8) must not be cut between the halves: half a character has no bytes.
     */
    @Test
    void aLongNameIsNotCutInTheMiddleOfACharacterForTheScratchFiles() throws Exception {
        String dest = "x".repeat(49) + "\\360\\237\\230\\200" + "tail";   // 49 x, U+1F600, tail
        Files.write(dir.resolve("src"), new byte[] {1, 2, 3});
        List<String> args = new ArrayList<>(List.of("src", dest));
        args.addAll(mcpCommand());

        Processes.Result result = shell(Environment.C_LOCALE, dir, NAMES + "exec \"$@\" \"$src\" \"$dst\"", args);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "a successful copy says nothing");
        Processes.Result listing = shell(Environment.C_LOCALE, dir, "ls -b", List.of());
        assertEquals("src\n" + dest + "\n", listing.out(), "the copy is at the name given, and nothing else is left");
    }
}
