package mcp.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM, in a terminal or not, by {@link ProgressMeterTest}: copies {@code SOURCE} to
 * {@code TARGET} in chunks of {@code CHUNK} bytes with a {@code PAUSE} ms pause after each,
 * showing a progress line every {@code REFRESH} ms when {@link ProgressMeter#wanted} says so, as
 * mcp is to. On standard error, each on a line of its own: whether it is a terminal, a message
 * when half is copied (printed while the line is shown), and the bytes copied at the end.
 */
public final class ProgressProbe {
    private ProgressProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        long total = Files.size(source);
        ChunkedCopy copy = new ChunkedCopy(source, Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
        PrintWriter err = new PrintWriter(System.err, true);
        boolean wanted = ProgressMeter.wanted(false, false);
        err.println("progress line: " + wanted);
        Thread copier = new Thread(copy, "copier");
        try (ProgressMeter meter = wanted
                ? ProgressMeter.start(() -> new ProgressLine.Figures(copy.bytesDone(), total, copy.filesDone(), 1, 1), err,
                        ProgressMeter.columns(System.getenv()), Long.parseLong(args[4]))
                : null) {
            copier.start();
            while (copy.bytesDone() < total / 2) {
                Thread.sleep(1);
            }
            String half = "half copied";
            if (meter != null) {
                meter.println(half);
            } else {
                err.println(half);
            }
            copier.join();
        }
        err.println("copied " + copy.bytesDone() + " bytes");
    }
}
