package mcp.cli;

import java.util.HashSet;
import java.util.Set;

/**
 * The command lines almost every run has, parsed without picocli: building picocli's model by
 * reflection costs more than the rest of a small copy's start-up. It takes operands, cp's flags
 * ({@code -r -R -a -L -P -p -v -T}, clustered as in {@code -av}, and their long names),
 * {@code -t DIR}, {@code --preserve[=LIST]}, and mcp's {@code -q}, {@code --[no-]progress},
 * {@code --json}, {@code -n N}, {@code --chunk-size}, {@code --verify}, {@code --method},
 * {@code --stats[=FORMAT]}, {@code --debug}, {@code --}. What they mean is
 * {@link Invocation.Builder}'s to say, as for picocli. Anything else, and anything this parser is
 * unsure of (a usage error, an unknown option, a repeated option with a value, help, version),
 * is left to picocli, which gives the help and the error messages; a test checks that both
 * parsers agree on every line this one accepts.
 */
final class FastArguments {
    private FastArguments() {
    }

    /** The parsed command line, or null if picocli must parse it. */
    static Invocation parse(String[] args, int defaultProcesses) {
        try {
            return parseOrNull(args, defaultProcesses);
        } catch (Usage.Error e) {
            // picocli parses it again and words the error.
            return null;
        }
    }

    private static Invocation parseOrNull(String[] args, int defaultProcesses) {
        Invocation.Builder given = new Invocation.Builder(defaultProcesses);
        // Options with a value, once each: a repeated one is rare, and picocli knows how it reads.
        Set<String> valued = new HashSet<>();
        boolean operandsOnly = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (operandsOnly || !arg.startsWith("-") || arg.equals("-")) {
                given.operand(arg);
                continue;
            }
            if (arg.equals("--")) {
                operandsOnly = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                // A cluster of short flags, perhaps ending in -n or -t, whose value is the rest or the next argument.
                int j = 1;
                for (; j < arg.length() && flag("-" + arg.charAt(j), given); j++) {
                }
                if (j == arg.length()) {
                    continue;
                }
                String name = arg.substring(j, j + 1);
                String value = j + 1 < arg.length() ? arg.substring(j + 1) : i + 1 < args.length ? args[++i] : null;
                if (value == null || !valued.add(name) || !option("-" + name, value, given)) {
                    return null;
                }
                continue;
            }
            int equals = arg.indexOf('=');
            if (equals < 0 && flag(arg, given)) {
                continue;
            }
            String name = equals < 0 ? arg : arg.substring(0, equals);
            String value = equals < 0 ? null : arg.substring(equals + 1);
            if (!valued.add(name)) {
                return null;
            }
            if (name.equals("--stats") || name.equals("--preserve")) {
                // Their value only attached: in "--stats json", json is an operand.
                if (name.equals("--stats")) {
                    McpCommand.StatsFormat stats = value == null ? McpCommand.StatsFormat.text
                            : constant(McpCommand.StatsFormat.class, value);
                    if (stats == null) {
                        return null;
                    }
                    given.stats(stats);
                } else if (value == null) {
                    given.preserveDefault();
                } else {
                    given.preserve(value);
                }
                continue;
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    return null;
                }
                value = args[++i];
            }
            if (!option(name, value, given)) {
                return null;
            }
        }
        return given.build();
    }

    /** Gives {@code given} the flag (an option without a value) named {@code name}; false if it is none of them. */
    private static boolean flag(String name, Invocation.Builder given) {
        switch (name) {
            case "-r", "-R", "--recursive" -> given.recursive();
            case "-a", "--archive" -> given.archive();
            case "-L", "--dereference" -> given.noDereference(false);
            case "-P", "--no-dereference" -> given.noDereference(true);
            case "-p" -> given.preserveDefault();
            case "-T", "--no-target-directory" -> given.noTargetDirectory();
            case "-v", "--verbose" -> given.verbose();
            case "-q", "--quiet" -> given.quiet();
            case "--progress" -> given.progress(true);
            case "--no-progress" -> given.progress(false);
            case "--json" -> given.json();
            case "--resume" -> given.resume();
            case "--debug" -> given.debug();
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives {@code given} the option named {@code name} with its {@code value}; false if there is no
     * such option or picocli might read the value otherwise (an enum constant it does not know).
     */
    private static boolean option(String name, String value, Invocation.Builder given) {
        switch (name) {
            case "-n", "--processes" -> given.processes(value);
            case "--chunk-size" -> given.chunkSize(value);
            case "-t", "--target-directory" -> given.targetDirectory(value);
            case "--verify" -> {
                McpCommand.Verify verify = constant(McpCommand.Verify.class, value);
                if (verify == null) {
                    return false;
                }
                given.verify(verify);
            }
            case "--method" -> {
                McpCommand.Method method = constant(McpCommand.Method.class, value);
                if (method == null) {
                    return false;
                }
                given.method(method);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The constant of {@code type} named exactly {@code value}, as picocli matches it, or null. */
    private static <E extends Enum<E>> E constant(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        return null;
    }
}
