package mcp.cli;

import static mcp.cli.Messages.quote;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The wording of usage errors, as GNU cp words its own: {@code mcp: missing file operand}, then
 * {@code Try 'mcp --help' for more information.}, exit status 2. Every usage error mcp reports is
 * made here: those that mcp's own rules find ({@link Error}, thrown by {@link Invocation.Builder}
 * and the option setters) and those picocli finds, whose own words ("Unknown option", "Missing
 * required parameter", "Invalid value for option") never reach the user: {@link #handle} words
 * them again from the exception's kind and the arguments.
 */
final class Usage {
    /** The line every usage error ends with. */
    static final String TRY_HELP = "Try 'mcp --help' for more information.";

    /**
     * cp's options that mcp does not take: a user who reaches for one is told it is cp's and not
     * mcp's, rather than that it is unknown. Each short one maps to what it does in cp, each long
     * one to "". mcp's own {@code -n} (processes) shadows cp's {@code -n}, which is here by its
     * long name, {@code --no-clobber}, only. {@code -H} is not taken: mcp has no such middle way
     * between following every symbolic link (-L) and none in a tree (-r alone, -P).
     */
    private static final Map<String, String> CP_ONLY = Map.ofEntries(
            Map.entry("-i", "--interactive"), Map.entry("-f", "--force"), Map.entry("-u", "--update"),
            Map.entry("-l", "--link"), Map.entry("-s", "--symbolic-link"), Map.entry("-x", "--one-file-system"),
            Map.entry("-d", "--no-dereference --preserve=links"),
            Map.entry("-H", "follow symbolic links named on the command line, not those in a tree"),
            Map.entry("-b", "--backup"), Map.entry("-S", "--suffix"), Map.entry("-Z", "--context"),
            Map.entry("--interactive", ""), Map.entry("--force", ""), Map.entry("--update", ""), Map.entry("--link", ""),
            Map.entry("--symbolic-link", ""), Map.entry("--one-file-system", ""), Map.entry("--backup", ""),
            Map.entry("--suffix", ""), Map.entry("--context", ""), Map.entry("--reflink", ""), Map.entry("--sparse", ""),
            Map.entry("--parents", ""), Map.entry("--remove-destination", ""), Map.entry("--attributes-only", ""),
            Map.entry("--copy-contents", ""), Map.entry("--strip-trailing-slashes", ""), Map.entry("--no-clobber", ""),
            Map.entry("--no-preserve", ""), Map.entry("--keep-directory-symlink", ""));

    /** The second line of the message about one of {@link #CP_ONLY}: what mcp takes instead. */
    private static final String CP_OPTIONS_TAKEN =
            "mcp takes cp's -a, -L, -P, -p, --preserve, -r, -R, -t, -T and -v, and options of its own";

    private Usage() {
    }

    /**
     * A usage error that mcp's rules found; its message is what follows {@code mcp: }, and may go
     * on over more lines (cp's list of valid arguments).
     */
    static final class Error extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Error(String message) {
            super(message, null, false, false);
        }
    }

    static Error missingFileOperand() {
        return new Error("missing file operand");
    }

    static Error missingDestination(String operand) {
        return new Error("missing destination file operand after " + quote(operand));
    }

    static Error extraOperand(String operand) {
        return new Error("extra operand " + quote(operand));
    }

    static Error targetAndNoTarget() {
        return new Error("cannot combine --target-directory (-t) and --no-target-directory (-T)");
    }

    static Error multipleTargetDirectories() {
        return new Error("multiple target directories specified");
    }

    static Error quietAndVerbose() {
        return new Error("cannot combine --quiet (-q) and --verbose (-v)");
    }

    static Error noArgumentAllowed(String longName) {
        return new Error("option '" + longName + "' doesn't allow an argument");
    }

    static Error invalidProcesses(String value) {
        return new Error("invalid number of processes: " + quote(value) + " (from 1 to " + McpCommand.MAX_PROCESSES + ")");
    }

    static Error invalidChunkSize(String value, long pageBytes) {
        return new Error("invalid chunk size: " + quote(value) + " (a positive multiple of the page size, " + pageBytes
                + ", with an optional K, M or G suffix)");
    }

    /** cp's (argmatch's) words for a value that is none of {@code valid}, nor a prefix of exactly one. */
    static Error invalidArgument(String value, String option, List<String> valid) {
        return new Error("invalid argument " + quote(value) + " for '" + option + "'\n" + validArguments(valid));
    }

    /** As {@link #invalidArgument}, for a prefix of several valid values. */
    static Error ambiguousArgument(String value, String option, List<String> valid) {
        return new Error("ambiguous argument " + quote(value) + " for '" + option + "'\n" + validArguments(valid));
    }

    private static String validArguments(List<String> valid) {
        return valid.stream().map(name -> "  - '" + name + "'")
                .collect(Collectors.joining("\n", "Valid arguments are:\n", ""));
    }

    /**
     * Prints a usage error as cp does, the first line after {@code mcp: }, then {@link #TRY_HELP}.
     *
     * @return the usage exit status
     */
    static int print(PrintWriter err, String message) {
        err.println("mcp: " + message);
        err.println(TRY_HELP);
        err.flush();
        return McpCommand.EXIT_USAGE;
    }

    /** picocli's handler of a command line it could not parse: the error, in cp's words. */
    static int handle(CommandLine.ParameterException e, String[] args) {
        return print(e.getCommandLine().getErr(), message(e, args));
    }

    /** What is wrong with {@code args}, as cp would say it, from what picocli found wrong. */
    static String message(CommandLine.ParameterException e, String[] args) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof Error) {
                return cause.getMessage();
            }
        }
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        if (e instanceof CommandLine.UnmatchedArgumentException) {
            List<String> unmatched = ((CommandLine.UnmatchedArgumentException) e).getUnmatched();
            if (!unmatched.isEmpty()) {
                return unknown(unmatched.get(0), spec);
            }
        }
        if (e instanceof CommandLine.MissingParameterException) {
            List<ArgSpec> missing = ((CommandLine.MissingParameterException) e).getMissing();
            if (!missing.isEmpty() && missing.get(0).isOption()) {
                return requiresArgument((OptionSpec) missing.get(0), args);
            }
            return missingFileOperand().getMessage();
        }
        ArgSpec arg = e.getArgSpec();
        if (arg != null && arg.isOption() && e.getValue() != null) {
            OptionSpec option = (OptionSpec) arg;
            if (option.arity().max() == 0) {
                return noArgumentAllowed(option.longestName()).getMessage();
            }
            List<String> valid = candidates(option);
            if (!valid.isEmpty()) {
                return invalidArgument(e.getValue(), option.longestName(), valid).getMessage();
            }
            return "invalid argument " + quote(e.getValue()) + " for '" + option.longestName() + "'";
        }
        // Nothing above fits: a kind of error picocli did not make before. Its words, without its class name.
        return Messages.describe(e);
    }

    /** The values of an enumerated option, as it lists them. */
    private static List<String> candidates(OptionSpec option) {
        Iterable<String> candidates = option.completionCandidates();
        if (candidates == null) {
            return List.of();
        }
        List<String> list = new ArrayList<>();
        candidates.forEach(list::add);
        return list;
    }

    /**
     * An argument picocli did not match: an unknown long option, or a cluster of short ones with an
     * unknown letter in it (the first such letter is the one named, as getopt names it), or one of
     * cp's options that mcp does not take.
     */
    static String unknown(String argument, CommandSpec spec) {
        if (argument.startsWith("--")) {
            int equals = argument.indexOf('=');
            String name = equals < 0 ? argument : argument.substring(0, equals);
            String cpName = cpOnlyLongName(name);
            return cpName != null ? cpOnly(cpName, CP_ONLY.get(cpName)) : "unrecognized option " + quote(argument);
        }
        if (argument.startsWith("-") && argument.length() > 1) {
            for (int i = 1; i < argument.length(); i++) {
                String letter = "-" + argument.charAt(i);
                OptionSpec option = spec.findOption(letter);
                if (option == null) {
                    String cp = CP_ONLY.get(letter);
                    return cp != null ? cpOnly(letter, cp) : "invalid option -- " + quote(letter.substring(1));
                }
                if (option.arity().max() > 0) {
                    // The rest of the cluster is this option's value.
                    break;
                }
            }
        }
        return extraOperand(argument).getMessage();
    }

    /**
     * The long option of {@link #CP_ONLY} that {@code name} names in full or, as cp's getopt takes
     * abbreviations, as the prefix of only it; or null. (mcp's own long options are not
     * abbreviated: picocli's matching of abbreviations takes "-", standard input, for one.)
     */
    private static String cpOnlyLongName(String name) {
        if (CP_ONLY.containsKey(name)) {
            return name;
        }
        List<String> matches = CP_ONLY.keySet().stream().filter(cp -> cp.startsWith("--") && cp.startsWith(name)).toList();
        return name.length() > 2 && matches.size() == 1 ? matches.get(0) : null;
    }

    /** {@code cp's option '-i' (--interactive) is not supported}, and what mcp takes instead. */
    private static String cpOnly(String name, String cpMeaning) {
        return "cp's option '" + name + "'" + (cpMeaning.isEmpty() ? "" : " (" + cpMeaning + ")") + " is not supported\n"
                + CP_OPTIONS_TAKEN;
    }

    /**
     * An option given last without its value: getopt's words name it as it was typed, long
     * ({@code option '--processes' requires an argument}) or short
     * ({@code option requires an argument -- 'n'}).
     */
    private static String requiresArgument(OptionSpec option, String[] args) {
        String typed = args.length == 0 ? "" : args[args.length - 1];
        if (typed.startsWith("--") || option.shortestName().startsWith("--")) {
            return "option '" + option.longestName() + "' requires an argument";
        }
        return "option requires an argument -- " + quote(option.shortestName().substring(1));
    }
}
