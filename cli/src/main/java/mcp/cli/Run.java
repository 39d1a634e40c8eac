package mcp.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mcp.copy.Coordinator;
import mcp.copy.Engine;
import mcp.copy.Events;
import mcp.copy.Failure;
import mcp.copy.FileReport;
import mcp.copy.Preserve;
import mcp.copy.StaleScratch;
import mcp.copy.Stats;
import mcp.copy.WorkerLauncher;
import mcp.nativebridge.Posix;

/**
 * One run of mcp, from an {@link Invocation} to an exit status: resolves the operands into a plan
 * ({@link Operands}), has the {@link Engine} copy it, and says what happened the way the options
 * ask: errors on stderr in cp's words, {@code -v}'s lines and summary, the progress line, the JSON
 * report. The engine reports facts; every word the user reads is chosen here or in {@link Messages}.
 */
final class Run implements Events {
    private final Invocation invocation;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Stats stats;
    private final List<FileReport> failed = new ArrayList<>();
    private final List<String> operandErrors = new ArrayList<>();
    private volatile ProgressMeter meter;
    private int files;
    private int directories;
    private long bytes;
    private int recopied;
    /** Bytes found copied by an interrupted run and reused ({@code --resume}), and files it had committed. */
    private long resumedBytes;
    private int alreadyCopied;
    private boolean notDurable;
    /** How long the JVM took to reach main, for the reports; -1 if not known. */
    private final long startupNanos;
    private boolean reported;

    private Run(Invocation invocation, PrintWriter out, PrintWriter err, Stats stats, long startupNanos) {
        this.invocation = invocation;
        this.out = out;
        this.err = err;
        this.stats = stats;
        this.startupNanos = startupNanos;
    }

    /**
     * Copies what {@code invocation} asks for.
     *
     * @param startupNanos how long the JVM took to reach {@code main}, or -1 if not known
     * @return the exit status: 0 all copied, 1 something failed, 3 copied but a directory not synced
     */
    static int execute(Invocation invocation, WorkerLauncher launcher, Stats stats, PrintWriter out, PrintWriter err,
            long startupNanos) throws McpException {
        Run run = new Run(invocation, out, err, stats, startupNanos);
        if (invocation.clean()) {
            return run.clean();
        }
        try {
            return run.copy(launcher);
        } finally {
            stats.end();
            run.report();
        }
    }

    private int copy(WorkerLauncher launcher) throws McpException {
        stats.enter(Stats.Phase.OPEN);
        int umask = Posix.umask();
        Operands.Resolved resolved = Operands.resolve(invocation.sources(), invocation.destination(), target(),
                invocation.recursive(), invocation.noDereference(), umask, invocation.resume());
        for (String error : resolved.errors()) {
            operandErrors.add(error);
            say(error);
        }
        Coordinator coordinator = new Coordinator(launcher, invocation.processes(), invocation.chunkBytes(),
                invocation.verify() == McpCommand.Verify.media, invocation.method().chosen(), stats,
                invocation.resume());
        Engine engine = new Engine(coordinator, this, preserve(), umask);
        boolean progress = ProgressMeter.wanted(invocation.progress() == Invocation.Progress.ALWAYS,
                invocation.progress() == Invocation.Progress.NEVER);
        try {
            if (progress) {
                meter = ProgressMeter.start(() -> figures(engine.progress()), err);
            }
            engine.run(resolved.plan());
        } finally {
            ProgressMeter shown = meter;
            meter = null;
            if (shown != null) {
                shown.close();
            }
            Operands.closeAll(resolved.plan().items());
        }
        if (!failed.isEmpty() || !operandErrors.isEmpty()) {
            return McpCommand.EXIT_FAILED;
        }
        return notDurable ? McpCommand.EXIT_NOT_DURABLE : McpCommand.EXIT_OK;
    }

    /**
     * {@code --clean}: removes what dead runs left beside each destination named (in it, for a
     * directory), saying what was removed.
     */
    private int clean() {
        int status = McpCommand.EXIT_OK;
        for (String destination : invocation.sources()) {
            try {
                Operands.Cleanable place = Operands.cleanable(destination);
                try {
                    StaleScratch.remove(place.directory(), place.directory().name(), place.leaf() == null ? null
                            : Set.of(place.leaf()), this);
                } finally {
                    place.close();
                }
            } catch (McpException e) {
                say(e.getMessage());
                status = McpCommand.EXIT_FAILED;
            }
        }
        return status;
    }

    private Operands.Target target() {
        switch (invocation.target()) {
            case DIRECTORY:
                return Operands.Target.DIRECTORY;
            case NO_DIRECTORY:
                return Operands.Target.NO_DIRECTORY;
            default:
                return Operands.Target.LAST_OPERAND;
        }
    }

    private Set<Preserve.Attribute> preserve() {
        Set<Preserve.Attribute> attributes = EnumSet.noneOf(Preserve.Attribute.class);
        for (Invocation.Preserved preserved : invocation.preserve()) {
            attributes.add(Preserve.Attribute.valueOf(preserved.name()));
        }
        return attributes;
    }

    private static ProgressLine.Figures figures(Engine.Progress progress) {
        return new ProgressLine.Figures(progress.bytesDone(), progress.bytesTotal(), progress.entriesDone(),
                progress.entriesTotal(), progress.copiers());
    }

    // Events, from the engine's threads.

    @Override
    public synchronized void workersLimited(int asked, int running, String reason) {
        say("using " + running + " worker processes, not " + asked + ": " + reason);
    }

