package mcp.cli;

import java.io.PrintWriter;
import java.util.Locale;
import mcp.copy.FileReport;
import mcp.copy.ProcessStart;
import mcp.copy.Stats;
import mcp.nativebridge.Posix;

/**
 * The report of {@code mcp --stats}: what {@link Stats} measured, as a table for people or as one
 * JSON object for programs, both with the same names. Only a run that asks for it loads this
 * class and reads the process's start time.
 */
final class StatsReport {
    private static final double NANOS_PER_MILLI = 1e6;

    private final Stats stats;
    private final FileReport.Outcome outcome;
    private final long startupNanos;
    private final long totalNanos;
    private final long chunkCopyNanos;
    private final long chunkSyncNanos;

    private StatsReport(Stats stats, FileReport.Outcome outcome, long startupNanos) {
        this.stats = stats;
        this.outcome = outcome;
        this.startupNanos = startupNanos;
        long total = Math.max(startupNanos, 0);
        for (Stats.Phase phase : Stats.Phase.values()) {
            total += stats.nanos(phase);
        }
        this.totalNanos = total;
        this.chunkCopyNanos = stats.slots().stream().mapToLong(Stats.Slot::copyNanos).sum();
        this.chunkSyncNanos = stats.slots().stream().mapToLong(Stats.Slot::syncNanos).sum();
    }

