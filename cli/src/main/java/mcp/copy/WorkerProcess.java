package mcp.copy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A started worker JVM as the coordinator sees it: the process and what it said on stderr. Errors
 * come through the control file; stderr (a JVM's crash report, warnings) is kept only to describe a
 * worker that died without a word.
 */
final class WorkerProcess {
    private static final int MAX_LINES_KEPT = 20;

    final int slot;
    final Process process;
    /** {@code System.nanoTime()} when it was started. */
    final long startedNanos = System.nanoTime();
    /** Set when the coordinator killed it for not beating. */
    volatile boolean stuck;
    private final List<String> errorLines = new ArrayList<>();
    private final Thread drain;

    WorkerProcess(int slot, Process process) {
        this.slot = slot;
        this.process = process;
        this.drain = new Thread(this::drainErrors, "worker-" + slot + "-stderr");
        drain.setDaemon(true);
        drain.start();
    }

    private void drainErrors() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (errorLines) {
                    if (errorLines.size() < MAX_LINES_KEPT) {
                        errorLines.add(line);
                    }
                }
            }
        } catch (IOException e) {
            // The worker is gone; what it said so far is kept.
        }
    }

    /** What the worker wrote to stderr, once it has exited. */
    List<String> errorLines() {
        try {
            drain.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (errorLines) {
            return List.copyOf(errorLines);
        }
    }

    void kill() {
        process.destroyForcibly();
    }
}
