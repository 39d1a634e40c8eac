package mcp.cli;

/**
 * The command lines almost every run has ({@code [-n N] [--chunk-size SIZE] [--verify WHERE] [--method HOW]
 * [--stats[=FORMAT]] [--debug] [--] SOURCE DEST}), parsed without picocli: building picocli's model by reflection
 * costs more than the rest of a small copy's start-up. Anything else, and anything this parser
 * is unsure of (a value out of range, an unknown option, a repeated one, help, version), is left
 * to picocli, which gives the help, the completion and the error messages; a test checks that
 * both parsers agree on every line this one accepts.
 */
final class FastArguments {
    /** What a command line asks for. */
    record Parsed(int processes, long chunkBytes, McpCommand.Verify verify, McpCommand.Method method, boolean debug,
            McpCommand.StatsFormat stats, String source, String dest) {
    }

    private FastArguments() {
    }

    /** The parsed command line, or null if picocli must parse it. */
    static Parsed parse(String[] args, int defaultProcesses) {
        Integer processes = null;
        Long chunkBytes = null;
        McpCommand.Verify verify = null;
        McpCommand.Method method = null;
        boolean debug = false;
        McpCommand.StatsFormat stats = null;
        String source = null;
        String dest = null;
        boolean operandsOnly = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (operandsOnly || !arg.startsWith("-") || arg.equals("-")) {
                if (source == null) {
                    source = arg;
                } else if (dest == null) {
                    dest = arg;
                } else {
                    return null;
                }
                continue;
            }
            if (arg.equals("--")) {
                operandsOnly = true;
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (arg.startsWith("-n") && arg.length() > 2) {
                name = "-n";
                value = arg.substring(2);
            }
            if (name.equals("--debug") && value == null) {
                if (debug) {
                    return null;
                }
                debug = true;
                continue;
            }
            if (name.equals("--stats")) {
                // Its format only attached: in "--stats json", json is an operand.
                if (stats != null) {
                    return null;
                }
                stats = value == null ? McpCommand.StatsFormat.text : constant(McpCommand.StatsFormat.class, value);
                if (stats == null) {
                    return null;
                }
                continue;
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    return null;
                }
                value = args[++i];
            }
            switch (name) {
                case "-n":
                case "--processes":
                    if (processes != null) {
                        return null;
                    }
                    processes = McpCommand.processesOrNull(value);
                    if (processes == null) {
                        return null;
                    }
                    break;
                case "--chunk-size":
                    if (chunkBytes != null) {
                        return null;
                    }
                    long bytes = McpCommand.chunkBytesOrZero(value);
                    if (bytes == 0) {
                        return null;
                    }
                    chunkBytes = bytes;
                    break;
                case "--verify":
                    if (verify != null || (verify = constant(McpCommand.Verify.class, value)) == null) {
                        return null;
                    }
                    break;
                case "--method":
                    if (method != null || (method = constant(McpCommand.Method.class, value)) == null) {
                        return null;
                    }
                    break;
                default:
                    return null;
            }
        }
        if (dest == null) {
            return null;
        }
        return new Parsed(processes == null ? defaultProcesses : processes, chunkBytes == null ? 0 : chunkBytes,
                verify == null ? McpCommand.Verify.cache : verify, method == null ? McpCommand.Method.auto : method,
                debug, stats, source, dest);
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
