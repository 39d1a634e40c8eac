package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mcp.copy.CoordinatorLimits;
import mcp.copy.Stats;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --stats}: a real mcp process reports every phase with a time, phases that add up to no
 * more than the total, what it copied and how, and a row per worker when workers ran; the table
 * goes to stderr and the JSON to stdout, each leaving the other stream as a copy without
 * {@code --stats} leaves it. No test here judges a time: only that it is there and adds up.
 */
class StatsTest {
    /** Every phase the report names, in order: the process's start-up, then {@link Stats.Phase}'s. */
    private static final List<String> PHASES = Stream.concat(Stream.of("startup"),
            Stream.of(Stats.Phase.values()).map(phase -> phase.name().toLowerCase(Locale.ROOT))).toList();
    /** Each printed time is rounded: to 0.05 ms in the table, 0.0005 ms in the JSON. */
    private static final double TEXT_ROUNDING_MS = 0.05;
    private static final double JSON_ROUNDING_MS = 0.0005;
    private static final Pattern TEXT_ROW = Pattern.compile("^  ([a-z]+) +([0-9]+\\.[0-9])(?: .*)?$");
    private static final Pattern JSON_NUMBER = Pattern.compile("\"([a-z_]+)\":([0-9]+(?:\\.[0-9]+)?)");

    @TempDir
    Path dir;

    private Processes.Result mcp(String... args) throws Exception {
        return Processes.run(Processes.javaCommand(Main.class.getName(), args), dir, 180);
    }

    private Path source(long size) throws IOException {
        return TestFiles.random(dir.resolve("src"), size, size);
    }

    /** A source with more data than the coordinator copies by itself: with -n 2, two workers copy it. */
    private Path sourceForWorkers() throws IOException {
        return source(CoordinatorLimits.inProcessMaxBytes() + TestFiles.PAGE);
    }

