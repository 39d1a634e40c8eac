package mcp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Stack;
import java.util.concurrent.Callable;
import mcp.copy.Coordinator;
import mcp.copy.CopyException;
import mcp.copy.CopyMethod;
import mcp.copy.CopyRequest;
import mcp.copy.FileReport;
import mcp.copy.Stats;
import mcp.copy.WorkerBudget;
import mcp.copy.WorkerLauncher;
import mcp.nativebridge.Posix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code mcp} command. */
@Command(
        name = "mcp",
        mixinStandardHelpOptions = true,
        versionProvider = McpCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "",
        header = "Copy SOURCE to DEST with several processes, and replace DEST only with a verified copy.",
        synopsisHeading = "%nUsage: ",
        description = {
            "",
            "If DEST is an existing directory, the copy is DEST/SOURCE-NAME. The file is split into page-aligned chunks; "
                    + "worker processes map source and copy with mmap, copy their chunks, checksum them (CRC32C) and sync "
                    + "them to disk with msync(MS_SYNC). The copy is read back against those checksums before it is renamed "
                    + "over DEST, so DEST is either left as it was or replaced by a complete, verified copy."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the copy is complete and verified",
            "1:the copy failed; DEST was left as it was",
            "2:invalid options or operands",
            "3:DEST holds the verified copy, but its directory could not be synced: the replacement may not survive a crash",
            "128+n:ended by signal n (130: SIGINT, 143: SIGTERM); DEST was left as it was"
        })
