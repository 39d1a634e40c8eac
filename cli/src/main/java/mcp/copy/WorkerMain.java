package mcp.copy;

import java.io.IOException;
import java.nio.file.Path;
import mcp.cli.Messages;

/**
 * Entry point of a worker JVM: {@code WorkerMain CONTROL_FILE SLOT}.
 *
 * <p>A worker watches the coordinator named in the control file and halts as soon as it is gone
 * (even killed with SIGKILL) rather than copying for nobody. It polls a {@link ProcessHandle},
 * which also recognises a reused pid by its start time; a thread blocked reading a pipe would
 * have been quicker to notice, but it delays the JVM's exit by about 0.3 s.
 */
public final class WorkerMain {
    /** Exit status of a worker whose coordinator has gone. */
    public static final int EXIT_ORPHANED = 3;
    /** How long a worker waits for the coordinator to publish the control file. */
    static final long OPEN_TIMEOUT_MILLIS = 10_000;
    /** How often a worker checks that its coordinator is alive. */
    static final long PARENT_POLL_MILLIS = 100;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: WorkerMain CONTROL_FILE SLOT");
            System.exit(2);
        }
        try (ControlFile control = ControlFile.open(Path.of(args[0]), OPEN_TIMEOUT_MILLIS);
             Worker worker = new Worker(control, Integer.parseInt(args[1]))) {
            watch(control.coordinatorPid());
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

    private static void watch(long coordinatorPid) {
        ProcessHandle coordinator = ProcessHandle.of(coordinatorPid).orElse(null);
        if (coordinator == null || ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != coordinatorPid) {
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }
        Thread watcher = new Thread(() -> {
            try {
                // A dead coordinator may stay a zombie, still "alive", until its parent reaps it;
                // its children are handed to another parent at once.
                while (coordinator.isAlive() && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == coordinatorPid) {
                    Thread.sleep(PARENT_POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                // Not expected: nothing interrupts this thread. Treat it as the end of the watch.
            }
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }, "coordinator-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
