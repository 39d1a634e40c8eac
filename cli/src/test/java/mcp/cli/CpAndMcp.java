package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mcp.fixtures.Processes;
import mcp.fixtures.Unprivileged;

/**
 * mcp and GNU cp run as processes in a test's directory, with the same locale, so that their
 * messages name files as the user typed them and can be compared word for word; and the checks
 * every tree test makes of what a copy left behind.
 */
final class CpAndMcp {
    /** Seconds any one command may take: trees of hundreds of MiB on a loaded two-core machine. */
    static final long TIMEOUT_SECONDS = 300;
    /** Both quote names as they would in a UTF-8 locale; mcp learns it from the JVM's native encoding. */
    static final Map<String, String> LOCALE = Map.of("LC_ALL", "C.UTF-8");
    private static final String SETPRIV = "setpriv --reuid=" + Unprivileged.NOBODY + " --regid=" + Unprivileged.NOBODY
            + " --clear-groups --";
    /** Names the unprivileged runs' fresh copies of the class path apart. */
    private static final AtomicInteger RUNS = new AtomicInteger();

    private CpAndMcp() {
    }

    /** {@code mcp ARGS} in {@code directory}. */
    static Processes.Result mcp(Path directory, String... args) throws IOException, InterruptedException {
        return mcp(Map.of(), directory, args);
    }

    /** {@code mcp ARGS} in {@code directory}, its JVM given the system properties {@code properties} (as {@code -Dk=v}). */
    static Processes.Result mcp(Map<String, String> properties, Path directory, String... args)
            throws IOException, InterruptedException {
        return Processes.run(withProperties(Processes.javaCommand(Main.class.getName(), args), properties), directory, LOCALE,
                TIMEOUT_SECONDS);
    }

    /** {@code mcp ARGS} run as user nobody when the tests run as root, its class path copied under {@code scratch}. */
    static Processes.Result mcpUnprivileged(Path scratch, Path directory, String... args) throws IOException, InterruptedException {
        Path classPath = Files.createDirectories(scratch.resolve("java-" + RUNS.incrementAndGet()));
        return Processes.run(Unprivileged.javaCommand(classPath, Main.class.getName(), args), directory, LOCALE, TIMEOUT_SECONDS);
    }

    /** {@code cp ARGS} in {@code directory}. */
    static Processes.Result cp(Path directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("cp"));
        command.addAll(List.of(args));
        return Processes.run(command, directory, LOCALE, TIMEOUT_SECONDS);
    }

    /** {@code cp ARGS} run as user nobody when the tests run as root. */
    static Processes.Result cpUnprivileged(Path directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (Unprivileged.runningAsRoot()) {
            command.addAll(List.of(SETPRIV.split(" ")));
        }
        command.add("cp");
        command.addAll(List.of(args));
        return Processes.run(command, directory, LOCALE, TIMEOUT_SECONDS);
    }

    /** {@code mcp ARGS} as a command line, to run with {@link #run}. */
    static List<String> mcpCommand(String... args) {
        return Processes.javaCommand(Main.class.getName(), args);
    }

    /** {@code cp ARGS} as a command line, to run with {@link #run}. */
    static List<String> cpCommand(String... args) {
        List<String> command = new ArrayList<>(List.of("cp"));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code command} run by a shell that first sets the file mode creation mask to {@code umask} (octal). */
    static List<String> underUmask(String umask, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Runs {@code command} in {@code directory}, in the locale mcp and cp share here. */
    static Processes.Result run(Path directory, List<String> command) throws IOException, InterruptedException {
        return Processes.run(command, directory, LOCALE, TIMEOUT_SECONDS);
    }

    /** {@code command} with {@code -Dname=value} for each property, placed before the main class. */
    private static List<String> withProperties(List<String> command, Map<String, String> properties) {
        List<String> with = new ArrayList<>(command);
        int at = with.indexOf("-cp");
        new HashMap<>(properties).forEach((name, value) -> with.add(at, "-D" + name + "=" + value));
        return with;
    }

    /**
     * A twin of {@code work} at {@code twin} ({@code cp -a}: the same names, links, modes and
     * times), for running cp on the same input as mcp and comparing the two results.
     */
    static Path twin(Path work, Path twin) throws IOException, InterruptedException {
        Processes.Result copied = Processes.run(List.of("cp", "-a", "--", work.toString(), twin.toString()),
                work.getParent(), 120);
        assertEquals(0, copied.exitCode(), "cannot make the twin: " + copied);
        return twin;
    }

    /** cp's lines on stderr as mcp words them: the same, {@code cp:} read as {@code mcp:}. */
    static String asMcp(String cpStderr) {
        return cpStderr.lines().map(line -> line.replaceFirst("^cp:", "mcp:")).collect(Collectors.joining("\n", "", "\n"));
    }

    /** Every temporary ({@code .mcp-part}) or control ({@code .mcp-control}) file left anywhere under {@code root}. */
    static List<Path> scratchLeft(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> {
                String name = path.getFileName().toString();
                return name.endsWith(".mcp-part") || name.endsWith(".mcp-control");
            }).collect(Collectors.toList());
        }
    }
}
