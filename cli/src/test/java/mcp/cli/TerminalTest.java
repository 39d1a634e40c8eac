package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mcp.fixtures.Poll;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.Terminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test fixture {@link Terminal} (test-fixtures has no tests of its own). */
class TerminalTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void runsTheCommandOnAPseudoTerminal() throws Exception {
        Terminal.Result result = Terminal.run(TIMEOUT, "tty");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.text().matches("/dev/pts/[0-9]+\r\n"), result.toString());
    }

    /** Standard input, output and error are all the terminal inside, and standard error is not outside. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "2"})
    void givesTheCommandATerminalOnEveryStandardDescriptor(String fd) throws Exception {
        Terminal.Result inside = Terminal.run(TIMEOUT, "test", "-t", fd);
        assertEquals(0, inside.exitCode(), inside.toString());
        Processes.Result outside = Processes.run(List.of("test", "-t", "2"), dir, 60);
        assertEquals(1, outside.exitCode(), outside.toString());
    }

    @Test
    void passesArgumentsOnUnsplitAndUnexpanded() throws Exception {
        Terminal.Result result = Terminal.run(TIMEOUT, "printf", "[%s]\n", "a b", "it's", "'", "$HOME", "*", "", "x\"y`id`\\",
                "two\nlines");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("[a b]\r\n[it's]\r\n[']\r\n[$HOME]\r\n[*]\r\n[]\r\n[x\"y`id`\\]\r\n[two\r\nlines]\r\n", result.text());
    }

    @Test
    void givesTheCommandsExitStatus() throws Exception {
        assertEquals(3, Terminal.run(TIMEOUT, "sh", "-c", "exit 3").exitCode());
    }

    @Test
    void runsInTheDirectoryAndEnvironmentGiven() throws Exception {
        Terminal.Result result = Terminal.run(TIMEOUT, dir, Map.of("COLUMNS", "123"),
                List.of("sh", "-c", "pwd; echo $COLUMNS"));
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(dir.toRealPath() + "\r\n123\r\n", result.text());
    }

    @Test
    void keepsCarriageReturnsAndEscapeSequencesAsWritten() throws Exception {
        Terminal.Result result = Terminal.run(TIMEOUT, "printf", "one\\rtwo\\033[K");
        assertArrayEquals("one\rtwo\033[K".getBytes(StandardCharsets.US_ASCII), result.output(), result.toString());
    }

    @Test
    void killsACommandThatOutlivesTheTimeout() throws Exception {
        // A duration no other process is likely to sleep, to find this one by.
        String seconds = "4242.123";
        long started = System.nanoTime();
        AssertionError error = assertThrows(AssertionError.class, () -> Terminal.run(Duration.ofMillis(500), "sleep", seconds));
        assertTrue(error.getMessage().contains("timed out"), error.getMessage());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos());
        Poll.until("the sleep in the terminal is gone", TIMEOUT,
                () -> ProcessTree.matching(command -> command.equals(List.of("sleep", seconds))).isEmpty());
    }

    @Test
    void screenShowsWhatAPersonWouldRead() {
        assertEquals(List.of("message", "12%"),
                Terminal.screen("\r 5%\033[K\r\033[Kmessage\n\r12%\033[K"));
        assertEquals(List.of("message", ""), Terminal.screen("\r 5%\033[K\r\033[Kmessage\r\n\r12%\033[K\r\033[K"));
        // Overwritten, not erased: the tail of the longer text stays.
        assertEquals(List.of("abcde"), Terminal.screen("xyzde\rabc"));
        assertThrows(IllegalArgumentException.class, () -> Terminal.screen("bell\007"));
        assertThrows(IllegalArgumentException.class, () -> Terminal.screen("\033[2J"));
    }
}
