package mcp.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a command line asks for: the one thing parsing produces, by {@link FastArguments} or by
 * picocli through {@link McpCommand}, which both feed the same {@link Builder}, so cp's rules
 * (operands, -t and -T, -r implying -P, what -a and -p mean) are written once.
 *
 * @param sources the files (or, with {@code recursive}, trees) to copy, in the order given; never empty
 * @param destination DEST: the last operand, or the directory of {@code -t}
 * @param target how {@code destination} is taken, as {@link Operands} takes it
 * @param recursive -r, -R, -a: directories are copied with what they hold
 * @param noDereference symbolic links are copied as links, never followed: -P, -a, or cp's default with -r (unless -L)
 * @param preserve what of the source's attributes the copy keeps beyond cp's default (none with none given)
 * @param verbosity how much mcp says besides errors
 * @param json --json: what mcp reports, as JSON on stdout
 * @param progress whether a progress line is drawn
 * @param processes processes to copy with, mcp's own among them
 * @param chunkBytes bytes a worker claims at a time, or 0 for mcp's choice
 * @param verify where the copy is read back from
 * @param method how chunks are copied
 * @param debug stack traces with errors
 * @param stats how --stats reports, or null without it
 * @param clean --clean: no copy; {@code sources} are destinations whose stale scratch files are removed
 * @param resume --resume: go on from what interrupted runs left, and keep what an interrupted run leaves
 */
