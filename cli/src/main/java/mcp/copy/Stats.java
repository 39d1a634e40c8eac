package mcp.copy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of mcp measures of itself, for {@code mcp --stats}: the wall time of each phase and
 * what was copied, and how. Each phase is entered where the one before it ends, so the phases add
 * up to the time since {@code main}, with no gap and no overlap. Recording costs a
 * {@code System.nanoTime()} per phase and per worker slot, so it is always on; only the report,
 * made when asked for, costs anything.
 */
public final class Stats {
    /** The phases of a run, in the order they come. */
    public enum Phase {
        /** From {@code main} to parsing: the descriptor snapshot, signal handlers, output streams, the raw arguments. */
        INIT,
        /** Parsing the command line. */
        PARSE,
        /** Resolving and opening SOURCE, DEST and DEST's directory. */
        OPEN,
        /** Listing the trees; choosing how to copy, finding the sources' data ranges, splitting them into chunks. */
        PLAN,
        /** Creating the temporary file and reserving its space, creating the control file. */
        SETUP,
        /** From starting the workers (or the coordinator's own copy) to the first chunk claimed. */
        SPAWN,
        /** From the first claim to the last chunk done; or the streamed copy and its fsync. */
        COPY,
        /** From the last chunk done until the coordinator has seen it. */
        REAP,
        /** Reading the copy back against its checksums; checking that the source did not change. */
        VERIFY,
        /** Making the copies durable before their renames (fsync of one, syncfs for a round), and their directories after. */
        SYNC,
        /** The copies' attributes and their renames over their destinations. */
        COMMIT,
        /** Stopping idle workers, removing the control file. */
        CLEANUP
    }

    /** How the bytes were copied. */
    public enum Mode {
        /** By the coordinator, through mappings, as a worker does: a small copy, or {@code -n 1}. */
        IN_PROCESS,
        /** By worker processes. */
        WORKERS,
        /** Read to its end and written by the coordinator: a source whose size says nothing. */
        STREAM,
        /** Written into a DEST that is a FIFO or a device. */
        WRITE_THROUGH
    }

    /**
     * What a worker slot recorded, summed over every worker that ran in it.
     *
     * @param startupNanos from starting the slot's last worker to its first heartbeat, or -1 if it
     *        never beat (or the slot was the coordinator's own)
     * @param copyNanos time in chunks other than waiting in {@code msync}
     * @param syncNanos time waiting in {@code msync(MS_SYNC)}
     */
    public record Slot(int slot, long pid, long startupNanos, long bytes, long copyNanos, long syncNanos) {
    }

    private final long originNanos;
    private final long[] phaseNanos = new long[Phase.values().length];
    private Phase current = Phase.INIT;
    private long enteredNanos;
    private boolean ended;
    private Mode mode;
    private CopyMethod method;
    private long sizeBytes = -1;
    private long bytes = -1;
    private int chunks;
    private int workers;
    private int replacements;
    private final Map<Integer, Long> spawnedNanos = new HashMap<>();
    private final List<Slot> slots = new ArrayList<>();

    /** Stats of a run that began (its first phase, {@link Phase#INIT}) at {@code originNanos}. */
    public Stats(long originNanos) {
        this.originNanos = originNanos;
        this.enteredNanos = originNanos;
    }

    /** Ends the current phase and begins {@code phase}, now. */
    public void enter(Phase phase) {
        enterAt(phase, System.nanoTime());
    }

    /**
     * As {@link #enter}, at {@code nanos}: a time another process took (the clock is the same in
     * every process of the host). It is kept between the current phase's start and now, so that
     * phases never overlap, whatever a worker wrote.
     */
    void enterAt(Phase phase, long nanos) {
        if (ended) {
            return;
        }
        long at = Math.min(Math.max(nanos, enteredNanos), System.nanoTime());
        phaseNanos[current.ordinal()] += at - enteredNanos;
        current = phase;
        enteredNanos = at;
    }