    /**
     * Nanoseconds from this process's start (the fork by whatever started mcp, so the launcher
     * script's time counts too) to {@code mainNanos}, a {@code System.nanoTime()}; -1 if it cannot
     * be told. The kernel keeps the start time in clock ticks (10 ms as a rule), cut down: half a
     * tick is taken off, which leaves the result within half a tick of the truth.
     */
    static long startupNanos(long mainNanos) {
        try {
            long startTicks = ProcessStart.ticks(ProcessHandle.current().pid());
            if (startTicks < 0) {
                return -1;
            }
            long tickNanos = 1_000_000_000L / Posix.clockTicksPerSecond();
            long sinceStart = Posix.bootTimeNanos() - startTicks * tickNanos - tickNanos / 2;
            return Math.max(0, sinceStart - (System.nanoTime() - mainNanos));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Writes the report of a run that ended ({@link Stats#end}) with {@code outcome}, null if it
     * failed; {@code startupNanos} is -1 when unknown.
     */
    static void print(PrintWriter writer, McpCommand.StatsFormat format, Stats stats, FileReport.Outcome outcome,
                      long startupNanos) {
        StatsReport report = new StatsReport(stats, outcome, startupNanos);
        writer.print(format == McpCommand.StatsFormat.json ? report.json() : report.text());
        writer.flush();
    }

    private String result() {
        if (outcome == null) {
            return "failed";
        }
        return outcome == FileReport.Outcome.COPIED ? "copied" : "copied-not-durable";
    }

    private String mode() {
        return stats.mode() == null ? null : stats.mode().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** How chunks were copied, as --method names it, or null. */
    private String method() {
        return stats.method() == null ? null : stats.method().name().toLowerCase(Locale.ROOT);
    }

    private static String name(Stats.Phase phase) {
        return phase.name().toLowerCase(Locale.ROOT);
    }

    /** MiB per second for {@code nanos}, or NaN when there is nothing to divide. */
    private double mibPerSecond(long nanos) {
        return stats.bytes() < 0 || nanos <= 0 ? Double.NaN : stats.bytes() / (double) (1 << 20) / (nanos / 1e9);
    }

    private String text() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "mcp: stats: result %s, mode %s, method %s, workers %d, replacements %d,"
                        + " chunks %d, bytes %s, size %s%n", result(), orDash(mode()), orDash(method()), stats.workers(),
                stats.replacements(), stats.chunks(), known(stats.bytes()), known(stats.sizeBytes())));
        text.append(String.format(Locale.ROOT, "  %-9s %10s%n", "phase", "ms"));
        row(text, "startup", startupNanos, "");
        for (Stats.Phase phase : Stats.Phase.values()) {
            row(text, name(phase), stats.nanos(phase), phase == Stats.Phase.COPY ? rate(stats.nanos(phase)) : "");
        }
        row(text, "total", totalNanos, rate(totalNanos));
        if (!stats.slots().isEmpty()) {
            text.append(String.format(Locale.ROOT, "  in chunks, summed over %s: copying %.1f ms, msync %.1f ms%n",
                    stats.mode() == Stats.Mode.WORKERS ? "the coordinator (slot 0) and workers" : "the coordinator",
                    chunkCopyNanos / NANOS_PER_MILLI, chunkSyncNanos / NANOS_PER_MILLI));
        }
        if (stats.mode() == Stats.Mode.WORKERS) {
            text.append(String.format(Locale.ROOT, "  %4s %8s %11s %12s %11s %9s%n",
                    "slot", "pid", "startup ms", "bytes", "copying ms", "msync ms"));
            for (Stats.Slot slot : stats.slots()) {
                text.append(String.format(Locale.ROOT, "  %4d %8d %11s %12d %11.1f %9.1f%n", slot.slot(), slot.pid(),
                        slot.startupNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", slot.startupNanos() / NANOS_PER_MILLI),
                        slot.bytes(), slot.copyNanos() / NANOS_PER_MILLI, slot.syncNanos() / NANOS_PER_MILLI));
            }
        }
        return text.toString();
    }

    private static String orDash(String name) {
        return name == null ? "-" : name;
    }

    private static String known(long count) {
        return count < 0 ? "-" : Long.toString(count);
    }

    private static void row(StringBuilder text, String name, long nanos, String note) {
        String value = nanos < 0 ? "-" : String.format(Locale.ROOT, "%.1f", nanos / NANOS_PER_MILLI);
        text.append(String.format(Locale.ROOT, "  %-9s %10s%s%n", name, value, note));
    }

    private String rate(long nanos) {
        double rate = mibPerSecond(nanos);
        return Double.isNaN(rate) ? "" : String.format(Locale.ROOT, "   %.1f MiB/s", rate);
    }

    private String json() {
        StringBuilder json = new StringBuilder("{");
        json.append("\"result\":\"").append(result()).append('"');
        json.append(",\"mode\":").append(string(mode()));
        json.append(",\"method\":").append(string(method()));
        json.append(",\"workers\":").append(stats.workers());
        json.append(",\"replacements\":").append(stats.replacements());
        json.append(",\"chunks\":").append(stats.chunks());
        json.append(",\"bytes\":").append(count(stats.bytes()));
        json.append(",\"size\":").append(count(stats.sizeBytes()));
        json.append(",\"phases_ms\":{\"startup\":").append(millis(startupNanos));
        for (Stats.Phase phase : Stats.Phase.values()) {
            json.append(",\"").append(name(phase)).append("\":").append(millis(stats.nanos(phase)));
        }
        json.append("},\"total_ms\":").append(millis(totalNanos));
        json.append(",\"mib_per_s\":").append(number(mibPerSecond(totalNanos)));
        json.append(",\"copy_mib_per_s\":").append(number(mibPerSecond(stats.nanos(Stats.Phase.COPY))));
        json.append(",\"chunk_copy_ms\":").append(millis(chunkCopyNanos));
        json.append(",\"chunk_msync_ms\":").append(millis(chunkSyncNanos));
        json.append(",\"worker_slots\":[");
        if (stats.mode() == Stats.Mode.WORKERS) {
            String separator = "";
            for (Stats.Slot slot : stats.slots()) {
                json.append(separator).append("{\"slot\":").append(slot.slot()).append(",\"pid\":").append(slot.pid())
                        .append(",\"startup_ms\":").append(millis(slot.startupNanos()))
                        .append(",\"bytes\":").append(slot.bytes())
                        .append(",\"copy_ms\":").append(millis(slot.copyNanos()))
                        .append(",\"msync_ms\":").append(millis(slot.syncNanos())).append('}');
                separator = ",";
            }
        }
        return json.append("]}").append(System.lineSeparator()).toString();
    }

    /** A name, quoted, or null. Names here are of enum constants: nothing to escape. */
    private static String string(String name) {
        return name == null ? "null" : "\"" + name + "\"";
    }

    /** A count, or null for a negative (unknown) one. */
    private static String count(long count) {
        return count < 0 ? "null" : Long.toString(count);
    }

    /** Milliseconds to the microsecond, or null for a negative (unknown) time. */
    private static String millis(long nanos) {
        return nanos < 0 ? "null" : String.format(Locale.ROOT, "%.3f", nanos / NANOS_PER_MILLI);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.1f", value);
    }
}
