package mcp.cli;

/**
 * A test process that runs a command as its child, sharing its standard streams, and exits with
 * its status: {@code WaitingParent COMMAND...}. A test can stop it (SIGSTOP) so that it cannot reap
 * the child when the child dies, which then stays a zombie.
 */
public final class WaitingParent {
    private WaitingParent() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new ProcessBuilder(args).inheritIO().start().waitFor());
    }
}