    /** Ends the current phase now: the run is over. */
    public void end() {
        if (!ended) {
            enter(current);
            ended = true;
        }
    }

    /** Wall time spent in {@code phase}, up to the last {@link #enter} or {@link #end}. */
    public long nanos(Phase phase) {
        return phaseNanos[phase.ordinal()];
    }

    /** {@code System.nanoTime()} when the run began. */
    public long originNanos() {
        return originNanos;
    }

    // What was copied, and how; told by the coordinator.

    void mode(Mode mode) {
        this.mode = mode;
    }

    /** How the bytes were copied, or null if the run ended before the coordinator chose. */
    public Mode mode() {
        return mode;
    }

    void method(CopyMethod method) {
        this.method = method;
    }

    /** How chunks were copied, or null if there were none to copy (a streamed source, say). */
    public CopyMethod method() {
        return method;
    }

    /** The source's size, or -1 if not known. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** Adds a file of {@code sizeBytes}, {@code dataBytes} of which are data, to what the run copies. */
    void addFile(long sizeBytes, long dataBytes) {
        this.sizeBytes = Math.max(0, this.sizeBytes) + sizeBytes;
        this.bytes = Math.max(0, this.bytes) + dataBytes;
    }

    /** The bytes of data copied (a sparse source's holes are not), or -1 if not known. */
    public long bytes() {
        return bytes;
    }

    /** A round of {@code chunks} chunks copied with {@code workers} worker processes: chunks add up, the most workers count. */
    void chunks(int chunks, int workers) {
        this.chunks += chunks;
        this.workers = Math.max(this.workers, workers);
    }

    public int chunks() {
        return chunks;
    }

    /** Worker processes run at once (0 when the coordinator copied by itself). */
    public int workers() {
        return workers;
    }

    void replaced() {
        replacements++;
    }

    /** Workers started in place of ones that died or stopped beating. */
    public int replacements() {
        return replacements;
    }

    /** A worker process is being started in {@code slot}, now. */
    void spawning(int slot) {
        spawnedNanos.put(slot, System.nanoTime());
    }

    /** What each worker slot recorded, once the copy is over. */
    public List<Slot> slots() {
        return List.copyOf(slots);
    }

    /**
     * Called when a round of copying ends, or fails: takes what the worker slots recorded, and
     * ends {@link Phase#SPAWN} when the first worker started, just before its first claim, and
     * {@link Phase#COPY} at the last sign of life of any worker that copied: that is when its
     * last chunk was done, since a worker beats on finishing a chunk's msync and once more, at
     * once, on finding nothing left to claim. A worker that copied nothing may have started late,
     * after the last chunk: its beats say nothing of the copy.
     */
    void ran(ControlFile control, boolean workerProcesses) {
        slots(control, workerProcesses);
        long firstStart = Long.MAX_VALUE;
        long lastBeat = Long.MIN_VALUE;
        for (int slot = 0; slot < control.workerCount(); slot++) {
            if (control.slotPid(slot) != 0) {
                firstStart = Math.min(firstStart, control.slotStartedNanos(slot));
                if (control.slotBytesCopied(slot) > 0) {
                    lastBeat = Math.max(lastBeat, control.heartbeatNanos(slot));
                }
            }
        }
        if (firstStart != Long.MAX_VALUE) {
            enterAt(Phase.COPY, firstStart);
            enterAt(Phase.REAP, lastBeat);
        }
    }

    /** Takes what the worker slots recorded: their counters are never cleared, so the last reading counts. */
    private void slots(ControlFile control, boolean workerProcesses) {
        slots.clear();
        for (int slot = 0; slot < control.workerCount(); slot++) {
            long pid = control.slotPid(slot);
            Long spawned = spawnedNanos.get(slot);
            long startup = workerProcesses && pid != 0 && spawned != null ? control.slotStartedNanos(slot) - spawned : -1;
            slots.add(new Slot(slot, pid, startup, control.slotBytesCopied(slot), control.slotCopyNanos(slot),
                    control.slotSyncNanos(slot)));
        }
    }
}