public final class McpCommand implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_NOT_DURABLE = 3;
    public static final int MAX_PROCESSES = 1024;

    @Spec
    private CommandSpec spec;

    private WorkerLauncher launcher;

    private int processes = Runtime.getRuntime().availableProcessors();

    private long chunkBytes;

    /** What this run measures of itself; main's start replaces the construction as its origin. */
    private Stats stats = new Stats(System.nanoTime());

    /** True if {@link #stats} began in {@code main}: only then is the process's start-up part of it. */
    private boolean sinceMain;

    private PrintWriter out;

    private PrintWriter err;

    /** What the read-back after the copy reads. */
    enum Verify {
        /** The page cache: proves what mcp wrote, quickly. */
        cache,
        /** The device: the copy's cached pages are dropped after the fsync and read again from the disk. */
        media
    }

    @Option(names = "--verify", paramLabel = "WHERE", defaultValue = "cache",
            description = "Where the copy is read back from before it replaces DEST: 'cache' (the default) reads the page"
                    + " cache, which proves what mcp wrote; 'media' drops the copy's cached pages after the fsync and reads it"
                    + " again from the device.")
    private Verify verify;

    /** How workers copy, as the user names it. */
    enum Method {
        /** Chosen by the copy's file system. */
        auto(null),
        mmap(CopyMethod.MMAP),
        pwrite(CopyMethod.PWRITE),
        copy_file_range(CopyMethod.COPY_FILE_RANGE);

        private final CopyMethod method;

        Method(CopyMethod method) {
            this.method = method;
        }

        Optional<CopyMethod> chosen() {
            return Optional.ofNullable(method);
        }
    }

    @Option(names = "--method", paramLabel = "HOW", defaultValue = "auto",
            description = "How chunks are copied: 'mmap' copies from a mapping of the source into a mapping of the copy;"
                    + " 'pwrite' writes from a mapping of the source; 'copy_file_range' has the kernel copy (or share the blocks,"
                    + " or copy on the server, where the file system can). Each checksums the copy and syncs it with"
                    + " msync(MS_SYNC). 'auto' (the default) chooses by the copy's file system.")
    private Method method;

    /** How {@code --stats} reports. */
    enum StatsFormat {
        /** A table for people, on stderr. */
        text,
        /** One JSON object, on stdout, which mcp otherwise leaves empty. */
        json
    }

    @Option(names = "--stats", arity = "0..1", paramLabel = "FORMAT", preprocessor = AttachedFormat.class,
            description = "After the copy, failed or not, report how long each phase took in ms (startup, init, parse, open,"
                    + " plan, setup, spawn, copy, reap, verify, commit, cleanup, total), what was copied and how, and each"
                    + " worker's start-up: as a table on stderr, or, with --stats=json, as one line of JSON on stdout.")
    private StatsFormat statsFormat;

    /**
     * A format only when attached ({@code --stats=json}), as GNU tools take an optional value: in
     * {@code mcp --stats SRC DST}, SRC is the source, not a format.
     */
    static final class AttachedFormat implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) {
                args.push(StatsFormat.text.name());
            }
            return false;
        }
    }

    @Option(names = "--debug", description = "On failure, print the stack trace too.")
    private boolean debug;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The file to copy.")
    private String source;

    @Parameters(index = "1", paramLabel = "DEST", description = "The file to create or replace, or a directory to copy into.")
    private String dest;

    @Option(names = {"-n", "--processes"}, paramLabel = "N",
            description = "Processes to copy with, 1.." + MAX_PROCESSES + " (default: the number of CPUs): mcp itself and N-1"
                    + " worker processes, which join it as they start. No more than"
                    + " one per CPU are run (more copy no faster), and no more than one per "
                    + (WorkerBudget.BYTES_PER_WORKER >> 20) + " MiB of available memory: mcp says so when memory is what"
                    + " keeps it from running as many as asked for.")
    void setProcesses(String value) {
        Integer parsed = processesOrNull(value);
        if (parsed == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--processes': '" + value + "' is not in 1.." + MAX_PROCESSES);
        }
        processes = parsed;
    }

    /** The value of {@code -n}, or null if it is not a number in range. */
    static Integer processesOrNull(String value) {
        try {
            int parsed = Integer.parseInt(value.trim());
            return parsed >= 1 && parsed <= MAX_PROCESSES ? parsed : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Option(names = "--chunk-size", paramLabel = "SIZE",
            description = "Bytes a worker claims at a time: a multiple of the page size, with an optional K, M or G suffix"
                    + " (powers of 1024). Default: about a quarter of the file per worker, between 1M and 64M.")
    void setChunkSize(String value) {
        long bytes = chunkBytesOrZero(value);
        if (bytes == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--chunk-size': '" + value + "' is not a positive multiple of the page size ("
                            + Posix.pageSize() + ")");
        }
        chunkBytes = bytes;
    }

    /** The value of {@code --chunk-size} in bytes, or 0 if it is not a positive multiple of the page size. */
    static long chunkBytesOrZero(String value) {
        long bytes;
        try {
            bytes = Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            return 0;
        }
        return bytes > 0 && bytes % Posix.pageSize() == 0 ? bytes : 0;
    }

    /** What picocli parsed, in the form {@link FastArguments} gives. */
    FastArguments.Parsed parsed() {
        return new FastArguments.Parsed(processes, chunkBytes, verify, method, debug, statsFormat, source, dest);
    }

    /**
     * Runs mcp: the common command lines without picocli ({@link FastArguments}), every other one
     * through it.
     *
     * @param mainNanos {@code System.nanoTime()} when {@code main} began
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, long mainNanos) {
        Stats stats = new Stats(mainNanos);
        stats.enter(Stats.Phase.PARSE);
        FastArguments.Parsed parsed = FastArguments.parse(args, Runtime.getRuntime().availableProcessors());
        if (parsed == null) {
            CommandLine commandLine = newCommandLine(out, err);
            commandLine.<McpCommand>getCommand().measuredSinceMain(stats);
            return commandLine.execute(args);
        }
        McpCommand command = new McpCommand();
        command.measuredSinceMain(stats);
        command.out = out;
        command.err = err;
        command.launcher = new WorkerLauncher();
        command.processes = parsed.processes();
        command.chunkBytes = parsed.chunkBytes();
        command.verify = parsed.verify();
        command.method = parsed.method();
        command.debug = parsed.debug();
        command.statsFormat = parsed.stats();
        command.source = parsed.source();
        command.dest = parsed.dest();
        try {
            return command.call();
        } catch (Exception e) {
            return command.report(e, err);
        }
    }

    /** Takes {@code stats}, which began in {@code main}, for this run's. */
    private void measuredSinceMain(Stats stats) {
        this.stats = stats;
        this.sinceMain = true;
    }

    /** Says what failed in one line (and the stack trace with {@code --debug}). */
    private int report(Exception e, PrintWriter err) {
        String message = e instanceof CopyException ? Messages.failure(((CopyException) e).failure())
                : e instanceof McpException ? e.getMessage() : Messages.describe(e);
        err.println("mcp: " + message);
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILED;
    }

    @Override
    public Integer call() throws McpException, CopyException {
        stats.enter(Stats.Phase.OPEN);
        FileReport.Outcome outcome = null;
        try (CopyRequest request = Operands.resolve(source, dest, Posix.umask())) {
            outcome = new Coordinator(launcher, processes, chunkBytes, verify == Verify.media, method.chosen(), stats)
                    .copy(request, new Said(err)).outcome();
            return outcome == FileReport.Outcome.COPIED ? EXIT_OK : EXIT_NOT_DURABLE;
        } finally {
            if (statsFormat != null) {
                stats.end();
                StatsReport.print(statsFormat == StatsFormat.json ? out : err, statsFormat, stats, outcome,
                        sinceMain ? StatsReport.startupNanos(stats.originNanos()) : -1);
            }
        }
    }

    /** The command, wired to the given writers, with cp's exit codes and one-line error messages. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        return newCommandLine(out, err, new WorkerLauncher());
    }

    /** As {@link #newCommandLine(PrintWriter, PrintWriter)}, starting workers with {@code launcher}. */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err, WorkerLauncher launcher) {
        McpCommand command = new McpCommand();
        command.launcher = launcher;
        command.out = out;
        command.err = err;
        command.stats.enter(Stats.Phase.PARSE);
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((e, args) -> {
            PrintWriter writer = e.getCommandLine().getErr();
            writer.println("mcp: " + e.getMessage());
            writer.println("Try 'mcp --help' for more information.");
            writer.flush();
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> command.report(e, cl.getErr()));
        // cp takes '@name' for a file name; picocli would read it as a file of arguments.
        commandLine.setExpandAtFiles(false);
        return commandLine;
    }

    /** The version, from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = McpCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"mcp " + properties.getProperty("version", "unknown")};
        }
    }
}
