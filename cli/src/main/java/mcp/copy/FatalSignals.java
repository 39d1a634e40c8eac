package mcp.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the signals that would kill the JVM without running any Java code into one call of a
 * callback, so that the coordinator can stop its workers and remove its scratch files first.
 * Needs module {@code jdk.unsupported} (for {@code sun.misc.Signal}) in a jlink image.
 *
 * <p>Handled: HUP, INT and TERM (taken over from the JVM's own handler, which would call
 * {@code System.exit(128 + n)} and nothing else), and TRAP, ABRT, USR1, USR2, ALRM, STKFLT, XCPU,
 * VTALRM, PROF, IO, PWR and SYS, whose default action kills the JVM on the spot. Skipped at run
 * time: any of these the process ignored when it started (as {@code nohup} and shells arrange), and
 * any but HUP, INT and TERM that already has a handler, which is then the JVM's own: USR2 is its
 * thread suspend signal unless {@code _JAVA_SR_SIGNUM} moved that elsewhere before it started.
 *
 * <p>Left alone on purpose (see docs/signals.md): QUIT prints the JVM's thread dump and the
 * process goes on; ILL, FPE, SEGV and BUS are the JVM's own traps (BUS turns a fault on a mapped
 * file into an {@link InternalError}); PIPE and XFSZ are ignored by the JVM, so that a write to a
 * closed pipe or past {@code ulimit -f} fails with EPIPE or EFBIG, which mcp reports as an error.
 * The real-time signals cannot be named through {@code sun.misc.Signal}; they still kill the JVM
 * as SIGKILL does.
 */
public final class FatalSignals {
    /** A shell reports a process killed by signal n as exit status 128 + n; so does mcp. */
    public static final int EXIT_STATUS_BASE = 128;
    /** The highest {@code oom_score_adj}: the OOM killer picks such a process before any other. */
    static final int OOM_SCORE_ADJ_MAX = 1000;

    /** The JVM catches these itself (for shutdown hooks); a handler for them is one to replace. */
    private static final List<String> SHUTDOWN_SIGNALS = List.of("HUP", "INT", "TERM");
    private static final List<String> OTHER_FATAL_SIGNALS = List.of(
            "TRAP", "ABRT", "USR1", "USR2", "ALRM", "STKFLT", "XCPU", "VTALRM", "PROF", "IO", "PWR", "SYS");
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path OOM_SCORE_ADJ = Path.of("/proc/self/oom_score_adj");
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private FatalSignals() {
    }

    /**
     * Installs a handler for every fatal signal listed above that this process may take, and
     * returns their numbers in ascending order. The first of them to arrive calls
     * {@code onFirstSignal} with its number, on a thread of its own; later ones are swallowed, so
     * that they cannot cut the cleanup short (SIGKILL still ends the process). If the callback
     * returns or throws, the JVM exits with status 128 + n through {@link System#exit}, running its
     * shutdown hooks, as it does for SIGINT without this class. Call it once per JVM.
     */
    public static List<Integer> install(IntConsumer onFirstSignal) {
        Objects.requireNonNull(onFirstSignal, "onFirstSignal");
        if (!INSTALLED.compareAndSet(false, true)) {
            throw new IllegalStateException("the fatal signal handlers are installed already");
        }
        // Read before touching anything: afterwards our own handlers would be in the masks too.
        // Without /proc both masks are full, and the JVM keeps its own handling of every signal.
        long ignoredMask = signalMask("SigIgn:");
        long caughtMask = signalMask("SigCgt:");
        AtomicBoolean fired = new AtomicBoolean();
        SignalHandler handler = signal -> {
            if (fired.compareAndSet(false, true)) {
                end(onFirstSignal, signal.getNumber());
            }
        };
        List<Integer> handled = new ArrayList<>();
        List<String> names = new ArrayList<>(SHUTDOWN_SIGNALS);
        names.addAll(OTHER_FATAL_SIGNALS);
        for (String name : names) {
            try {
                Signal signal = new Signal(name);
                long bit = 1L << (signal.getNumber() - 1);
                boolean ignored = (ignoredMask & bit) != 0;
                boolean jvmOwn = (caughtMask & bit) != 0 && !SHUTDOWN_SIGNALS.contains(name);
                if (!ignored && !jvmOwn) {
                    Signal.handle(signal, handler);
                    handled.add(signal.getNumber());
                }
            } catch (IllegalArgumentException refused) {
                // Unknown here, or kept by the JVM: with -Xrs it refuses HUP, INT and TERM.
            }
        }
        handled.sort(null);
        return List.copyOf(handled);
    }

    private static void end(IntConsumer onFirstSignal, int signalNumber) {
        try {
            onFirstSignal.accept(signalNumber);
        } catch (Throwable e) {
            e.printStackTrace();
        }
        // A fatal signal must end the process even if the callback did not.
        System.exit(EXIT_STATUS_BASE + signalNumber);
    }

    /** Bit n - 1 set for signal n, from a line of /proc/self/status; all bits set if unreadable. */
    private static long signalMask(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseUnsignedLong(line.substring(field.length()).trim(), 16);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Fall through: take every signal for taken.
        }
        return -1L;
    }

    /**
     * Makes this process the one the kernel's OOM killer picks first. For workers: the
     * coordinator replaces a killed worker, while a killed coordinator leaves its scratch files.
     * The setting is inherited by child processes, so the coordinator must not make it. Failure
     * (no /proc, a sandbox) is ignored: it only changes whom a lack of memory hits.
     */
    public static void preferAsOomVictim() {
        try {
            Files.writeString(OOM_SCORE_ADJ, Integer.toString(OOM_SCORE_ADJ_MAX), StandardOpenOption.WRITE);
        } catch (IOException e) {
            // See above: nothing depends on it.
        }
    }
}
