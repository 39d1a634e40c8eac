package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mcp.cli.Invocation.Preserved;
import mcp.cli.Invocation.Progress;
import mcp.cli.Operands.Target;
import mcp.cli.Invocation.Verbosity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The fast parser either declines a command line or reads it exactly as picocli does; and what
 * both read is what cp's options mean.
 */
class FastArgumentsTest {
    private static final int DEFAULT_PROCESSES = Runtime.getRuntime().availableProcessors();

    private static String[] split(String line) {
        return line.isEmpty() ? new String[0] : line.split("\\|", -1);
    }

    /** What picocli makes of the line, or null if it rejects it. */
    private static Invocation picocli(String[] args) {
        CommandLine commandLine = McpCommand.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        try {
            CommandLine.ParseResult result = commandLine.parseArgs(args);
            if (result.isUsageHelpRequested() || result.isVersionHelpRequested()) {
                return null;
            }
            return ((McpCommand) commandLine.getCommand()).parsedInvocation();
        } catch (CommandLine.ParameterException e) {
            return null;
        }
    }

    /** What both parsers make of {@code line}, which both must take, and read alike. */
    private static Invocation both(String line) {
        String[] args = split(line);
        Invocation fast = FastArguments.parse(args, DEFAULT_PROCESSES);
        assertNotNull(fast, "the fast parser takes this common line");
        assertEquals(picocli(args), fast);
        return fast;
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "a|b", "-n|5|a|b", "-n5|a|b", "--processes|3|a|b", "--processes=3|a|b", "a|-n|2|b", "a|b|-n|1",
        "--chunk-size|1M|a|b", "--chunk-size=8192|a|b", "--verify|media|a|b", "--verify=cache|a|b",
        "--debug|a|b", "--|-a|-b", "-n|2|--|--debug|x", "@args|b", "a b|c d", "-|out", "-n|1024|a|b",
        "--method|pwrite|a|b", "--method=copy_file_range|a|b", "--method=mmap|-n|2|a|b", "--method|auto|a|b",
        "--stats|a|b", "a|b|--stats", "--stats=json|a|b", "--stats=text|-n|2|a|b", "--stats|json|b", "--|--stats|b",
        "--stats=json|--method=pwrite|a|b", "--debug|--debug|a|b",
        // cp's options
        "-r|a|b", "-R|a|b", "--recursive|a|b", "-a|a|b", "--archive|a|b", "-av|a|b", "-rv|a|b", "-rp|a|b", "-vr|a|b",
        "-p|a|b", "--preserve|a|b", "--preserve=all|a|b", "--preserve=mode,xattr|a|b", "--preserve=t,o|a|b",
        "--preserve|mode|b", "-p|--preserve=xattr|a|b", "-v|a|b", "--verbose|a|b", "-v|-v|a|b", "-r|-r|a|b",
        "-L|a|b", "-P|a|b", "-rL|a|b", "-a|-L|a|b", "-L|-a|a|b", "--dereference|-r|a|b", "--no-dereference|a|b",
        "-t|dir|a|b|c", "-tdir|a", "--target-directory=dir|a|b", "--target-directory|dir|a", "-rt|d|a", "-t|-r|a",
        "-T|a|b", "--no-target-directory|a|b", "a|b|c|d", "-rTv|a|b",
        // mcp's own
        "-q|a|b", "--quiet|a|b", "--json|a|b", "--progress|a|b", "--no-progress|a|b", "-q|--progress|a|b",
        "--progress|-q|a|b", "--progress|--no-progress|a|b", "--no-progress|--progress|a|b", "-rn5|a|b", "-rn|5|a|b",
        "-qr|--json|-t|d|a|b",
    })
    void acceptsWhatPicocliReadsTheSameWay(String line) {
        both(line);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "", "a", "-n|0|a|b", "-n|1025|a|b", "-n|x|a|b", "-n|5|-n|6|a|b", "--chunk-size|1000|a|b",
        "--chunk-size|0|a|b", "--verify|disk|a|b", "--verify|MEDIA|a|b", "--help", "--version", "-h|a|b", "-V",
        "--reflink|a|b", "-n", "-n=3|a|b", "--verify", "-i|a|b", "-rz|a|b", "-H|a|b", "-d|a|b", "--verbose=x|a|b",
        "--method|MMAP|a|b", "--method|copy-file-range|a|b", "--method|mmap|--method|pwrite|a|b", "--method",
        "-T|a|b|c", "-t|d|-T|a", "-t|d", "-T", "-qv|a|b", "-q|-v|a|b", "--preserve=foo|a|b", "--preserve=|a|b",
        "--preserve=links|a|b", "-t|x|-t|y|a", "-rn", "-t", "-5|a|b", "--progress=yes|a|b",
    })
    void declinesWhatItDoesNotKnowAndPicocliDecides(String line) {
        assertNull(FastArguments.parse(split(line), DEFAULT_PROCESSES));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "--stats=xml|a|b", "--stats=JSON|a|b", "--stats=|a|b", "-T|a|b|c", "-t|d|-T|a", "-qv|a|b", "--preserve=foo|a|b",
        "-t|x|-t|y|a", "a", "",
    })
    void neitherTakesAUsageError(String line) {
        assertNull(FastArguments.parse(split(line), DEFAULT_PROCESSES));
        assertNull(picocli(split(line)));
    }

    @Test
    void lastOperandIsDestAndTheRestAreSources() {
        Invocation one = both("a|b");
        assertEquals(List.of("a"), one.sources());
        assertEquals("b", one.destination());
        assertEquals(Target.LAST_OPERAND, one.target());
        assertTrue(one.oneSource());
        Invocation several = both("a|b|c|dir");
        assertEquals(List.of("a", "b", "c"), several.sources());
        assertEquals("dir", several.destination());
        assertEquals(Target.LAST_OPERAND, several.target());
    }

    @Test
    void targetDirectoryTakesEveryOperandAsASource() {
        Invocation invocation = both("a|-t|dir|b");
        assertEquals(List.of("a", "b"), invocation.sources());
        assertEquals("dir", invocation.destination());
        assertEquals(Target.DIRECTORY, invocation.target());
    }

    @Test
    void noTargetDirectoryTakesDestAsAFile() {
        Invocation invocation = both("-T|a|dir");
        assertEquals(List.of("a"), invocation.sources());
        assertEquals("dir", invocation.destination());
        assertEquals(Target.NO_DIRECTORY, invocation.target());
    }

    @Test
    void recursiveCopiesLinksAsLinksUnlessDereferenced() {
        assertFalse(both("a|b").noDereference(), "a SOURCE that is a link is followed without -r");
        assertTrue(both("-r|a|b").noDereference(), "-r implies -P, as in cp");
        assertFalse(both("-r|-L|a|b").noDereference());
        assertFalse(both("-rL|a|b").noDereference());
        assertTrue(both("-P|a|b").noDereference());
        assertTrue(both("-L|-P|a|b").noDereference(), "the last of -L and -P counts");
        assertFalse(both("-P|-L|a|b").noDereference());
        assertTrue(both("-a|a|b").noDereference());
        assertFalse(both("-a|-L|a|b").noDereference(), "-L after -a follows links");
        assertTrue(both("-L|-a|a|b").noDereference(), "-a after -L does not");
    }

    @Test
    void archiveIsRecursiveAndPreservesEverything() {
        Invocation invocation = both("-a|a|b");
        assertTrue(invocation.recursive());
        assertEquals(EnumSet.allOf(Preserved.class), invocation.preserve());
        assertEquals(both("-R|-P|--preserve=all|a|b"), invocation);
    }

    @Test
    void preserveTakesCpsNamesAndPrefixes() {
        Set<Preserved> cpDefault = EnumSet.of(Preserved.MODE, Preserved.OWNERSHIP, Preserved.TIMESTAMPS);
        assertEquals(Set.of(), both("a|b").preserve());
        assertEquals(cpDefault, both("-p|a|b").preserve());
        assertEquals(cpDefault, both("--preserve|a|b").preserve());
        assertEquals(cpDefault, both("--preserve=mode,ownership,timestamps|a|b").preserve());
        assertEquals(EnumSet.of(Preserved.TIMESTAMPS, Preserved.XATTR), both("--preserve=t,x|a|b").preserve());
        assertEquals(EnumSet.of(Preserved.MODE, Preserved.OWNERSHIP, Preserved.TIMESTAMPS, Preserved.XATTR),
                both("-p|--preserve=xattr|a|b").preserve(), "each adds to the others");
        Invocation notAList = both("--preserve|mode|b");
        assertEquals(List.of("mode"), notAList.sources(), "a list only when attached, as getopt takes it");
    }

    @Test
    void quietTurnsProgressOffUnlessAskedFor() {
        assertEquals(Progress.AUTO, both("a|b").progress());
        assertEquals(Verbosity.NORMAL, both("a|b").verbosity());
        assertEquals(Verbosity.QUIET, both("-q|a|b").verbosity());
        assertEquals(Verbosity.VERBOSE, both("-v|a|b").verbosity());
        assertEquals(Progress.NEVER, both("-q|a|b").progress());
        assertEquals(Progress.ALWAYS, both("-q|--progress|a|b").progress());
        assertEquals(Progress.ALWAYS, both("--progress|-q|a|b").progress());
        assertEquals(Progress.NEVER, both("--progress|--no-progress|a|b").progress());
        assertEquals(Progress.ALWAYS, both("--no-progress|--progress|a|b").progress());
    }

    @Test
    void clustersReadAsTheirFlags() {
        assertEquals(both("-r|-v|-n|5|a|b"), both("-rvn5|a|b"));
        assertEquals(both("-r|-t|d|a"), both("-rtd|a"));
        assertTrue(both("--json|a|b").json());
        assertEquals(3, both("-n|3|a|b").processes());
        assertEquals(DEFAULT_PROCESSES, both("a|b").processes());
    }
}
