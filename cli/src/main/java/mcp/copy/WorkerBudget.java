package mcp.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How many worker JVMs this machine can run at once: {@link #PER_CPU} per CPU the process may use,
 * and one per {@link #BYTES_PER_WORKER} of available memory. More would not copy faster, only
 * thrash, or have the kernel's OOM killer pick workers off one after another.
 */
public record WorkerBudget(int cpus, OptionalLong availableMemoryBytes) {
    /**
     * One per CPU: the copy itself keeps a CPU busy (the kernel's copy into the page cache), and
     * on 2 CPUs a 1 GiB copy with 5 workers took 1.4 times as long as with 2 (docs/design.md).
     */
    public static final int PER_CPU = 1;
    /** A worker's heap (-Xmx64m) and the JVM around it: its code cache, metaspace, thread stacks. */
    public static final long BYTES_PER_WORKER = 96L << 20;
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    /** The budget of this machine now: the CPUs this process may run on, and MemAvailable from /proc/meminfo. */
    public static WorkerBudget ofThisMachine() {
        return new WorkerBudget(Runtime.getRuntime().availableProcessors(), memAvailable());
    }

    /** The most workers to run: at least one. */
    public int limit() {
        long limit = (long) PER_CPU * cpus;
        if (availableMemoryBytes.isPresent()) {
            limit = Math.min(limit, availableMemoryBytes.getAsLong() / BYTES_PER_WORKER);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit));
    }

    /**
     * True if memory, not the CPUs, keeps {@code requested} workers from running: then mcp says
     * so, since it is a sign of a machine short of memory. Fewer workers than asked for because
     * there are fewer CPUs is mcp's choice, made silently, as a copy runs no faster with more.
     */
    public boolean boundByMemory(int requested) {
        return limit() < Math.min(requested, (long) PER_CPU * cpus);
    }

    /** Why the limit is what it is, for the notice that says fewer workers than asked for run. */
    public String reason() {
        String why = "this machine runs at most " + PER_CPU + " per CPU (" + cpus + (cpus == 1 ? " CPU" : " CPUs") + ")";
        if (availableMemoryBytes.isPresent()) {
            why += " and one per " + (BYTES_PER_WORKER >> 20) + " MiB of available memory ("
                    + (availableMemoryBytes.getAsLong() >> 20) + " MiB)";
        }
        return why;
    }

    /** MemAvailable, in bytes, or empty if the kernel does not say (before 3.14, or no /proc). */
    static OptionalLong memAvailable() {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] fields = line.trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(fields[1]) * 1024);   // "MemAvailable:  123 kB"
                }
            }
        } catch (IOException | RuntimeException e) {
            // No limit from memory then, only from the CPUs.
        }
        return OptionalLong.empty();
    }
}