    /** Runs mcp from {@code src} to {@code dst}, which must come out a copy of {@code source}. */
    private Processes.Result copy(Path source, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("src", "dst"));
        Processes.Result result = mcp(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.toString());
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("dst")));
        return result;
    }

    @Test
    void withoutStatsACopySaysNothing() throws Exception {
        Processes.Result result = copy(source(1024));
        assertEquals("", result.out());
        assertEquals("", result.err());
    }

    @Test
    void aSmallCopyTabulatesEveryPhaseOnStderrAndLeavesStdoutEmpty() throws Exception {
        Processes.Result result = copy(source(1024), "--stats");
        assertEquals("", result.out(), "the table is on stderr");
        String[] lines = result.err().split("\n");
        assertTrue(lines[0].matches("mcp: stats: result copied, mode in-process, method [a-z_]+, workers 0, replacements 0,"
                + " chunks 1, bytes 1024, size 1024"), result.err());
        assertPhasesAddUp(textRows(result.err()), TEXT_ROUNDING_MS, result.err());
        assertTrue(result.err().contains("in chunks, summed over the coordinator: copying "), result.err());
        assertFalse(result.err().contains("startup ms"), "no worker rows without workers: " + result.err());
    }

    @Test
    void aCopyByWorkersTabulatesEachWorker() throws Exception {
        Path source = sourceForWorkers();
        Processes.Result result = copy(source, "--stats", "-n", "2", "--method=pwrite");
        assertEquals("", result.out());
        assertTrue(result.err().contains("mcp: stats: result copied, mode workers, method pwrite, workers 2, replacements 0,"),
                result.err());
        assertPhasesAddUp(textRows(result.err()), TEXT_ROUNDING_MS, result.err());
        List<String> lines = List.of(result.err().split("\n"));
        int header = lines.indexOf("  slot      pid  startup ms        bytes  copying ms  msync ms");
        assertTrue(header > 0, result.err());
        long bytes = 0;
        for (int slot = 0; slot < 2; slot++) {
            String[] row = lines.get(header + 1 + slot).trim().split(" +");
            assertEquals(Integer.toString(slot), row[0], result.err());
            long pid = Long.parseLong(row[1]);
            if (slot == 0) {
                assertTrue(pid > 0, "slot 0 is the coordinator's own copy: " + result.err());
                assertEquals("-", row[2], "the coordinator has no start-up of its own to report: " + result.err());
            } else if (pid > 0) {
                // The worker JVM may start after the coordinator has copied everything, and be stopped unseen.
                assertTrue(Double.parseDouble(row[2]) > 0, "a worker's start-up: " + result.err());
            }
            bytes += Long.parseLong(row[3]);
            Double.parseDouble(row[4]);
            Double.parseDouble(row[5]);
        }
        assertEquals(Files.size(source), bytes, "the workers' bytes add up to the copy's: " + result.err());
    }

    @Test
    void jsonGoesToStdoutAsOneObjectWithEachWorker() throws Exception {
        Path source = sourceForWorkers();
        Processes.Result result = copy(source, "-n", "2", "--stats=json", "--method=mmap");
        assertFalse(result.err().contains("{"), "the JSON is on stdout only: " + result.err());
        String json = result.out();
        assertTrue(json.startsWith("{\"result\":\"copied\",\"mode\":\"workers\",\"method\":\"mmap\",\"workers\":2,"
                + "\"replacements\":0,"), json);
        assertTrue(json.endsWith("}\n") && json.indexOf('\n') == json.length() - 1, "one line: " + json);
        Map<String, Double> numbers = jsonNumbers(json.substring(0, json.indexOf("\"phases_ms\"")));
        assertEquals((double) Files.size(source), numbers.get("bytes"), json);
        assertEquals((double) Files.size(source), numbers.get("size"), json);
        String phases = between(json, "\"phases_ms\":{", "}");
        Map<String, Double> rows = jsonNumbers(phases);
        rows.put("total", jsonNumbers(json.substring(json.indexOf("\"total_ms\""))).get("total_ms"));
        assertPhasesAddUp(rows, JSON_ROUNDING_MS, json);
        String[] slots = between(json, "\"worker_slots\":[{", "}]").split("\\},\\{");
        assertEquals(2, slots.length, json);
        double bytes = 0;
        for (int slot = 0; slot < slots.length; slot++) {
            Map<String, Double> fields = jsonNumbers(slots[slot]);
            assertEquals(slot, fields.get("slot"));
            if (slot == 0) {
                assertTrue(slots[0].contains("\"startup_ms\":null"), "slot 0 is the coordinator's own copy: " + json);
                assertEquals(List.of("slot", "pid", "bytes", "copy_ms", "msync_ms"), List.copyOf(fields.keySet()), json);
                assertTrue(fields.get("pid") > 0, json);
            } else if (fields.get("pid") > 0) {
                assertEquals(List.of("slot", "pid", "startup_ms", "bytes", "copy_ms", "msync_ms"), List.copyOf(fields.keySet()),
                        json);
                assertTrue(fields.get("startup_ms") > 0, json);
            }
            bytes += fields.get("bytes");
        }
        assertEquals((double) Files.size(source), bytes, "the workers' bytes add up to the copy's: " + json);
    }

    @Test
    void aFailedCopyIsReportedTooAfterItsError() throws Exception {
        // Errors are said as they happen (a tree goes on after one), the report comes at the end.
        Processes.Result result = mcp("--stats", "nope", "dst");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("", result.out());
        String[] lines = result.err().split("\n");
        assertEquals("mcp: cannot stat 'nope': No such file or directory", lines[0]);
        assertTrue(lines[1].startsWith("mcp: stats: result failed, mode -, method -,"), result.err());
        assertPhasesAddUp(textRows(result.err()), TEXT_ROUNDING_MS, result.err());
    }

    /** Every phase is there with a time, and together they take no more than the total. */
    private static void assertPhasesAddUp(Map<String, Double> rows, double roundingMs, String report) {
        double sum = 0;
        for (String phase : PHASES) {
            Double ms = rows.get(phase);
            assertNotNull(ms, phase + " has a time: " + report);
            sum += ms;
        }
        Double total = rows.get("total");
        assertNotNull(total, "a total: " + report);
        assertTrue(rows.get("startup") > 0, "a process takes time to reach main: " + report);
        assertTrue(sum <= total + PHASES.size() * roundingMs, "phases " + sum + " ms, total " + total + " ms: " + report);
    }

    /** The table's rows, phase name to milliseconds, in order. */
    private static Map<String, Double> textRows(String report) {
        Map<String, Double> rows = new LinkedHashMap<>();
        for (String line : report.split("\n")) {
            Matcher row = TEXT_ROW.matcher(line);
            if (row.matches()) {
                rows.put(row.group(1), Double.parseDouble(row.group(2)));
            }
        }
        assertEquals(Stream.concat(PHASES.stream(), Stream.of("total")).toList(), List.copyOf(rows.keySet()),
                "the rows in order: " + report);
        return rows;
    }

    /** The JSON's numeric fields in {@code json}, in order. */
    private static Map<String, Double> jsonNumbers(String json) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        Matcher number = JSON_NUMBER.matcher(json);
        while (number.find()) {
            numbers.put(number.group(1), Double.parseDouble(number.group(2)));
        }
        return numbers;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, start + " in " + text);
        from += start.length();
        return text.substring(from, text.indexOf(end, from));
    }
}
