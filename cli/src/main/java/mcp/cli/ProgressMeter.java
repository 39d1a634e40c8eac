package mcp.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import mcp.cli.ProgressLine.Figures;
import mcp.nativebridge.Posix;

/**
 * Keeps {@link ProgressLine} up to date on a terminal: a daemon thread reads the figures every
 * refresh and rewrites the line in place ({@code \r}, the line, {@code ESC [K} to erase what a
 * longer line left), never ending it with a newline. {@link #println} puts a message line above
 * it, and {@link #close} takes it away, so that what is printed later starts on a clean line.
 *
 * <p>While a meter runs, every line written to its terminal must go through {@link #println}:
 * text written to the same terminal any other way lands in the middle of the progress line.
 *
 * <p>The width is the {@code COLUMNS} variable's, else 80 ({@link #columns(Map)}). mcp does not
 * ask the terminal itself (the {@code TIOCGWINSZ} ioctl): shells set {@code COLUMNS} but most do
 * not export it, so a terminal narrower than 80 columns sees the line wrap; a native call only for
 * that was not thought worth it. The line is kept one column short of the width, since a
 * character in the last column leaves some terminals' cursor on the next row, where {@code \r}
 * cannot reach back.
 */
final class ProgressMeter implements AutoCloseable {
    /** About four times a second: lively enough to watch, rare enough to cost nothing. */
    static final long REFRESH_MILLIS = 250;
    /** The width when {@code COLUMNS} does not say: the terminal's classic one. */
    static final int DEFAULT_COLUMNS = 80;

    /** Back to the start of the row. */
    private static final String RETURN = "\r";
    /** {@code ESC [ K}, erase in line: from the cursor to the end of the row. */
    private static final String ERASE_TO_END = "\033[K";

    private final Supplier<Figures> source;
    private final PrintWriter terminal;
    private final int lineColumns;
    private final long refreshMillis;
    private final Throughput throughput = new Throughput();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    /** Guards the terminal, {@link #shown} and {@link #closed}: one writer at a time. */
    private final Object lock = new Object();
    /** The progress line on the terminal now; null while there is none. */
    private String shown;
    private boolean closed;

    private ProgressMeter(Supplier<Figures> source, PrintWriter terminal, int columns, long refreshMillis) {
        this.source = source;
        this.terminal = terminal;
        this.lineColumns = Math.max(0, columns - 1);
        this.refreshMillis = refreshMillis;
        this.thread = new Thread(this::run, "mcp-progress");
        this.thread.setDaemon(true);
    }

    /**
     * Starts drawing the figures {@code source} gives on {@code terminal}, {@code columns} wide,
     * every {@code refreshMillis} ({@link #REFRESH_MILLIS} is the usual), the first time one
     * refresh from now, so that a copy quicker than that shows no line at all. {@code source} is
     * called on the meter's thread, and never again once {@link #close} returns. A source that
     * throws costs that refresh only: a progress line is not worth failing a copy for.
     */
    static ProgressMeter start(Supplier<Figures> source, PrintWriter terminal, int columns, long refreshMillis) {
        if (refreshMillis <= 0) {
            throw new IllegalArgumentException("refreshMillis must be positive: " + refreshMillis);
        }
        ProgressMeter meter = new ProgressMeter(source, terminal, columns, refreshMillis);
        meter.thread.start();
        return meter;
    }

    /**
     * {@link #start(Supplier, PrintWriter, int, long)} as mcp runs it: {@link #columns(Map)} of
     * this process's environment, refreshed every {@link #REFRESH_MILLIS}.
     */
    static ProgressMeter start(Supplier<Figures> source, PrintWriter terminal) {
        return start(source, terminal, columns(System.getenv()), REFRESH_MILLIS);
    }

    /**
     * Whether to show a progress line: always with {@code --progress} ({@code forced}, which wins
     * over {@code -q} as the more particular wish), never with {@code -q} ({@code quiet}), and
     * otherwise when standard error is a terminal, i.e. when a person is likely to watch it.
     */
    static boolean wanted(boolean forced, boolean quiet) {
        return forced || (!quiet && Posix.isTerminal(2));
    }

