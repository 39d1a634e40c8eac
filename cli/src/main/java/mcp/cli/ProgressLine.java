package mcp.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of mcp's live progress line, and nothing else: no clock, no terminal. For example
 *
 * <pre>
 *  1.5 GiB / 4.0 GiB   37%   512 MiB/s  ETA 0:05  files 3/10  workers 2
 * </pre>
 *
 * <p>Sizes are in binary units, as {@code ls -h}, {@code cp} and {@code rsync} users read them:
 * three significant figures at most ({@code 1.5 GiB}, {@code 15.2 GiB}, {@code 152 GiB}). The
 * fields that change during a run are padded to fixed widths (the bytes done, the percent, the
 * throughput), so that the line does not jitter as their digits change. A line never gets wider
 * than the columns it is given: when they are too few, whole fields are left out, the least
 * important first (workers, files, throughput, the bytes, the ETA); the percent goes last.
 */
final class ProgressLine {
    /** What the line reports; counts only, no rates (the caller measures those). */
    record Figures(long bytesDone, long bytesTotal, long filesDone, long filesTotal, int workersAlive) {
    }

    /** Shown for the ETA until a throughput is known, and while nothing moves. */
    static final String UNKNOWN_ETA = "--:--";

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final String SEPARATOR = "  ";
    /** The widest size: {@code 99.9 MiB}. */
    private static final int SIZE_WIDTH = 8;
    /** The widest percent: {@code 100%}. */
    private static final int PERCENT_WIDTH = 4;
    /** The widest throughput: {@code 99.9 MiB/s}. */
    private static final int RATE_WIDTH = SIZE_WIDTH + 2;
    /** An ETA beyond this many seconds (99:59:59) is not worth its digits. */
    private static final long LONGEST_ETA_SECONDS = 100L * 3600 - 1;

    /** The fields in the order they are shown; {@link #dropRank} says which go first. */
    private enum Field {
        BYTES(3), PERCENT(5), RATE(2), ETA(4), FILES(1), WORKERS(0);

        /** The lower, the sooner the field is left out of a narrow line. */
        final int dropRank;

        Field(int dropRank) {
            this.dropRank = dropRank;
        }
    }

    private ProgressLine() {
    }

    /**
     * The line for {@code figures} at {@code bytesPerSecond} (NaN or negative while unknown),
     * at most {@code columns} characters long; no line breaks, no escape sequences.
     */
    static String render(Figures figures, double bytesPerSecond, int columns) {
        long total = Math.max(0, figures.bytesTotal());
        // A chunk copied again counts twice in the counters: the line shows no more than the total.
        long done = Math.min(Math.max(0, figures.bytesDone()), total);
        String[] texts = new String[Field.values().length];
        texts[Field.BYTES.ordinal()] = pad(size(done), SIZE_WIDTH) + " / " + size(total);
        texts[Field.PERCENT.ordinal()] = pad(percent(figures) + "%", PERCENT_WIDTH);
        texts[Field.RATE.ordinal()] = pad(rate(bytesPerSecond), RATE_WIDTH);
        texts[Field.ETA.ordinal()] = "ETA " + eta(total - done, bytesPerSecond);
        texts[Field.FILES.ordinal()] = "files " + figures.filesDone() + "/" + figures.filesTotal();
        texts[Field.WORKERS.ordinal()] = "workers " + figures.workersAlive();

        List<Field> shown = new ArrayList<>(List.of(Field.values()));
        String line = join(shown, texts);
        while (line.length() > columns && shown.size() > 1) {
            shown.remove(shown.stream().min((a, b) -> Integer.compare(a.dropRank, b.dropRank)).orElseThrow());
            line = join(shown, texts);
        }
        if (line.length() > columns) {
            // Fewer columns than the percent needs: its padding goes first, then what does not fit.
            line = line.strip();
            line = line.substring(0, Math.min(line.length(), Math.max(0, columns)));
        }
        return line;
    }

    /**
     * {@code 1023 B}, {@code 1.0 KiB}, {@code 15.2 GiB}, {@code 152 GiB}: one decimal below 100
     * of a unit, none from 100 on, and the next unit from what would round to 1000 on, so a size
     * never takes more than {@value #SIZE_WIDTH} characters.
     */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 999.5 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String digits = value < 99.95 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.0f", value);
        return digits + " " + UNITS[unit];
    }

    /**
     * Whole percent done, rounded down, so 100 means done and never more: of the bytes, or of the
     * files when there are no bytes to copy (empty files), or 100 when there is nothing at all.
     */
    static int percent(Figures figures) {
        if (figures.bytesTotal() > 0) {
            return percent(figures.bytesDone(), figures.bytesTotal());
        }
        if (figures.filesTotal() > 0) {
            return percent(figures.filesDone(), figures.filesTotal());
        }
        return 100;
    }

    private static int percent(long done, long total) {
        if (done >= total) {
            return 100;
        }
        // In double, as done * 100 overflows a long past 92 PB; 99 at most until really done.
        return (int) Math.min(99, Math.max(0, Math.floor(done * 100.0 / total)));
    }

    private static String rate(double bytesPerSecond) {
        if (!known(bytesPerSecond)) {
            return "-- B/s";
        }
        return size((long) Math.min(bytesPerSecond, Long.MAX_VALUE)) + "/s";
    }

    /**
     * {@code m:ss} under an hour, {@code h:mm:ss} from there, {@value #UNKNOWN_ETA} without a
     * throughput, and {@code 0:00} when nothing is left.
     */
    static String eta(long remainingBytes, double bytesPerSecond) {
        if (remainingBytes <= 0) {
            return "0:00";
        }
        if (!known(bytesPerSecond) || bytesPerSecond == 0) {
            return UNKNOWN_ETA;
        }
        double seconds = Math.ceil(remainingBytes / bytesPerSecond);
        if (seconds > LONGEST_ETA_SECONDS) {
            return ">100h";
        }
        long whole = (long) seconds;
        long hours = whole / 3600;
        long minutes = whole / 60 % 60;
        long secs = whole % 60;
        return hours > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, secs)
                : String.format(Locale.ROOT, "%d:%02d", minutes, secs);
    }

    private static boolean known(double bytesPerSecond) {
        return !Double.isNaN(bytesPerSecond) && bytesPerSecond >= 0;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }

    private static String join(List<Field> fields, String[] texts) {
        StringBuilder line = new StringBuilder();
        for (Field field : fields) {
            if (line.length() > 0) {
                line.append(SEPARATOR);
            }
            line.append(texts[field.ordinal()]);
        }
        return line.toString();
    }
}
