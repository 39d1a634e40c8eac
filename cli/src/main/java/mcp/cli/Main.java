package mcp.cli;

import java.io.PrintWriter;

/** {@code mcp}: see {@link McpCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(McpCommand.newCommandLine(out, err).execute(args));
    }
}