public record Invocation(List<String> sources, String destination, Operands.Target target, boolean recursive,
                         boolean noDereference, Set<Preserved> preserve, Verbosity verbosity, boolean json,
                         Progress progress, int processes, long chunkBytes, McpCommand.Verify verify,
                         McpCommand.Method method, boolean debug, McpCommand.StatsFormat stats, boolean clean,
                         boolean resume) {
    /** Attributes the copy can keep, by cp's names for them ({@code --preserve=mode,ownership,...}). */
    public enum Preserved {
        MODE("mode"),
        OWNERSHIP("ownership"),
        TIMESTAMPS("timestamps"),
        XATTR("xattr");

        private final String cpName;

        Preserved(String cpName) {
            this.cpName = cpName;
        }

        /** The name cp gives it. */
        public String cpName() {
            return cpName;
        }
    }

    /** How much mcp says besides errors. */
    public enum Verbosity {
        /** -q: errors only. */
        QUIET,
        NORMAL,
        /** -v: each file as it is copied, as cp -v names it. */
        VERBOSE
    }

    /** Whether a progress line is drawn. */
    public enum Progress {
        /** On a terminal, unless -q. */
        AUTO,
        /** --progress: even when stderr is not a terminal. */
        ALWAYS,
        /** --no-progress, or -q without --progress. */
        NEVER
    }

    /** {@code -p} and {@code --preserve} without a list: cp's default attributes. */
    static final Set<Preserved> DEFAULT_PRESERVED =
            Collections.unmodifiableSet(EnumSet.of(Preserved.MODE, Preserved.OWNERSHIP, Preserved.TIMESTAMPS));

    /** cp's names that {@code --preserve=LIST} takes, in cp's order, {@code all} last. */
    static final List<String> PRESERVE_NAMES = List.of("mode", "timestamps", "ownership", "xattr", "all");

    public Invocation {
        sources = List.copyOf(sources);
        preserve = Collections.unmodifiableSet(
                preserve.isEmpty() ? EnumSet.noneOf(Preserved.class) : EnumSet.copyOf(preserve));
    }

    /** The source, if there is exactly one. */
    public boolean oneSource() {
        return sources.size() == 1;
    }

    /**
     * Collects options in the order they are given, so that the last of conflicting ones wins as
     * in cp (-L after -a follows links; --progress after -q draws progress), and applies cp's rules
     * once all are in. Its setters and {@link #build} throw {@link Usage.Error} for what cp rejects.
     */
    static final class Builder {
        private final List<String> operands = new ArrayList<>();
        private String targetDirectory;
        private boolean noTargetDirectory;
        private boolean recursive;
        /** The last of -P / -a (true) and -L (false), or null for none: then cp's default, which depends on -r. */
        private Boolean noDereference;
        private final Set<Preserved> preserve = EnumSet.noneOf(Preserved.class);
        private boolean quiet;
        private boolean verbose;
        private boolean json;
        private boolean clean;
        private boolean resume;
        /** The last of --progress (true) and --no-progress (false), or null for none. */
        private Boolean progress;
        private int processes;
        private long chunkBytes;
        private McpCommand.Verify verify = McpCommand.Verify.cache;
        private McpCommand.Method method = McpCommand.Method.auto;
        private boolean debug;
        private McpCommand.StatsFormat stats;

        Builder(int defaultProcesses) {
            this.processes = defaultProcesses;
        }

        Builder operand(String operand) {
            operands.add(operand);
            return this;
        }

        /** {@code -t DIR}; cp takes only one. */
        Builder targetDirectory(String directory) {
            if (targetDirectory != null) {
                throw Usage.multipleTargetDirectories();
            }
            targetDirectory = directory;
            return this;
        }

        /** {@code -T}. */
        Builder noTargetDirectory() {
            noTargetDirectory = true;
            return this;
        }

        /** {@code -r}, {@code -R}, {@code --recursive}. */
        Builder recursive() {
            recursive = true;
            return this;
        }

        /** {@code -P} (true), {@code -L} (false). */
        Builder noDereference(boolean never) {
            noDereference = never;
            return this;
        }

        /** {@code -a}: as cp's {@code -dR --preserve=all}, without cp's links (hard links are not kept). */
        Builder archive() {
            recursive = true;
            noDereference = true;
            preserve.addAll(EnumSet.allOf(Preserved.class));
            return this;
        }

        /** {@code -p}: cp's {@code --preserve=mode,ownership,timestamps}. */
        Builder preserveDefault() {
            preserve.addAll(DEFAULT_PRESERVED);
            return this;
        }

        /**
         * {@code --preserve=LIST}: names separated by commas, each of {@link #PRESERVE_NAMES} or, as
         * cp's argmatch takes them, a prefix of exactly one.
         */
        Builder preserve(String list) {
            for (String name : list.split(",", -1)) {
                String match = null;
                for (String candidate : PRESERVE_NAMES) {
                    if (candidate.equals(name)) {
                        match = candidate;
                        break;
                    }
                    if (candidate.startsWith(name)) {
                        if (match != null) {
                            throw Usage.ambiguousArgument(name, "--preserve", PRESERVE_NAMES);
                        }
                        match = candidate;
                    }
                }
                if (match == null) {
                    throw Usage.invalidArgument(name, "--preserve", PRESERVE_NAMES);
                }
                for (Preserved attribute : Preserved.values()) {
                    if (match.equals("all") || match.equals(attribute.cpName())) {
                        preserve.add(attribute);
                    }
                }
            }
            return this;
        }

        Builder quiet() {
            quiet = true;
            return this;
        }

        Builder verbose() {
            verbose = true;
            return this;
        }

        Builder json() {
            json = true;
            return this;
        }

        /** {@code --clean}: the operands are destinations to clean, nothing is copied. */
        Builder clean() {
            clean = true;
            return this;
        }

        /** {@code --resume}: go on from what interrupted runs left. */
        Builder resume() {
            resume = true;
            return this;
        }

        /** {@code --progress} (true), {@code --no-progress} (false). */
        Builder progress(boolean drawn) {
            progress = drawn;
            return this;
        }

        /** {@code -n}, as the user wrote it. */
        Builder processes(String value) {
            Integer parsed = McpCommand.processesOrNull(value);
            if (parsed == null) {
                throw Usage.invalidProcesses(value);
            }
            processes = parsed;
            return this;
        }

        /** {@code --chunk-size}, as the user wrote it. */
        Builder chunkSize(String value) {
            long bytes = McpCommand.chunkBytesOrZero(value);
            if (bytes == 0) {
                throw Usage.invalidChunkSize(value, mcp.nativebridge.Posix.pageSize());
            }
            chunkBytes = bytes;
            return this;
        }

        Builder verify(McpCommand.Verify where) {
            verify = where;
            return this;
        }

        Builder method(McpCommand.Method how) {
            method = how;
            return this;
        }

        Builder debug() {
            debug = true;
            return this;
        }

        Builder stats(McpCommand.StatsFormat format) {
            stats = format;
            return this;
        }

        /** The invocation, after cp's checks of the operands, in cp's order. */
        Invocation build() {
            if (quiet && verbose) {
                throw Usage.quietAndVerbose();
            }
            boolean toDirectory = targetDirectory != null;
            if (clean) {
                if (operands.isEmpty()) {
                    throw Usage.missingFileOperand();
                }
                return new Invocation(operands, null, Operands.Target.LAST_OPERAND, false, true, preserve,
                        quiet ? Verbosity.QUIET : verbose ? Verbosity.VERBOSE : Verbosity.NORMAL, json, Progress.NEVER,
                        processes, chunkBytes, verify, method, debug, stats, true, false);
            }
            if (operands.size() <= (toDirectory ? 0 : 1)) {
                throw operands.isEmpty() ? Usage.missingFileOperand() : Usage.missingDestination(operands.get(0));
            }
            Operands.Target target = Operands.Target.LAST_OPERAND;
            List<String> sources = operands;
            String destination = targetDirectory;
            if (noTargetDirectory) {
                if (toDirectory) {
                    throw Usage.targetAndNoTarget();
                }
                if (operands.size() > 2) {
                    throw Usage.extraOperand(operands.get(2));
                }
                target = Operands.Target.NO_DIRECTORY;
            }
            if (toDirectory) {
                target = Operands.Target.DIRECTORY;
            } else {
                sources = operands.subList(0, operands.size() - 1);
                destination = operands.get(operands.size() - 1);
            }
            Progress drawn = progress != null ? (progress ? Progress.ALWAYS : Progress.NEVER)
                    : quiet ? Progress.NEVER : Progress.AUTO;
            return new Invocation(sources, destination, target, recursive,
                    noDereference != null ? noDereference : recursive, preserve,
                    quiet ? Verbosity.QUIET : verbose ? Verbosity.VERBOSE : Verbosity.NORMAL, json, drawn,
                    processes, chunkBytes, verify, method, debug, stats, false, resume);
        }
    }
}
