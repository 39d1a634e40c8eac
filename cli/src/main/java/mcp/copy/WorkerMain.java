package mcp.copy;

import java.io.IOException;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * Entry point of a worker JVM: {@code WorkerMain COORDINATOR_PID CONTROL_FD CONTROL_DEVICE CONTROL_INODE SLOT}.
 *
 * <p>The worker reaches the control file as descriptor {@code CONTROL_FD} of its coordinator
 * ({@code /proc/PID/fd/N}) and checks its device and inode against its command line, which only
 * its parent could write; a file in the destination's directory, which others may be able to
 * write, is never trusted by name. Errors are recorded in the worker's slot of the control file;
 * what the JVM prints on stderr is never taken for one.
 *
 * <p>A worker watches its coordinator and halts as soon as it is gone (even killed with SIGKILL)
 * rather than copying for nobody. It polls, which also sees a coordinator that lingers as a
 * zombie: its children are handed to another parent at once.
 */
public final class WorkerMain {
    /** Exit status of a worker whose coordinator has gone. */
    public static final int EXIT_ORPHANED = 3;
    /** Exit status of a worker that failed and said why in its slot. */
    public static final int EXIT_FAILED = 1;
    /** How long a worker waits for the coordinator to publish the control file. */
    static final long OPEN_TIMEOUT_MILLIS = 10_000;
    /** How often a worker checks that its coordinator is alive. */
    static final long PARENT_POLL_MILLIS = 100;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: WorkerMain COORDINATOR_PID CONTROL_FD CONTROL_DEVICE CONTROL_INODE SLOT");
            System.exit(2);
        }
        long coordinatorPid = Long.parseLong(args[0]);
        watch(coordinatorPid);
        FatalSignals.preferAsOomVictim();
        ControlFile control;
        try {
            NativeFile file = Worker.reach(coordinatorPid, Integer.parseInt(args[1]), Long.parseLong(args[2]),
                    Long.parseLong(args[3]), NativeFile.Open.READ_WRITE);
            control = ControlFile.open(file, OPEN_TIMEOUT_MILLIS);
        } catch (IOException | RuntimeException e) {
            // Without the control file there is no slot to say it in: the coordinator sees a
            // worker that exited without finishing and starts another.
            System.err.println("mcp worker: cannot open the control file: " + e.getMessage());
            System.exit(EXIT_FAILED);
            return;
        }
        int slot = Integer.parseInt(args[4]);
        try (control; Worker worker = new Worker(control, slot)) {
            worker.run();
        } catch (IOException | RuntimeException | InternalError e) {
            control.slotFailed(slot, new WorkerError(WorkerError.Kind.INTERNAL, 0, -1, String.valueOf(e)));
            System.exit(EXIT_FAILED);
        }
        System.exit(0);
    }

    private static void watch(long coordinatorPid) {
        ProcessHandle coordinator = ProcessHandle.of(coordinatorPid).orElse(null);
        if (coordinator == null || Posix.parentPid() != coordinatorPid) {
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }
        Thread watcher = new Thread(() -> {
            try {
                while (coordinator.isAlive() && Posix.parentPid() == coordinatorPid) {
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
