package mcp.cli;

import java.io.PrintWriter;
import mcp.copy.FatalSignals;

/** {@code mcp}: see {@link McpCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Any fatal signal ends mcp as SIGINT does: exit 128 + n through the shutdown hooks, which
        // stop the workers and remove the scratch files.
        FatalSignals.install(signal -> System.exit(FatalSignals.EXIT_STATUS_BASE + signal));
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        // The arguments are file names: take them as bytes, not as the JVM decoded them.
        System.exit(McpCommand.execute(RawArguments.of(args), out, err));
    }
}
