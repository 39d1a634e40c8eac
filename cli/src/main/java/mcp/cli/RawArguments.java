package mcp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mcp.nativebridge.FileNames;

/**
 * The program's arguments as the bytes the user gave, each a {@link FileNames} string.
 *
 * <p>The JVM decodes argv with the locale's charset before {@code main} sees it, which loses
 * bytes: under LC_ALL=C every non-ASCII byte becomes U+FFFD, and in a UTF-8 locale so does every
 * byte that is not valid UTF-8, so a file with such a name could not even be named. Linux keeps
 * the untouched argv in /proc/self/cmdline, NUL after each argument; the java launcher puts the
 * program's arguments last and unchanged, so the last {@code args.length} entries are they.
 */
public final class RawArguments {
    private static final Path COMMAND_LINE = Path.of("/proc/self/cmdline");

    private RawArguments() {
    }

    /** {@code args} read again from the process's command line, or {@code args} itself if that cannot be done. */
    public static String[] of(String[] args) {
        byte[] commandLine;
        try {
            commandLine = Files.readAllBytes(COMMAND_LINE);
        } catch (IOException | RuntimeException e) {
            return args;
        }
        return of(args, commandLine);
    }

    /** {@link #of(String[])} with the bytes of /proc/self/cmdline given. */
    static String[] of(String[] args, byte[] commandLine) {
        List<byte[]> entries = entries(commandLine);
        if (entries.size() < args.length) {
            return args;
        }
        List<byte[]> last = entries.subList(entries.size() - args.length, entries.size());
        String[] raw = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            raw[i] = FileNames.decode(last.get(i));
            // An ASCII argument reads the same in every charset. If it does not match, these are
            // not this main's arguments (say, main called from other Java code): keep the JVM's.
            if (isAscii(raw[i]) && !raw[i].equals(args[i])) {
                return args;
            }
        }
        return raw;
    }

    /** The NUL-terminated entries of {@code commandLine}, empty ones included; a last one without its NUL counts too. */
    private static List<byte[]> entries(byte[] commandLine) {
        List<byte[]> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < commandLine.length; i++) {
            if (commandLine[i] == 0) {
                entries.add(Arrays.copyOfRange(commandLine, start, i));
                start = i + 1;
            }
        }
        if (start < commandLine.length) {
            entries.add(Arrays.copyOfRange(commandLine, start, commandLine.length));
        }
        return entries;
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
