package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mcp.fixtures.Processes;
import mcp.nativebridge.FileNames;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Messages#quote} against what GNU cp prints: a few names spelled out, then many nasty
 * ones compared with the real cp's "cannot stat" message, in a UTF-8 locale and in the C locale,
 * and read back through bash.
 */
class MessagesTest {
    @TempDir
    Path dir;

    /** A name, how cp quotes it in a UTF-8 locale, and how in the C locale. */
    static Stream<Arguments> spelledOut() {
        return Stream.of(
                arguments("plain", "'plain'", "'plain'"),
                arguments("", "''", "''"),
                arguments("a b", "'a b'", "'a b'"),
                arguments("it's", "\"it's\"", "\"it's\""),
                arguments("it's $HOME", "'it'\\''s $HOME'", "'it'\\''s $HOME'"),
                arguments("a\nb", "'a'$'\\n''b'", "'a'$'\\n''b'"),
                arguments("\nb", "''$'\\n''b'", "''$'\\n''b'"),
                arguments("a\n'b", "'a'$'\\n'\\''b'", "'a'$'\\n'\\''b'"),
                arguments("tab\t", "'tab'$'\\t'", "'tab'$'\\t'"),
                arguments("\033[31mred", "''$'\\033''[31mred'", "''$'\\033''[31mred'"),
                arguments("a\uDCFFb", "'a'$'\\377''b'", "'a'$'\\377''b'"),
                arguments("café", "'café'", "'caf'$'\\303\\251'"),
                arguments("café's", "\"café's\"", "'caf'$'\\303\\251'\\''s'"),
                arguments("\uD83D\uDE00", "'\uD83D\uDE00'", "''$'\\360\\237\\230\\200'"),
                arguments("\u0085", "''$'\\302\\205'", "''$'\\302\\205'"),
                // A single quote and an escape at the end: cp before coreutils 9.6 got these wrong (see below).
                arguments("it's\001", "'it'\\''s'$'\\001'", "'it'\\''s'$'\\001'"),
                arguments("\001'\001", "''$'\\001'\\'''$'\\001'", "''$'\\001'\\'''$'\\001'"),
                arguments("it's é", "\"it's é\"", "'it'\\''s '$'\\303\\251'"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("spelledOut")
    void quotesAsCpDoes(String name, String inUtf8Locale, String inCLocale) {
        assertEquals(inUtf8Locale, Messages.quote(name, true));
        assertEquals(inCLocale, Messages.quote(name, false));
    }

    @Test
    void quotesPaths() {
        assertEquals("'dir/a b'", Messages.quote(Path.of("dir", "a b"), true));
    }

    /** Names meant to break quoting; the display name escapes what a report could not show. */
    static Stream<Named<String>> nastyNames() {
        return Stream.of(
                "", "plain", "a\nb", "\n", "trailing\n", "\t", "a\tb", "\r", "\007\b\f\013", "\001", "\177",
                "\033[31mred", "\033]0;title\007",
                "'", "''", "it's", "it's\"", "it's\\", "it's$", "it's`", "it's?", "#it's", "it's#", "~it's", "a~'",
                "{", "}", "{a}", "{'", "@'", "it's é", "a\n'b", "'\n", "'\001", "\n'\n", "it's\001", "\001'\001",
                "a'\uDCFF",
                "\"", "a\"b", "\\", "a\\b", "$", "$HOME", "`date`", "$(date)", "!", "!!", "*", "?", "[a]", "a;b", "a|b",
                "a&b", "<>", "=", "^", "(x)",
                " ", "a b", " lead", "trail ", "two  spaces",
                "-", "-x", "--help", "~", "~user", "a~", "#", "#x", "a#",
                "\uDCFF", "a\uDCFFb", "\uDC80", "\uDCC0\uDCAF", "\uDCED\uDCA0\uDC80", "\uDCE6\uDC97", "\uDCE6\uDC97A",
                "\uDCF4\uDC90\uDC80\uDC80", "'\uDCFF",
                "é", "café", "café's", "日本", "\uD83D\uDE00", "\uD800\uDC80", "\u00A0", "\u3000", "\u200B",
                "\u2028", "\u0085", "\u0378", "\uFFFE", "\uE000", "é\n")
                .map(name -> Named.of(visible(name), name));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("nastyNames")
    void quotesAsTheRealCpInAUtf8Locale(String name) throws Exception {
        assumeGnuCp();
        assumeUtf8LocaleExists();
        assertQuotedAsCp(name, true, cpCannotStat(name, "C.UTF-8"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("nastyNames")
    void quotesAsTheRealCpInTheCLocale(String name) throws Exception {
        assumeGnuCp();
        assertQuotedAsCp(name, false, cpCannotStat(name, "C"));
    }

    /** What cp's quoting promises: a shell reading the quoted name gets the name's bytes back. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("nastyNames")
    void bashReadsTheQuotedNameBackAsTheSameBytes(String name) throws Exception {
        skipUnless(Files.isExecutable(Path.of("/bin/bash")), "no /bin/bash, which understands $'...'");
        List<String> quoted = List.of(Messages.quote(name, true), Messages.quote(name, false));
        // One bash for both forms (the UTF-8 one is ASCII plus valid UTF-8, the other ASCII only):
        // each read back as hex, then a line with a dot.
        String script = "for q; do eval \"printf %s $(printf \"$q\")\" | od -An -tx1 -v; echo .; done";
        Processes.Result result = Processes.run(List.of("/bin/bash", "-c", script, "bash",
                printfFormat(quoted.get(0).getBytes(StandardCharsets.UTF_8)),
                printfFormat(quoted.get(1).getBytes(StandardCharsets.UTF_8))), dir, Map.of("LC_ALL", "C.UTF-8"), 30);
        assertEquals(0, result.exitCode(), result.toString());
        String hex = HexFormat.of().formatHex(FileNames.encode(name));
        assertEquals(List.of(hex, hex), List.of(result.out().replaceAll("\\s", "").split("\\.", -1)).subList(0, 2),
                "read back from " + quoted);
    }

    /**
     * cp before coreutils 9.6 (gnulib's quotearg before its fix of 2024-04-03) misquotes a name
     * that holds a single quote after its first character and ends with an escaped character: it
     * scans such a name twice, the second time still in the $'...' state the first scan ended
     * in, so the result opens with a stray '' before a plain first character, or lacks the $'
     * before an escaped one. Messages quotes as the fixed cp does; for exactly those names this
     * also accepts what an older cp prints, so that the comparison holds against either.
     */
    private static void assertQuotedAsCp(String name, boolean utf8Locale, String cpSaid) {
        String quoted = Messages.quote(name, utf8Locale);
        int last = name.isEmpty() ? 'x' : name.codePointBefore(name.length());
        boolean olderCpErrs = name.indexOf('\'') > 0 && quoted.startsWith("'")
                && Messages.quote(new String(Character.toChars(last)), utf8Locale).startsWith("''$'");
        if (olderCpErrs) {
            String asOlderCp = quoted.startsWith("''$'") ? "'" + quoted.substring(4) : "'''" + quoted.substring(1);
            if (cpSaid.equals(cannotStat(asOlderCp))) {
                System.out.println("cp quotes " + visible(name) + " as coreutils before 9.6 did: " + asOlderCp);
                return;
            }
        }
        assertEquals(cpSaid, cannotStat(quoted));
    }

    private static String cannotStat(String quoted) {
        return "cp: cannot stat " + quoted + ": No such file or directory\n";
    }

    /**
     * What cp says when asked to copy {@code name}, which does not exist. The name reaches cp
     * through the shell's printf, as octal escapes: Java would encode an argument with its own
     * charset, which cannot carry bytes that are not UTF-8 (and under LC_ALL=C not even é).
     */
    private String cpCannotStat(String name, String locale) throws Exception {
        // The x keeps $(...) from dropping trailing newlines of the name.
        String script = "name=$(printf \"$1\"; echo x); exec cp -- \"${name%x}\" copy";
        Processes.Result result = Processes.run(List.of("sh", "-c", script, "sh", printfFormat(FileNames.encode(name))),
                dir, Map.of("LC_ALL", locale), 30);
        assertEquals(1, result.exitCode(), result.toString());
        return result.err();
    }

    /** A printf format that prints {@code bytes}: octal escapes only, so plain ASCII to pass to a process. */
    private static String printfFormat(byte[] bytes) {
        StringBuilder format = new StringBuilder();
        for (byte b : bytes) {
            format.append(String.format("\\%03o", b & 0xFF));
        }
        return format.toString();
    }

    /** Why the comparison with cp cannot run here, "" if it can, or null until found out. */
    private static String cpUnfitBecause;

    private void assumeGnuCp() throws Exception {
        if (cpUnfitBecause == null) {
            String version;
            try {
                version = Processes.run(List.of("cp", "--version"), dir, 30).out();
            } catch (IOException e) {
                version = e.toString();
            }
            cpUnfitBecause = version.contains("GNU coreutils") ? ""
                    : "cp is not GNU coreutils, whose quoting this test compares with: " + version.lines().findFirst().orElse("");
        }
        skipUnless(cpUnfitBecause.isEmpty(), cpUnfitBecause);
    }

    /** Why there is no UTF-8 locale to run cp in, or null until found out. */
    private static String utf8LocaleMissingBecause;

    private void assumeUtf8LocaleExists() throws Exception {
        if (utf8LocaleMissingBecause == null) {
            String said = cpCannotStat("é", "C.UTF-8");
            utf8LocaleMissingBecause = said.contains("'é'") ? "" : "the C.UTF-8 locale seems missing: cp printed " + said.trim();
        }
        skipUnless(utf8LocaleMissingBecause.isEmpty(), utf8LocaleMissingBecause);
    }

    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("MessagesTest skipped: " + reason);
        }
        Assumptions.assumeTrue(condition, reason);
    }

    /** {@code name} with every character that is not printable ASCII as a Java escape. */
    private static String visible(String name) {
        StringBuilder shown = new StringBuilder("\"");
        for (char c : name.toCharArray()) {
            shown.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return shown.append('"').toString();
    }
}
