package mcp.copy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The names of mcp's scratch files beside a destination, made and read in this one place:
 * {@code .LEAF.PID.START.RANDOM.mcp-part} for a copy (or a link, FIFO or device) before it is
 * renamed over LEAF, and the same with {@code .mcp-control} for a round's control file. PID and
 * START ({@link ProcessStart}) name the coordinator that made the file, so that a later run can
 * tell the scratch files of a dead run, which it removes, from those of a live one, which it
 * never touches. RANDOM (64 bits) keeps the name from being guessed and taken first by another
 * user who can write the directory. LEAF is cut to 50 characters, never between the two halves
 * of a character outside the BMP, so that the name stays within NAME_MAX (255 bytes).
 */
final class ScratchName {
    static final String PART = ".mcp-part";
    static final String CONTROL = ".mcp-control";
    private static final int MAX_LEAF_CHARS = 50;
    private static final long PID = ProcessHandle.current().pid();
    private static final long START = ProcessStart.ticks(PID);

    /** What a scratch file's name says of it. */
    record Parsed(String leaf, long pid, long startTicks, boolean control) {
        /** True if the run that made the file is still running. */
        boolean isLive() {
            return ProcessStart.isAlive(pid, startTicks);
        }

        /** True if the file was made for a destination named {@code destination}. */
        boolean isFor(String destination) {
            return leaf.equals(shortened(destination));
        }
    }

    private ScratchName() {
    }

    /** A fresh name for a scratch file of this run beside {@code leaf}: {@link #PART} or {@link #CONTROL} as {@code suffix}. */
    static String of(String leaf, String suffix) {
        return "." + shortened(leaf) + "." + PID + "." + START + "." + String.format("%016x", ThreadLocalRandom.current().nextLong())
                + suffix;
    }

    /** What {@code name} says, or null if it is not the name of a scratch file of this form. */
    static Parsed parse(String name) {
        boolean control = name.endsWith(CONTROL);
        if (!name.startsWith(".") || !control && !name.endsWith(PART)) {
            return null;
        }
        String stem = name.substring(1, name.length() - (control ? CONTROL : PART).length());
        int random = stem.lastIndexOf('.');
        int start = random < 0 ? -1 : stem.lastIndexOf('.', random - 1);
        int pid = start < 0 ? -1 : stem.lastIndexOf('.', start - 1);
        if (pid < 0 || random - start - 1 == 0 || stem.length() - random - 1 != 16) {
            return null;
        }
        try {
            Long.parseUnsignedLong(stem.substring(random + 1), 16);
            return new Parsed(stem.substring(0, pid), Long.parseLong(stem.substring(pid + 1, start)),
                    Long.parseLong(stem.substring(start + 1, random)), control);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String shortened(String name) {
        if (name.length() <= MAX_LEAF_CHARS) {
            return name;
        }
        int end = Character.isHighSurrogate(name.charAt(MAX_LEAF_CHARS - 1)) ? MAX_LEAF_CHARS - 1 : MAX_LEAF_CHARS;
        return name.substring(0, end);
    }
}
