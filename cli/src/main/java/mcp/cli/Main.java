package mcp.cli;

import java.io.PrintWriter;

/** {@code mcp}: see {@link McpCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        // The arguments are file names: take them as bytes, not as the JVM decoded them.
        System.exit(McpCommand.newCommandLine(out, err).execute(RawArguments.of(args)));
    }
}
