package mcp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Stack;
import java.util.concurrent.Callable;
import mcp.copy.CopyMethod;
import mcp.copy.FileReport;
import mcp.copy.Stats;
import mcp.copy.WorkerBudget;
import mcp.copy.WorkerLauncher;
import mcp.nativebridge.Posix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code mcp} command: cp's command line (operands, -r, -t, -T, -a, -p, ...) and mcp's own
 * options. Every option goes, in the order given, to one {@link Invocation.Builder}, which
 * {@link FastArguments} feeds too; picocli's errors are worded again by {@link Usage}.
 */
@Command(
        name = "mcp",
        versionProvider = McpCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "",
        header = "Copy files with several processes, and replace each DEST only with a verified copy.",
        synopsisHeading = "%n",
        customSynopsis = {
            "Usage: mcp [OPTION]... [-T] SOURCE DEST",
            "  or:  mcp [OPTION]... SOURCE... DIRECTORY",
            "  or:  mcp [OPTION]... -t DIRECTORY SOURCE..."
        },
        description = {
            "",
            "Copy SOURCE to DEST, or each SOURCE into DIRECTORY, as cp does. If DEST is an existing directory, the copy"
                    + " is DEST/SOURCE-NAME (unless -T). A file is split into page-aligned chunks; worker processes map"
                    + " source and copy with mmap, copy their chunks, checksum them (CRC32C) and sync them to disk with"
                    + " msync(MS_SYNC). The copy is read back against those checksums before it is renamed over DEST, so DEST"
                    + " is either left as it was or replaced by a complete, verified copy.",
            "",
            "Symbolic links named as SOURCE are followed, as cp follows them; with -r, -a or -P they are copied as"
                    + " links, and so are the links inside a tree, always.",
            "",
            "A run killed before it could clean up (SIGKILL, a crash, a power cut) leaves its scratch files beside"
                    + " DEST; the next run for that DEST, or mcp --clean DEST, removes them and says so. With --resume,"
                    + " the next run goes on from them instead."
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every file was copied and verified",
            "1:a file could not be copied; with several files or a tree the others were copied, and each DEST that"
                    + " failed was left as it was",
            "2:invalid options or operands; nothing was copied",
            "3:DEST holds the verified copy, but its directory could not be synced: the replacement may not survive a crash",
            "128+n:ended by signal n (130: SIGINT, 143: SIGTERM); the DEST being copied was left as it was"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  mcp big.img copy.img           copy a file",
            "  mcp big.img /backup/           copy it into a directory, as /backup/big.img",
            "  mcp -a photos /backup/         copy a tree: links as links, every attribute",
            "  mcp -t /backup/ a.img b.img    copy several files into a directory",
            "  mcp -rv --progress data /mnt/  name each file copied; draw a progress line",
            "  mcp --json -r data /mnt/       report on stdout as one JSON object",
            "  mcp -n 4 big.img /mnt/         copy with 4 processes"
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

    /** Every option, in the order given; built into {@link #invocation} once parsing is done. */
    private final Invocation.Builder given = new Invocation.Builder(Runtime.getRuntime().availableProcessors());

    /** What the command line asks for; null until it is parsed. */
    private Invocation invocation;

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

    /** How {@code --stats} reports. */
    enum StatsFormat {
        /** A table for people, on stderr. */
        text,
        /** One JSON object, on stdout, which mcp otherwise leaves empty. */
        json
    }

    // cp's options, in cp's words where they mean what cp's mean.

    @Option(order = 1, names = {"-r", "-R", "--recursive"}, preprocessor = Flag.class,
            description = "Copy directories with what they hold.")
    void setRecursive(boolean on) {
        given.recursive();
    }

    @Option(order = 2, names = {"-a", "--archive"}, preprocessor = Flag.class,
            description = "Same as -R -P --preserve=all: a tree as it is.")
    void setArchive(boolean on) {
        given.archive();
    }

    @Option(order = 3, names = {"-L", "--dereference"}, preprocessor = Flag.class,
            description = "Follow a SOURCE that is a symbolic link (not with -r: links in a tree are copied as links).")
    void setDereference(boolean on) {
        given.noDereference(false);
    }

    @Option(order = 4, names = {"-P", "--no-dereference"}, preprocessor = Flag.class,
            description = "Never follow symbolic links in SOURCE: copy them as links (the default with -r).")
    void setNoDereference(boolean on) {
        given.noDereference(true);
    }

    @Option(order = 5, names = "-p", preprocessor = Flag.class,
            description = "Same as --preserve=mode,ownership,timestamps.")
    void setPreserveDefault(boolean on) {
        given.preserveDefault();
    }

    @Option(order = 6, names = "--preserve", arity = "0..1", paramLabel = "ATTR_LIST", preprocessor = AttachedOnly.class,
            fallbackValue = "mode,ownership,timestamps",
            description = "Preserve the given attributes (default: mode,ownership,timestamps): any of mode, ownership,"
                    + " timestamps, xattr, all, separated by commas.")
    void setPreserve(String list) {
        given.preserve(list);
    }

    @Option(order = 7, names = {"-t", "--target-directory"}, paramLabel = "DIRECTORY",
            description = "Copy every SOURCE into DIRECTORY.")
    void setTargetDirectory(String directory) {
        given.targetDirectory(directory);
    }

    @Option(order = 8, names = {"-T", "--no-target-directory"}, preprocessor = Flag.class,
            description = "Treat DEST as a normal file, even a directory.")
    void setNoTargetDirectory(boolean on) {
        given.noTargetDirectory();
    }

    @Option(order = 9, names = {"-v", "--verbose"}, preprocessor = Flag.class,
            description = "Name each file as it is copied.")
    void setVerbose(boolean on) {
        given.verbose();
    }

    // mcp's own.

    @Option(order = 10, names = {"-q", "--quiet"}, preprocessor = Flag.class,
            description = "Say nothing but errors; no progress line unless --progress.")
    void setQuiet(boolean on) {
        given.quiet();
    }

    @Option(order = 11, names = "--progress", negatable = true, preprocessor = Flag.class,
            description = "Draw a progress line on stderr, or not (default: when stderr is a terminal and not -q).")
    void setProgress(boolean drawn) {
        given.progress(drawn);
    }

    @Option(order = 12, names = "--json", preprocessor = Flag.class,
            description = "At the end, print one JSON object on stdout: what was copied, how long each phase took, every"
                    + " failure.")
    void setJson(boolean on) {
        given.json();
    }

    @Option(order = 13, names = "--clean", preprocessor = Flag.class,
            description = "Copy nothing: remove the scratch files that interrupted runs (killed, crashed, a power cut) left"
                    + " beside each DEST given (in it, if it is a directory). Those of a run still alive are kept. A copy"
                    + " removes those of its own DESTs by itself.")
    void setClean(boolean on) {
        given.clean();
    }

    @Option(order = 14, names = "--resume", preprocessor = Flag.class,
            description = "Go on from where an interrupted run for the same DEST stopped: reuse the chunks its journal"
                    + " says were copied and synced, once their checksums are checked again, and copy the rest; with -r,"
                    + " skip the files it committed. Refused, saying why, if SOURCE changed since, its scratch files are"
                    + " damaged, or that run is still alive. Interrupted by a signal, a run with --resume keeps its"
                    + " scratch files for the next one. To resume a tree, give -T too (mcp -rT --resume SOURCE DEST): once"
                    + " the interrupted run has made DEST, mcp -r SOURCE DEST would copy into DEST/SOURCE, as cp does; with"
                    + " --resume, mcp refuses that while DEST holds what an interrupted run left, and says so.")
    void setResume(boolean on) {
        given.resume();
    }

    @Option(order = 15, names = {"-n", "--processes"}, paramLabel = "N",
            description = "Processes to copy with, 1.." + MAX_PROCESSES + " (default: the number of CPUs): mcp itself and N-1"
                    + " worker processes, which join it as they start. No more than"
                    + " one per CPU are run (more copy no faster), and no more than one per "
                    + (WorkerBudget.BYTES_PER_WORKER >> 20) + " MiB of available memory: mcp says so when memory is what"
                    + " keeps it from running as many as asked for.")
    void setProcesses(String value) {
        given.processes(value);
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

    @Option(order = 16, names = "--chunk-size", paramLabel = "SIZE",
            description = "Bytes a worker claims at a time: a multiple of the page size, with an optional K, M or G suffix"
                    + " (powers of 1024). Default: about a quarter of the file per worker, between 1M and 64M.")
    void setChunkSize(String value) {
        given.chunkSize(value);
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

    @Option(order = 17, names = "--verify", paramLabel = "WHERE",
            description = "Where the copy is read back from before it replaces DEST: 'cache' (the default) reads the page"
                    + " cache, which proves what mcp wrote; 'media' drops the copy's cached pages after the fsync and reads it"
                    + " again from the device.")
    void setVerify(Verify where) {
        given.verify(where);
    }

    @Option(order = 18, names = "--method", paramLabel = "HOW",
            description = "How chunks are copied: 'mmap' copies from a mapping of the source into a mapping of the copy;"
                    + " 'pwrite' writes from a mapping of the source; 'copy_file_range' has the kernel copy (or share the blocks,"
                    + " or copy on the server, where the file system can). Each checksums the copy and syncs it with"
                    + " msync(MS_SYNC). 'auto' (the default) chooses by the copy's file system.")
    void setMethod(Method how) {
        given.method(how);
    }

    @Option(order = 19, names = "--stats", arity = "0..1", paramLabel = "FORMAT", preprocessor = AttachedOnly.class,
            fallbackValue = "text",
            description = "After the copy, failed or not, report how long each phase took in ms (startup, init, parse, open,"
                    + " plan, setup, spawn, copy, reap, verify, commit, cleanup, total), what was copied and how, and each"
                    + " worker's start-up: as a table on stderr, or, with --stats=json, as one line of JSON on stdout.")
    void setStats(StatsFormat format) {
        given.stats(format);
    }

    @Option(order = 20, names = "--debug", preprocessor = Flag.class,
            description = "On failure, print the stack trace too.")
    void setDebug(boolean on) {
        given.debug();
    }

    @Option(order = 21, names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(order = 22, names = {"-V", "--version"}, versionHelp = true, description = "Show the version and exit.")
    private boolean version;

    @Parameters(arity = "0..*", paramLabel = "SOURCE", hidden = true)
    private List<String> operands = new ArrayList<>();

    /**
     * An optional value only when attached ({@code --stats=json}, {@code --preserve=mode}), as GNU
     * tools take one: in {@code mcp --stats SRC DST}, SRC is the source, not a format. Without one,
     * the option's fallback value.
     */
    static final class AttachedOnly implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) {
                args.push(((OptionSpec) argSpec).fallbackValue());
            }
            return false;
        }
    }

    /**
     * Refuses a value attached to an option that takes none, as getopt does: picocli would take
     * {@code --recursive=false} as a boolean value, and turn recursion on.
     */
    static final class Flag implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
            if ("=".equals(info.get("separator"))) {
                String name = ((OptionSpec) argSpec).longestName();
                if (Boolean.TRUE.equals(info.get("negated"))) {
                    name = "--no-" + name.substring(2);
                }
                Usage.Error error = Usage.noArgumentAllowed(name);
                throw new CommandLine.ParameterException(commandSpec.commandLine(), error.getMessage(), error);
            }
            return false;
        }
    }

    /**
     * What picocli parsed, in the form {@link FastArguments} gives; cp's usage errors (operands,
     * -t with -T, ...) as picocli's, for its handler to print. Called once, when parsing is done.
     */
    Invocation parsedInvocation() {
        operands.forEach(given::operand);
        try {
            return given.build();
        } catch (Usage.Error e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** What the command line asks for, once parsed (null before). */
    public Invocation invocation() {
        return invocation;
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
        Invocation parsed = FastArguments.parse(args, Runtime.getRuntime().availableProcessors());
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
        command.invocation = parsed;
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
        String message = e instanceof McpException ? e.getMessage() : Messages.describe(e);
        err.println("mcp: " + message);
        if (invocation != null && invocation.debug()) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILED;
    }

    @Override
    public Integer call() throws McpException {
        String missing = notImplemented(invocation);
        if (missing != null) {
            err.println("mcp: " + missing + " is not implemented yet");
            err.flush();
            return EXIT_FAILED;
        }
        StatsFormat statsFormat = invocation.stats();
        Integer status = null;
        try {
            status = Run.execute(invocation, launcher, stats, out, err,
                    sinceMain ? StatsReport.startupNanos(stats.originNanos()) : -1);
            return status;
        } finally {
            if (statsFormat != null) {
                stats.end();
                FileReport.Outcome outcome = status == null || status == EXIT_FAILED ? null
                        : status == EXIT_OK ? FileReport.Outcome.COPIED : FileReport.Outcome.COPIED_NOT_DURABLE;
                StatsReport.print(statsFormat == StatsFormat.json ? out : err, statsFormat, stats, outcome,
                        sinceMain ? StatsReport.startupNanos(stats.originNanos()) : -1);
            }
        }
    }

    /**
     * What {@code invocation} asks for that mcp cannot do, as a message names it, or null: links
     * inside a tree are always copied as links, never followed ({@code -L} with {@code -r}).
     */
    static String notImplemented(Invocation invocation) {
        if (invocation.recursive() && !invocation.noDereference()) {
            return "following symbolic links inside a tree (-L with -r)";
        }
        return null;
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
        // As getopt: the last of a repeated option counts, and an option's value may begin with '-'.
        // Not its abbreviated long options: picocli's matching takes "-" (standard input) for one.
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setAllowOptionsAsOptionParameters(true);
        commandLine.setParameterExceptionHandler(Usage::handle);
        commandLine.setExecutionStrategy(parseResult -> {
            // cp's checks of the operands and of options together, unless only help was asked for.
            if (!parseResult.isUsageHelpRequested() && !parseResult.isVersionHelpRequested()) {
                command.invocation = command.parsedInvocation();
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> command.report(e, cl.getErr()));
        // cp takes '@name' for a file name; picocli would read it as a file of arguments.
        commandLine.setExpandAtFiles(false);
        return commandLine;
    }

    /**
     * The version, from the build (the project's version, filtered into {@code version.properties}),
     * and the Java runtime mcp runs on: which runtime it is decides how mapped memory, signals and
     * worker start-up behave, so a bug report needs both. Only {@code --version} asks for it: the
     * properties are read then, never at start-up. The man page takes the first line.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = McpCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"mcp " + properties.getProperty("version", "unknown"), javaRuntime()};
        }

        /**
         * {@code Java runtime: VENDOR VERSION (VM)}, e.g.
         * {@code Java runtime: Eclipse Adoptium 17.0.15+6 (OpenJDK 64-Bit Server VM)}.
         */
        static String javaRuntime() {
            return "Java runtime: " + System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version")
                    + " (" + System.getProperty("java.vm.name") + ")";
        }
    }
}