    /** {@code COLUMNS} from {@code environment} when it is a positive number, else {@value #DEFAULT_COLUMNS}. */
    static int columns(Map<String, String> environment) {
        String value = environment.get("COLUMNS");
        if (value != null) {
            try {
                int columns = Integer.parseInt(value.trim());
                if (columns > 0) {
                    return columns;
                }
            } catch (NumberFormatException e) {
                // Not a width: the default one.
            }
        }
        return DEFAULT_COLUMNS;
    }

    /**
     * Prints {@code message} and a newline above the progress line: erases the line, prints the
     * message, and draws the line again below it. Callable from any thread; after {@link #close},
     * it prints the message only.
     */
    void println(String message) {
        synchronized (lock) {
            if (shown != null) {
                terminal.print(RETURN + ERASE_TO_END);
            }
            terminal.println(message);
            if (shown != null) {
                terminal.print(shown + ERASE_TO_END);
            }
            terminal.flush();
        }
    }

    /**
     * Stops the meter's thread, waits until it has ended (so the source is not called again) and
     * erases the progress line, leaving the cursor at the start of the empty row. Idempotent.
     */
    @Override
    public void close() {
        stopped.countDown();
        boolean interrupted = false;
        while (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                // The source must not outlive close(): wait on, and pass the interrupt on after.
                interrupted = true;
            }
        }
        synchronized (lock) {
            if (shown != null) {
                terminal.print(RETURN + ERASE_TO_END);
                terminal.flush();
                shown = null;
            }
            closed = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!stopped.await(refreshMillis, TimeUnit.MILLISECONDS)) {
                draw();
            }
        } catch (InterruptedException e) {
            // Nothing interrupts this thread but its end.
        }
    }

    private void draw() {
        Figures figures;
        try {
            figures = source.get();
        } catch (RuntimeException e) {
            return;
        }
        throughput.add(System.nanoTime(), figures.bytesDone());
        String line = ProgressLine.render(figures, throughput.bytesPerSecond(), lineColumns);
        synchronized (lock) {
            if (!closed) {
                terminal.print(RETURN + line + ERASE_TO_END);
                terminal.flush();
                shown = line;
            }
        }
    }

    /**
     * Bytes per second over the last few seconds: a run's average would hide a copy that slowed
     * down (page cache full, a disk busy), and one refresh's difference jumps with every chunk that
     * completes. Unknown (NaN) until the samples span {@link #MIN_SPAN_NANOS}. Not thread-safe.
     */
    static final class Throughput {
        /** How far back the throughput looks. */
        static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
        /** The shortest span a throughput is given for: shorter ones are mostly noise. */
        static final long MIN_SPAN_NANOS = TimeUnit.SECONDS.toNanos(1);

        private record Sample(long nanos, long bytes) {
        }

        private final Deque<Sample> samples = new ArrayDeque<>();

        /** Records {@code bytesDone} at {@code nanos} ({@code System.nanoTime()}), in time order. */
        void add(long nanos, long bytesDone) {
            samples.addLast(new Sample(nanos, bytesDone));
            // Keep one sample at or beyond the window's start, so the span covers the whole window.
            while (samples.size() > 2 && nanos - second().nanos() >= WINDOW_NANOS) {
                samples.removeFirst();
            }
        }

        /** Bytes per second from the oldest sample kept to the newest; never negative; NaN if unknown. */
        double bytesPerSecond() {
            if (samples.size() < 2) {
                return Double.NaN;
            }
            long spanNanos = samples.getLast().nanos() - samples.getFirst().nanos();
            if (spanNanos < MIN_SPAN_NANOS) {
                return Double.NaN;
            }
            long bytes = samples.getLast().bytes() - samples.getFirst().bytes();
            return Math.max(0, bytes) * 1e9 / spanNanos;
        }

        private Sample second() {
            var iterator = samples.iterator();
            iterator.next();
            return iterator.next();
        }
    }
}
