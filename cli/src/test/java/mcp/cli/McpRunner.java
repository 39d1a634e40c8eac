package mcp.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import mcp.copy.WorkerLauncher;
import mcp.fixtures.Processes;

/** Runs the mcp command in this JVM (its workers are real child JVMs) and captures what it says. */
final class McpRunner {
    private McpRunner() {
    }

    static Processes.Result run(Object... args) {
        return run(new WorkerLauncher(), args);
    }

    /** As {@link #run(Object...)}, starting workers with {@code launcher}. */
    static Processes.Result run(WorkerLauncher launcher, Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] arguments = Stream.of(args).map(String::valueOf).toArray(String[]::new);
        int exitCode = McpCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), launcher).execute(arguments);
        return new Processes.Result(List.of(Arrays.toString(arguments)), exitCode, out.toString(), err.toString());
    }
}
