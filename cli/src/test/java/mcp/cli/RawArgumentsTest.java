package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mcp.fixtures.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawArgumentsTest {
    @TempDir
    Path dir;

    /**
     * A real JVM started by a shell with arguments the JVM cannot decode: a byte that is not
     * UTF-8, an empty argument, and é, which the C locale has no character for. The shell makes
     * them with printf, since Java would encode arguments of its own with its own charset.
     */
    @ParameterizedTest
    @ValueSource(strings = {"C", "C.UTF-8"})
    void readsTheArgumentsAsTheBytesGiven(String locale) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "exec \"$@\" \"$(printf 'a\\377b')\" '' \"$(printf '\\303\\251')\" plain", "sh"));
        command.addAll(Processes.javaCommand(RawArgumentsProbe.class.getName()));
        Processes.Result result = Processes.run(command, dir, Map.of("LC_ALL", locale), 60);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("[61ff62]\n[]\n[c3a9]\n[706c61696e]\n", result.out(), result.toString());
    }

    @Test
    void takesTheLastEntriesAndKeepsEmptyOnes() {
        byte[] commandLine = bytes("java\0-cp\0classes\0mcp.cli.Main\0a\0\0caf\u00c3\u00a9\0\u00ff\0");
        String[] args = {"a", "", "caf\uFFFD\uFFFD", "\uFFFD"};
        assertArrayEquals(new String[] {"a", "", "caf\u00e9", "\uDCFF"}, RawArguments.of(args, commandLine));
    }

    @Test
    void takesALastEntryWithoutItsNul() {
        assertArrayEquals(new String[] {"x", "y"}, RawArguments.of(new String[] {"x", "y"}, bytes("java\0Main\0x\0y")));
    }

    @Test
    void noArgumentsAreNoArguments() {
        assertArrayEquals(new String[0], RawArguments.of(new String[0], bytes("java\0Main\0")));
    }

    @Test
    void keepsTheJvmsArgumentsWhenTheCommandLineIsShorter() {
        String[] args = {"a", "b", "c"};
        assertSame(args, RawArguments.of(args, bytes("Main\0b\0c\0")));
        assertSame(args, RawArguments.of(args, new byte[0]));
    }

    /** As when main is called from other Java code: the command line is some other program's. */
    @Test
    void keepsTheJvmsArgumentsWhenAnAsciiEntryDiffers() {
        String[] args = {"\uFFFD", "src", "dst"};
        assertSame(args, RawArguments.of(args, bytes("java\0Main\0\u00ff\0src\0other\0")));
        String[] notOurs = {"surely not an argument of this test JVM"};
        assertSame(notOurs, RawArguments.of(notOurs));
    }

    /** {@code text} with every char below U+0100 as the byte of that value. */
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
