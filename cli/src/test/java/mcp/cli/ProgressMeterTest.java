package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mcp.cli.ProgressLine.Figures;
import mcp.fixtures.Poll;
import mcp.fixtures.Processes;
import mcp.fixtures.Terminal;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressMeterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long SECOND = 1_000_000_000L;
    private static final long MB = 1_000_000;
    /** One frame: back to the row's start, the line, erase what a longer line left. */
    private static final Pattern FRAME = Pattern.compile("\r([^\r\n\033]+)\033\\[K");
    /** The bytes done in a line, e.g. {@code 1.5 MiB} of {@code  1.5 MiB / 4.0 MiB}. */
    private static final Pattern BYTES_DONE = Pattern.compile("^ *([0-9.]+) (B|KiB|MiB|GiB) / ");
    private static final List<String> UNITS = List.of("B", "KiB", "MiB", "GiB");

    @TempDir
    Path dir;

    @Test
    void throughputIsOfTheLastFewSecondsOnly() {
        ProgressMeter.Throughput throughput = new ProgressMeter.Throughput();
        long bytes = 0;
        long nanos = 0;
        // Ten seconds at 100 MB/s, then six at 10 MB/s, sampled four times a second.
        for (; nanos <= 10 * SECOND; nanos += SECOND / 4) {
            throughput.add(nanos, bytes);
            bytes += 25 * MB;
        }
        assertEquals(100 * MB, throughput.bytesPerSecond(), 1e-3);
        for (; nanos <= 16 * SECOND; nanos += SECOND / 4) {
            throughput.add(nanos, bytes);
            bytes += 25 * MB / 10;
        }
        // Over the whole run it would be 68.75 MB/s.
        assertEquals(10 * MB, throughput.bytesPerSecond(), 1e-3);
    }

    @Test
    void throughputIsUnknownForTheFirstSecondAndNeverNegative() {
        ProgressMeter.Throughput throughput = new ProgressMeter.Throughput();
        assertTrue(Double.isNaN(throughput.bytesPerSecond()));
        for (long nanos = 0; nanos < SECOND; nanos += SECOND / 4) {
            throughput.add(nanos, nanos);
            assertTrue(Double.isNaN(throughput.bytesPerSecond()), "at " + nanos + " ns");
        }
        throughput.add(SECOND, SECOND);
        assertEquals(1e9, throughput.bytesPerSecond(), 1e-3);
        // A worker's counter lost with the worker: fewer bytes done than a moment ago.
        throughput.add(2 * SECOND, 0);
        assertEquals(0, throughput.bytesPerSecond());
    }

    @ParameterizedTest
    @CsvSource(value = {"120, 120", "' 100 ', 100", "0, 80", "-5, 80", "wide, 80", "'', 80", "NULL, 80"}, nullValues = "NULL")
    void takesTheWidthFromColumnsElseEighty(String columns, int expected) {
        Map<String, String> environment = new HashMap<>();
        if (columns != null) {
            environment.put("COLUMNS", columns);
        }
        assertEquals(expected, ProgressMeter.columns(environment));
    }

    @Test
    void progressIsForcedOnEvenWhenQuietAndOffWhenQuiet() {
        assertTrue(ProgressMeter.wanted(true, true));
        assertTrue(ProgressMeter.wanted(true, false));
        assertFalse(ProgressMeter.wanted(false, true));
    }

    /**
     * A meter watching a real copy: every frame rewrites the one row, the bytes done never go
     * back, the last frame says the copy is complete, and close() leaves the row empty.
     */
    @Test
    void drawsFramesThatGrowToTheTotalAndErasesTheLastOnClose() throws Exception {
        long seed = System.nanoTime();
        long total = 5 * (1 << 20) + 123;
        Path source = TestFiles.random(dir.resolve("source"), total, seed);
        ChunkedCopy copy = new ChunkedCopy(source, dir.resolve("target"), 128 << 10, 5);
        StringWriter screen = new StringWriter();
        Thread copier = new Thread(copy, "copier");
        try (ProgressMeter meter = ProgressMeter.start(
                () -> new Figures(copy.bytesDone(), total, copy.filesDone(), 1, 1), new PrintWriter(screen), 80, 10)) {
            copier.start();
            copier.join();
            // The copier counts the file done just after its last bytes: wait for a frame that shows both.
            Poll.until("a frame shows the copy complete", TIMEOUT, () -> screen.toString().contains("files 1/1"));
        }
        assertEquals(-1, TestFiles.firstDifference(source, dir.resolve("target")), "seed " + seed);
        String output = screen.toString();
        String context = "seed " + seed + ", output:\n" + Terminal.visible(output);

        assertTrue(output.endsWith("\r\033[K"), context);
        assertFalse(output.contains("\n"), context);
        String framesOnly = output.substring(0, output.length() - "\r\033[K".length());
        List<String> lines = new ArrayList<>();
        Matcher frame = FRAME.matcher(framesOnly);
        int end = 0;
        while (frame.find()) {
            assertEquals(end, frame.start(), "nothing between frames; " + context);
            lines.add(frame.group(1));
            end = frame.end();
        }
        assertEquals(framesOnly.length(), end, context);
        // 41 chunks 5 ms apart, a frame every 10 ms: a dozen at least even on a busy machine.
        assertTrue(lines.size() >= 5, lines.size() + " frames; " + context);

        long previous = -1;
        for (String line : lines) {
            assertTrue(line.length() <= 79, line);
            long done = bytesDone(line);
            assertTrue(done >= previous, "bytes done went back from " + previous + " in '" + line + "'; " + context);
            previous = done;
        }
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith(" 5.0 MiB / 5.0 MiB  100%") && last.contains("ETA 0:00  files 1/1  workers 1"), context);
        assertEquals(List.of(""), Terminal.screen(output), context);
    }

    /** Messages from several threads while the line redraws as fast as it can: each stays whole. */
    @Test
    void printsMessagesAboveTheLineWithoutGarblingEither() throws Exception {
        StringWriter screen = new StringWriter();
        AtomicLong bytes = new AtomicLong();
        List<String> expected = new ArrayList<>();
        try (ProgressMeter meter = ProgressMeter.start(
                () -> new Figures(bytes.addAndGet(4096), Long.MAX_VALUE, 0, 1000, 4), new PrintWriter(screen), 80, 1)) {
            Poll.until("a first frame", TIMEOUT, () -> screen.toString().contains("%"));
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 200; i++) {
                        meter.println("mcp: message " + thread + "-" + i);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 200; i++) {
                expected.add("mcp: message " + t + "-" + i);
            }
        }
        List<String> rows = Terminal.screen(screen.toString());
        assertEquals("", rows.get(rows.size() - 1), "the row of the line is empty after close()");
        List<String> messages = rows.subList(0, rows.size() - 1);
        assertEquals(expected.size(), messages.size(), String.join("\n", messages));
        for (int t = 0; t < 3; t++) {
            String prefix = "mcp: message " + t + "-";
            List<String> ofThread = messages.stream().filter(row -> row.startsWith(prefix)).toList();
            assertEquals(expected.stream().filter(row -> row.startsWith(prefix)).toList(), ofThread);
        }
        assertTrue(screen.toString().contains("\033[K"));
    }

    @Test
    void aMessageAfterCloseIsAMessageOnly() {
        StringWriter screen = new StringWriter();
        ProgressMeter meter = ProgressMeter.start(() -> new Figures(0, 1, 0, 1, 1), new PrintWriter(screen), 80, 1);
        meter.close();
        screen.getBuffer().setLength(0);
        meter.println("mcp: done");
        meter.close();
        assertEquals("mcp: done\n", screen.toString());
    }

    /**
     * A copy done before the first refresh shows nothing, and close() does not wait for that
     * refresh, however far off.
     */
    @Test
    void aQuickCopyShowsNothingAndClosesAtOnce() {
        StringWriter screen = new StringWriter();
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();
        ProgressMeter meter = ProgressMeter.start(() -> {
            calls.incrementAndGet();
            return new Figures(0, 1, 0, 1, 1);
        }, new PrintWriter(screen), 80, Duration.ofHours(1).toMillis());
        meter.close();
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
        assertEquals("", screen.toString());
        assertEquals(0, calls.get());
    }

    /** What the source reads (the control file) may be unmapped once close() returns. */
    @Test
    void neverCallsTheSourceOnceClosed() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicBoolean calledAfterClose = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        ProgressMeter meter = ProgressMeter.start(() -> {
            if (closed.get()) {
                calledAfterClose.set(true);
            }
            calls.incrementAndGet();
            return new Figures(0, 1, 0, 1, 1);
        }, new PrintWriter(new StringWriter()), 80, 1);
        Poll.until("the source is called", TIMEOUT, () -> calls.get() > 10);
        meter.close();
        closed.set(true);
        int afterClose = calls.get();
        Thread.sleep(50);
        assertEquals(afterClose, calls.get());
        assertFalse(calledAfterClose.get());
    }

    @Test
    void aSourceThatFailsCostsThatRefreshOnly() throws Exception {
        StringWriter screen = new StringWriter();
        AtomicInteger calls = new AtomicInteger();
        try (ProgressMeter meter = ProgressMeter.start(() -> {
            if (calls.incrementAndGet() <= 3) {
                throw new IllegalStateException("not ready");
            }
            return new Figures(1, 2, 0, 1, 1);
        }, new PrintWriter(screen), 80, 1)) {
            Poll.until("a frame after the failures", TIMEOUT, () -> screen.toString().contains(" 50%"));
        }
    }

    /**
     * End to end in a real pseudo-terminal: a JVM whose standard error is a terminal shows the
     * line, keeps its message whole, and leaves the screen with its messages only; the same JVM
     * writing to a pipe writes the messages and not a byte more.
     */
    @Test
    void showsTheLineOnATerminalOnly() throws Exception {
        long seed = System.nanoTime();
        long total = 4 * (1 << 20);
        Path source = TestFiles.random(dir.resolve("source"), total, seed);
        List<String> command = Processes.javaCommand(ProgressProbe.class.getName(),
                source.toString(), dir.resolve("target").toString(), Integer.toString(64 << 10), "5", "20");

        Terminal.Result inTerminal = Terminal.run(TIMEOUT, dir, Map.of("COLUMNS", "60"), command);
        assertEquals(0, inTerminal.exitCode(), inTerminal.toString());
        assertEquals(List.of("progress line: true", "half copied", "copied " + total + " bytes", ""),
                Terminal.screen(inTerminal.text()), "seed " + seed + ": " + inTerminal);
        Matcher frame = FRAME.matcher(inTerminal.text());
        int frames = 0;
        while (frame.find()) {
            frames++;
            assertTrue(frame.group(1).length() <= 59, inTerminal.toString());
        }
        assertTrue(frames >= 2, inTerminal.toString());

        Processes.Result inPipe = Processes.run(command, dir, 60);
        assertEquals(0, inPipe.exitCode(), inPipe.toString());
        assertEquals("progress line: false\nhalf copied\ncopied " + total + " bytes\n", inPipe.err(), inPipe.toString());
    }

    /** The bytes done a line shows, back in bytes: as rounded as the line has them, in the same order. */
    private static long bytesDone(String line) {
        Matcher matcher = BYTES_DONE.matcher(line);
        assertTrue(matcher.find(), line);
        return Math.round(Double.parseDouble(matcher.group(1)) * (1L << (10 * UNITS.indexOf(matcher.group(2)))));
    }
}
