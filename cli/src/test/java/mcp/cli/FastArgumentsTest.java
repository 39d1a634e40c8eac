package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast parser either declines a command line or reads it exactly as picocli does. */
class FastArgumentsTest {
    private static final int DEFAULT_PROCESSES = Runtime.getRuntime().availableProcessors();

    private static String[] split(String line) {
        return line.isEmpty() ? new String[0] : line.split("\\|", -1);
    }

    /** What picocli makes of the line, or null if it rejects it. */
    private static FastArguments.Parsed picocli(String[] args) {
        CommandLine commandLine = McpCommand.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        try {
            CommandLine.ParseResult result = commandLine.parseArgs(args);
            if (result.isUsageHelpRequested() || result.isVersionHelpRequested()) {
                return null;
            }
        } catch (CommandLine.ParameterException e) {
            return null;
        }
        return ((McpCommand) commandLine.getCommand()).parsed();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "a|b", "-n|5|a|b", "-n5|a|b", "--processes|3|a|b", "--processes=3|a|b", "a|-n|2|b", "a|b|-n|1",
        "--chunk-size|1M|a|b", "--chunk-size=8192|a|b", "--verify|media|a|b", "--verify=cache|a|b",
        "--debug|a|b", "--|-a|-b", "-n|2|--|--debug|x", "@args|b", "a b|c d", "-|out", "-n|1024|a|b",
        "--method|pwrite|a|b", "--method=copy_file_range|a|b", "--method=mmap|-n|2|a|b", "--method|auto|a|b",
        "--stats|a|b", "a|b|--stats", "--stats=json|a|b", "--stats=text|-n|2|a|b", "--stats|json|b", "--|--stats|b",
        "--stats=json|--method=pwrite|a|b",
    })
    void acceptsWhatPicocliReadsTheSameWay(String line) {
        String[] args = split(line);
        FastArguments.Parsed fast = FastArguments.parse(args, DEFAULT_PROCESSES);
        assertNotNull(fast, "the fast parser takes this common line");
        assertEquals(picocli(args), fast);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "", "a", "a|b|c", "-n|0|a|b", "-n|1025|a|b", "-n|x|a|b", "-n|5|-n|6|a|b", "--chunk-size|1000|a|b",
        "--chunk-size|0|a|b", "--verify|disk|a|b", "--verify|MEDIA|a|b", "--help", "--version", "-h|a|b", "-V",
        "-r|a|b", "--reflink|a|b", "-n", "--debug|--debug|a|b", "-n=3|a|b", "--verify",
        "--method|MMAP|a|b", "--method|copy-file-range|a|b", "--method|mmap|--method|pwrite|a|b", "--method",
    })
    void declinesWhatItDoesNotKnowAndPicocliDecides(String line) {
        assertNull(FastArguments.parse(split(line), DEFAULT_PROCESSES));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "--stats=xml|a|b", "--stats=JSON|a|b", "--stats=|a|b", "--stats|--stats|a|b", "--stats=json|--stats|a|b",
    })
    void neitherTakesAStatsFormatItDoesNotKnowNorTwoOfThem(String line) {
        assertNull(FastArguments.parse(split(line), DEFAULT_PROCESSES));
        assertNull(picocli(split(line)));
    }
}
