package mcp.copy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import mcp.cli.Messages;

/**
 * Entry point of a worker JVM: {@code WorkerMain CONTROL_FILE SLOT}.
 *
 * <p>A worker holds the read end of a pipe from its coordinator on standard input and never reads
 * data from it: end-of-file there means the coordinator is gone (even killed with SIGKILL), and
 * the worker halts at once rather than copying for nobody.
 */
public final class WorkerMain {
    /** Exit status of a worker whose coordinator has gone. */
    public static final int EXIT_ORPHANED = 3;
    /** How long a worker waits for the coordinator to publish the control file. */
    static final long OPEN_TIMEOUT_MILLIS = 10_000;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: WorkerMain CONTROL_FILE SLOT");
            System.exit(2);
        }
        watchParent(System.in);
        try (ControlFile control = ControlFile.open(Path.of(args[0]), OPEN_TIMEOUT_MILLIS);
             Worker worker = new Worker(control, Integer.parseInt(args[1]))) {
            worker.run();
        } catch (IOException | RuntimeException e) {
            System.err.println(Messages.describe(e));
            System.exit(1);
        } catch (InternalError e) {
            // A SIGBUS from a mapping can surface after the access that caused it (see Mapping).
            System.err.println("a file shrank while it was being copied (" + Messages.describe(e) + ")");
            System.exit(1);
        }
        System.exit(0);
    }

    private static void watchParent(InputStream in) {
        Thread watcher = new Thread(() -> {
            try {
                while (in.read() != -1) {
                    // Nothing is ever sent; only end-of-file matters.
                }
            } catch (IOException e) {
                // A broken pipe means the same as end-of-file.
            }
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
