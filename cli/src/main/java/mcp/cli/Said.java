package mcp.cli;

import java.io.PrintWriter;
import mcp.copy.Events;

/** The engine's events as the user reads them on stderr, in cp's words. */
final class Said implements Events {
    private final PrintWriter err;

    Said(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void workersLimited(int asked, int running, String reason) {
        println("using " + running + " worker processes, not " + asked + ": " + reason);
    }

    @Override
    public void warning(Warning warning) {
        println(Messages.warning(warning));
    }

    private void println(String message) {
        synchronized (err) {
            err.println("mcp: " + message);
            err.flush();
        }
    }
}
