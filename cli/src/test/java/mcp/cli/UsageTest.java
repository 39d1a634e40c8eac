package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mcp.fixtures.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of usage error, from the command line as {@code main} runs it (the fast parser, then
 * picocli): cp's words, then cp's hint, on stderr, exit status 2, nothing on stdout, and never
 * picocli's own words.
 */
class UsageTest {
    private static final String TRY = "Try 'mcp --help' for more information.\n";

    /** What picocli says in its own words; none of it may reach a user. */
    private static final List<String> PICOCLI_WORDS = List.of("Unknown option", "Unmatched argument", "Missing required",
            "Invalid value", "Could not invoke", "is not a boolean", "should be specified", "picocli", "Exception");

    @TempDir
    Path dir;

    /** Runs {@code line} (arguments separated by '|') as {@code main} does, in this JVM. */
    private static Processes.Result run(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split("\\|", -1);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = McpCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), System.nanoTime());
        return new Processes.Result(List.of(args), status, out.toString(), err.toString());
    }

    /** Asserts that {@code line} is a usage error that says exactly {@code message}, then cp's hint. */
    private static void assertUsage(String line, String message) {
        Processes.Result result = run(line);
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals("", result.out(), result.toString());
        assertEquals("mcp: " + message + "\n" + TRY, result.err(), line);
    }

    @Test
    void operandsAreCheckedAsCpChecksThem() {
        assertUsage("", "missing file operand");
        assertUsage("-r", "missing file operand");
        assertUsage("-t|dir", "missing file operand");
        assertUsage("a", "missing destination file operand after 'a'");
        assertUsage("-T|a", "missing destination file operand after 'a'");
        assertUsage("it's", "missing destination file operand after \"it's\"");
        assertUsage("a\nb", "missing destination file operand after 'a'$'\\n''b'");
        assertUsage("-T|a|b|c|d", "extra operand 'c'");
        assertUsage("-t|dir|-T|a", "cannot combine --target-directory (-t) and --no-target-directory (-T)");
        assertUsage("-t|dir|-T", "missing file operand");
        assertUsage("-t|x|-t|y|a", "multiple target directories specified");
    }

    @Test
    void quietAndVerboseAreOneOrTheOther() {
        assertUsage("-q|-v|a|b", "cannot combine --quiet (-q) and --verbose (-v)");
        assertUsage("-vq|a|b", "cannot combine --quiet (-q) and --verbose (-v)");
        assertUsage("--verbose|--quiet|a|b", "cannot combine --quiet (-q) and --verbose (-v)");
    }

    @Test
    void unknownOptionsAreNamedAsGetoptNamesThem() {
        assertUsage("--frobnicate|a|b", "unrecognized option '--frobnicate'");
        assertUsage("--frobnicate=yes|a|b", "unrecognized option '--frobnicate=yes'");
        assertUsage("-z|a|b", "invalid option -- 'z'");
        assertUsage("-rz|a|b", "invalid option -- 'z'");
        assertUsage("-zr|a|b", "invalid option -- 'z'");
        assertUsage("-rvkq|a|b", "invalid option -- 'k'");
    }

    @Test
    void anAbbreviationOfCpsOptionIsNamedInFull() {
        String taken = "\nmcp takes cp's -a, -L, -P, -p, --preserve, -r, -R, -t, -T and -v, and options of its own";
        assertUsage("--ref|a|b", "cp's option '--reflink' is not supported" + taken);
        assertUsage("--no-clob|a|b", "cp's option '--no-clobber' is not supported" + taken);
        assertUsage("--remove|a|b", "cp's option '--remove-destination' is not supported" + taken);
    }

    @Test
    void missingValuesNameTheOptionAsTyped() {
        assertUsage("a|b|-n", "option requires an argument -- 'n'");
        assertUsage("a|b|-rn", "option requires an argument -- 'n'");
        assertUsage("a|-t", "option requires an argument -- 't'");
        assertUsage("a|b|--processes", "option '--processes' requires an argument");
        assertUsage("a|--target-directory", "option '--target-directory' requires an argument");
        assertUsage("a|b|--chunk-size", "option '--chunk-size' requires an argument");
        assertUsage("a|b|--verify", "option '--verify' requires an argument");
        assertUsage("a|b|--method", "option '--method' requires an argument");
    }

    @Test
    void flagsTakeNoValue() {
        assertUsage("--debug=x|a|b", "option '--debug' doesn't allow an argument");
        assertUsage("--recursive=false|a|b", "option '--recursive' doesn't allow an argument");
        assertUsage("--verbose=yes|a|b", "option '--verbose' doesn't allow an argument");
        assertUsage("--no-progress=true|a|b", "option '--no-progress' doesn't allow an argument");
        assertUsage("--json=1|a|b", "option '--json' doesn't allow an argument");
    }

    @Test
    void badValuesSayWhatIsValid() {
        assertUsage("-n|x|a|b", "invalid number of processes: 'x' (from 1 to 1024)");
        assertUsage("-n0|a|b", "invalid number of processes: '0' (from 1 to 1024)");
        assertUsage("-n|--debug|a|b", "invalid number of processes: '--debug' (from 1 to 1024)");
        assertUsage("--chunk-size=1000|a|b", "invalid chunk size: '1000' (a positive multiple of the page size, "
                + mcp.nativebridge.Posix.pageSize() + ", with an optional K, M or G suffix)");
        assertUsage("--verify|disk|a|b", "invalid argument 'disk' for '--verify'\n"
                + "Valid arguments are:\n  - 'cache'\n  - 'media'");
        assertUsage("--method=MMAP|a|b", "invalid argument 'MMAP' for '--method'\n"
                + "Valid arguments are:\n  - 'auto'\n  - 'mmap'\n  - 'pwrite'\n  - 'copy_file_range'");
        assertUsage("--stats=xml|a|b", "invalid argument 'xml' for '--stats'\n"
                + "Valid arguments are:\n  - 'text'\n  - 'json'");
    }

    @Test
    void preserveTakesCpsNamesOnly() {
        String valid = "Valid arguments are:\n  - 'mode'\n  - 'timestamps'\n  - 'ownership'\n  - 'xattr'\n  - 'all'";
        assertUsage("--preserve=foo|a|b", "invalid argument 'foo' for '--preserve'\n" + valid);
        assertUsage("--preserve=mode,links|a|b", "invalid argument 'links' for '--preserve'\n" + valid);
        assertUsage("--preserve=|a|b", "ambiguous argument '' for '--preserve'\n" + valid);
        assertUsage("--preserve=mode,|a|b", "ambiguous argument '' for '--preserve'\n" + valid);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "-i|--interactive", "-f|--force", "-u|--update", "-l|--link", "-s|--symbolic-link", "-x|--one-file-system",
        "-b|--backup", "-S|--suffix", "-Z|--context", "-d|--no-dereference --preserve=links",
        "-H|follow symbolic links named on the command line, not those in a tree",
    })
    void cpsShortOptionsThatMcpLacksAreNamedAsCps(String optionAndMeaning) {
        String option = optionAndMeaning.substring(0, 2);
        String meaning = optionAndMeaning.substring(3);
        String message = "cp's option '" + option + "' (" + meaning + ") is not supported\n"
                + "mcp takes cp's -a, -L, -P, -p, --preserve, -r, -R, -t, -T and -v, and options of its own";
        assertUsage(option + "|a|b", message);
        assertUsage("-r" + option.substring(1) + "|a|b", message);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "--reflink", "--reflink=always", "--sparse=never", "--backup", "--backup=numbered", "--parents", "--interactive",
        "--force", "--update", "--update=older", "--link", "--symbolic-link", "--one-file-system", "--remove-destination",
        "--attributes-only", "--copy-contents", "--strip-trailing-slashes", "--no-clobber", "--no-preserve=mode",
        "--suffix=.bak", "--context",
    })
    void cpsLongOptionsThatMcpLacksAreNamedAsCps(String option) {
        String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
        assertUsage(option + "|a|b", "cp's option '" + name + "' is not supported\n"
                + "mcp takes cp's -a, -L, -P, -p, --preserve, -r, -R, -t, -T and -v, and options of its own");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "", "a", "a|b|c|-T", "--frobnicate|a|b", "-z|a|b", "-n", "-n|many|a|b", "--verify|x|a|b", "--debug=1|a|b",
        "--stats=|a|b", "--preserve=q|a|b", "-i|a|b", "--reflink|a|b", "-qv|a|b", "-t|a|-T|b", "--processes", "-t",
        "--help=me", "--version=2", "-h=x", "--chunk-size|4K1|a|b", "--method=", "-n|1|-n|x|a|b",
    })
    void noneOfPicocliSWordsReachTheUser(String line) {
        Processes.Result result = run(line);
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("mcp: "), result.err());
        assertTrue(result.err().endsWith(TRY), result.err());
        for (String words : PICOCLI_WORDS) {
            assertFalse(result.err().contains(words), words + " in " + result.err());
        }
    }

    @Test
    void aRepeatedOptionCountsLastAsGetoptReadsIt() throws Exception {
        Files.writeString(dir.resolve("a"), "bytes");
        Processes.Result result = run("-n|x|-n|1|" + dir.resolve("a") + "|" + dir.resolve("b"));
        assertEquals(2, result.exitCode(), "each value is checked: " + result);
        Processes.Result last = run("-n|1024|-n|1|" + dir.resolve("a") + "|" + dir.resolve("b"));
        assertEquals(0, last.exitCode(), last.toString());
        assertEquals("bytes", Files.readString(dir.resolve("b")));
    }

    @Test
    void theProcessExitsWithStatusTwo() throws Exception {
        Processes.Result result = Processes.run(Processes.javaCommand(Main.class.getName(), "-i", "a", "b"), dir, 60);
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("mcp: cp's option '-i' (--interactive) is not supported\n"), result.err());
        assertTrue(result.err().endsWith(TRY), result.err());
        assertFalse(Files.exists(dir.resolve("b")));
    }
}