    @Override
    public synchronized void warning(Warning warning) {
        if (warning.kind() == Warning.Kind.DIRECTORY_NOT_SYNCED) {
            notDurable = true;
        }
        say(Messages.warning(warning));
    }

    @Override
    public synchronized void fileDone(FileReport file) {
        if (file.outcome() == FileReport.Outcome.FAILED) {
            failed.add(file);
            say(Messages.failure(file.failure()));
            return;
        }
        if (file.type() == FileReport.Type.DIRECTORY) {
            directories++;
        } else {
            files++;
        }
        bytes += file.bytes();
        recopied += file.recopiedChunks();
        resumedBytes += file.resumedBytes();
        if (file.outcome() == FileReport.Outcome.ALREADY_COPIED) {
            // Committed by the interrupted run: nothing was done to it now, and -v names what is done.
            alreadyCopied++;
            return;
        }
        if (file.outcome() == FileReport.Outcome.COPIED_NOT_DURABLE) {
            notDurable = true;
        }
        if (invocation.verbosity() == Invocation.Verbosity.VERBOSE) {
            // cp -v's line, on stdout.
            print(Messages.quote(file.source()) + " -> " + Messages.quote(file.target()));
        }
    }

    /** A line on stderr, prefixed {@code mcp: }, clear of the progress line. */
    private void say(String message) {
        ProgressMeter shown = meter;
        if (shown != null) {
            shown.println("mcp: " + message);
        } else {
            err.println("mcp: " + message);
            err.flush();
        }
    }

    /** A line of {@code -v}: on stdout as cp's, or on stderr when stdout holds the JSON of {@code --json}. */
    private void print(String line) {
        ProgressMeter shown = meter;
        if (invocation.json() && shown != null) {
            shown.println(line);
            return;
        }
        PrintWriter writer = invocation.json() ? err : out;
        writer.println(line);
        writer.flush();
    }

    /**
     * A signal came once the last files were committed: the run is done, and reports so (the
     * JSON included) before the exit, with status 0.
     */
    @Override
    public int committedWhenInterrupted() {
        stats.end();
        report();
        return McpCommand.EXIT_OK;
    }

    /** The summary of {@code -v} and the JSON of {@code --json}, once the run is over, failed or not; once. */
    private synchronized void report() {
        if (reported) {
            return;
        }
        reported = true;
        long totalNanos = System.nanoTime() - stats.originNanos();
        if (invocation.verbosity() == Invocation.Verbosity.VERBOSE) {
            double seconds = totalNanos / 1e9;
            print(String.format(Locale.ROOT, "mcp: %d files, %s in %.2f s (%s/s), %d workers, %d chunks re-copied%s%s", files,
                    ProgressLine.size(bytes), seconds, ProgressLine.size((long) (bytes / Math.max(seconds, 1e-9))),
                    stats.workers(), recopied, resumedBytes == 0 ? ""
                            : String.format(Locale.ROOT, ", resumed: %s reused%s", ProgressLine.size(resumedBytes),
                                    alreadyCopied == 0 ? "" : ", " + alreadyCopied + " files already copied"),
                    failed.isEmpty() && operandErrors.isEmpty() ? ""
                            : String.format(Locale.ROOT, ", %d failed", failed.size() + operandErrors.size())));
        }
        if (invocation.json()) {
            out.print(json(totalNanos));
            out.flush();
        }
    }

    /** The run as one JSON object on one line: the figures, the phases, every failure. */
    private String json(long totalNanos) {
        StringBuilder json = new StringBuilder("{");
        boolean ok = failed.isEmpty() && operandErrors.isEmpty();
        json.append("\"result\":\"").append(ok ? (notDurable ? "copied-not-durable" : "copied") : "failed").append('"');
        json.append(",\"files\":").append(files);
        json.append(",\"directories\":").append(directories);
        json.append(",\"failed\":").append(failed.size() + operandErrors.size());
        json.append(",\"bytes\":").append(bytes);
        json.append(",\"seconds\":").append(String.format(Locale.ROOT, "%.6f", totalNanos / 1e9));
        json.append(",\"bytes_per_second\":").append(totalNanos <= 0 ? 0 : (long) (bytes / (totalNanos / 1e9)));
        json.append(",\"workers\":").append(stats.workers());
        json.append(",\"recopied_chunks\":").append(recopied);
        json.append(",\"resumed_bytes\":").append(resumedBytes);
        json.append(",\"already_copied\":").append(alreadyCopied);
        json.append(",\"phases_ms\":{\"startup\":").append(millis(startupNanos));
        for (Stats.Phase phase : Stats.Phase.values()) {
            json.append(",\"").append(phase.name().toLowerCase(Locale.ROOT)).append("\":").append(millis(stats.nanos(phase)));
        }
        json.append("},\"failures\":[");
        String separator = "";
        for (String message : operandErrors) {
            json.append(separator).append("{\"kind\":\"operand\",\"message\":").append(Json.string(message)).append('}');
            separator = ",";
        }
        for (FileReport file : failed) {
            Failure f = file.failure();
            json.append(separator).append("{\"kind\":").append(Json.string(f.kind().name().toLowerCase(Locale.ROOT)))
                    .append(",\"path\":").append(Json.string(f.source()))
                    .append(",\"target\":").append(Json.string(f.target()))
                    .append(",\"call\":").append(Json.string(f.call()))
                    .append(",\"errno\":").append(f.errno())
                    .append(",\"error\":").append(Json.string(f.reason()))
                    .append(",\"message\":").append(Json.string(Messages.failure(f))).append('}');
            separator = ",";
        }
        return json.append("]}").append(System.lineSeparator()).toString();
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "null" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
