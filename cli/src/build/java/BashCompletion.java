import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import mcp.cli.McpCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Writes mcp's bash completion script, {@code picocli.AutoComplete}'s from McpCommand's model, to
 * the file named by the first argument. Run by the build only (as a source-file program, so it is
 * in no jar). picocli lists the options in the order reflection found their methods, which differs
 * from one JVM run to the next; the script takes them in the order of --help, so that two builds of
 * one commit give the same bytes.
 *
 * <p>picocli's script also turns bash's default completion off for the word being completed, and
 * has no candidates for words that are files: SOURCE, DEST and -t's DIRECTORY would not complete at
 * all. The script leaves it on, so that they complete as file names.
 */
public final class BashCompletion {
    private BashCompletion() {
    }

    /** The line of picocli's script that turns the default completion off. */
    private static final String DEFAULT_OFF = "type compopt &>/dev/null && compopt +o default";

    public static void main(String[] args) throws Exception {
        CommandSpec model = new CommandLine(new McpCommand()).getCommandSpec();
        CommandSpec ordered = CommandSpec.create().name(model.name());
        model.options().stream()
                .sorted(Comparator.comparingInt(OptionSpec::order).thenComparing(OptionSpec::longestName))
                .forEach(ordered::addOption);
        model.positionalParameters().forEach(ordered::addPositional);
        Path script = Path.of(args[0]);
        Files.createDirectories(script.getParent());
        String generated = AutoComplete.bash(model.name(), new CommandLine(ordered));
        if (!generated.contains(DEFAULT_OFF)) {
            throw new IllegalStateException("picocli's script no longer says '" + DEFAULT_OFF + "': see what it does now");
        }
        Files.writeString(script, generated.replace(DEFAULT_OFF,
                ": # the default completion (file names) stays on: operands are files"));
    }
}
