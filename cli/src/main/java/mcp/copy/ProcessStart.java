package mcp.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When a process started, in clock ticks since boot ({@code starttime}, field 22 of
 * {@code /proc/PID/stat}): with the pid, it names one process for good, since a pid is reused but
 * never by a process that started at the same tick. It tells a live run from a dead one whose pid
 * another process now holds.
 */
public final class ProcessStart {
    /** starttime, field 22 of /proc/PID/stat, counted from field 3, the first after the command name. */
    private static final int START_TIME_FIELD = 22 - 3;

    private ProcessStart() {
    }

    /** The start of process {@code pid} in clock ticks since boot, or -1 if there is no such process (or it cannot be read). */
    public static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name, in parentheses, may hold spaces and parentheses itself.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[START_TIME_FIELD]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** True if process {@code pid} is alive and is the one that started at {@code ticks}. */
    public static boolean isAlive(long pid, long ticks) {
        return ticks >= 0 && ticks(pid) == ticks;
    }
}
