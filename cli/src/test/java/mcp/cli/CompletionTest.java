package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mcp.fixtures.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The shell completion the build generates from the picocli model, run by real shells: bash
 * calls its completion function as it would for a TAB; zsh, driven through a pseudo-terminal
 * (zsh/zpty), completes a line typed at an interactive prompt with {@code _mcp} on its fpath.
 */
class CompletionTest {
    static final Path COMPLETION = Path.of(System.getProperty("mcp.completionDirectory", "target/completion"));

    static final Path BASH = COMPLETION.resolve("mcp.bash");

    static final Path ZSH = COMPLETION.resolve("_mcp");

    @TempDir
    Path dir;

    @Test
    void bashCompletesOptions() throws Exception {
        assertEquals(List.of("--recursive", "--resume"), bashCompletes(BASH, "mcp", "--re"));
        assertEquals(List.of("--chunk-size", "--clean"), bashCompletes(BASH, "mcp", "-v", "--c"));
    }

    @Test
    void bashCompletesTheValuesOfAnOption() throws Exception {
        assertEquals(List.of("cache", "media"), bashCompletes(BASH, "mcp", "--verify", ""));
        assertEquals(List.of("copy_file_range"), bashCompletes(BASH, "mcp", "--method", "c"));
    }

    @Test
    void bashOffersEveryOptionOfTheModelAndNoOther() throws Exception {
        Set<String> model = new TreeSet<>();
        for (OptionSpec option : new CommandLine(new McpCommand()).getCommandSpec().options()) {
            if (!option.hidden()) {
                model.addAll(Arrays.asList(option.names()));
            }
        }
        assertEquals(model, new TreeSet<>(bashCompletes(BASH, "mcp", "-")));
    }

    @Test
    void anOptionAddedToTheModelIsCompletedWithoutAnyEdit() throws Exception {
        // What the build runs (picocli.AutoComplete on McpCommand's model), on the model with one more option.
        CommandLine commandLine = new CommandLine(new McpCommand());
        commandLine.getCommandSpec().addOption(OptionSpec.builder("--added-option").arity("0").build());
        Path script = dir.resolve("mcp.bash");
        Files.writeString(script, AutoComplete.bash("mcp", commandLine));
        assertEquals(List.of("--added-option"), bashCompletes(script, "mcp", "--add"));
        assertEquals(List.of(), bashCompletes(BASH, "mcp", "--add"), "the option is not mcp's");
    }

    @Test
    void bashLeavesFileNameCompletionOnForOperands() throws Exception {
        // Nothing for an operand but bash's default completion, file names: compopt must not turn it off.
        String script = "compopt() { echo \"compopt $*\" >&2; }\n"
                + "source " + quoted(BASH) + "\n"
                + "complete -p mcp\n"
                + "COMP_WORDS=(mcp some); COMP_CWORD=1; COMP_LINE='mcp some'; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_mcp\n"
                + "echo \"replies: ${#COMPREPLY[@]}\"\n";
        Processes.Result result = bash(script);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("complete -o default -F _complete_mcp mcp"), result.out());
        assertTrue(result.out().endsWith("replies: 0\n"), result.out());
        assertFalse(result.err().contains("+o default"), result.err());
    }

    @Test
    void zshCompletesOptionsValuesAndFileNames() throws Exception {
        Skip.unless(ManPageTest.onPath("zsh"), "zsh is not installed, so its completion cannot be tried");
        assertTrue(Files.isRegularFile(ZSH), "the build generates " + ZSH);
        Path fpath = Files.createDirectory(dir.resolve("zsh-functions"));
        Files.copy(ZSH, fpath.resolve("_mcp"));
        Files.createFile(dir.resolve("source-file.img"));
        assertTrue(zshCompletes(fpath, "mcp --resu").endsWith("mcp --resume "));
        assertTrue(zshCompletes(fpath, "mcp --verify m").endsWith("mcp --verify media "));
        assertTrue(zshCompletes(fpath, "mcp -v sour").endsWith("mcp -v source-file.img "));
    }

    /** What bash's completion function defined by {@code script} replies for the last of {@code words}. */
    private List<String> bashCompletes(Path script, String... words) throws Exception {
        assertTrue(Files.isRegularFile(script), "the build generates " + script);
        String line = String.join(" ", words);
        String commands = "source " + quoted(script) + "\n"
                + "COMP_WORDS=(" + Stream.of(words).map(CompletionTest::quoted).collect(Collectors.joining(" ")) + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "; COMP_LINE=" + quoted(line) + "; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_mcp\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Processes.Result result = bash(commands);
        assertEquals(0, result.exitCode(), result.toString());
        if (script.equals(BASH)) {
            // Outside a real TAB, bash's compopt complains: the build's script no longer calls it.
            assertEquals("", result.err(), result.toString());
        }
        return result.out().lines().filter(reply -> !reply.isEmpty()).sorted().toList();
    }

    private Processes.Result bash(String commands) throws Exception {
        return Processes.run(List.of("bash", "--norc", "--noprofile", "-c", commands), dir, 60);
    }

    /**
     * The line an interactive zsh shows after {@code typed} and a TAB, escape sequences removed: a
     * pseudo-terminal (zsh/zpty) runs {@code zsh -f -i}, whose compinit finds {@code _mcp} in
     * {@code fpath}, as an installed completion is found.
     */
    private String zshCompletes(Path fpath, String typed) throws Exception {
        String driver = """
                zmodload zsh/zpty
                zpty shell 'zsh -f -i'
                zpty -w shell "PS1='%% '; fpath=(${1} \\$fpath); autoload -U compinit; compinit -u -D"
                zpty -w shell 'print READY'
                while zpty -r shell line; do [[ $line == READY* ]] && break; done
                zpty -w -n shell "${2}"$'\\t'
                sleep 2
                out=''
                while zpty -r -t shell chunk; do out+=$chunk; done
                zpty -d shell
                print -r -- "$out"
                """;
        Processes.Result result = Processes.run(List.of("zsh", "-f", "-c", driver, "zsh", fpath.toString(), typed), dir,
                Map.of("TERM", "dumb"), 60);
        assertEquals(0, result.exitCode(), result.toString());
        String shown = result.out().replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replaceAll("[\r\b]", "\n");
        String last = shown.lines().filter(line -> line.contains("mcp ")).reduce((first, second) -> second).orElse("");
        return last.replaceFirst("^.*?(mcp )", "$1");
    }

    /** {@code value} quoted for bash. */
    private static String quoted(Object value) {
        return "'" + value.toString().replace("'", "'\\''") + "'";
    }
}
