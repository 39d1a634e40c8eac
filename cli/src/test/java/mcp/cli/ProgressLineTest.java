package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import mcp.cli.ProgressLine.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressLineTest {
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /** 1.5 GiB of 4 GiB done at 512 MiB/s: 2.5 GiB left, 5 seconds. */
    private static final Figures HALFWAY = new Figures(3 * GIB / 2, 4 * GIB, 3, 10, 2);
    private static final double HALF_GIB_PER_SECOND = 512.0 * MIB;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0                   | 0 B",
        "1023                | 1023 B",
        "1024                | 1.0 KiB",
        "1536                | 1.5 KiB",
        // 99.95 KiB rounds to 100 and loses its decimal.
        "102348              | 99.9 KiB",
        "102400              | 100 KiB",
        "1022976             | 999 KiB",
        // 999.5 KiB would round to 1000 KiB: the next unit says it in fewer characters.
        "1023488             | 1.0 MiB",
        "1048576             | 1.0 MiB",
        "4294967296          | 4.0 GiB",
        "5000000000          | 4.7 GiB",
        "109951162777600     | 100 TiB",
        "9223372036854775807 | 8.0 EiB",
    })
    void writesSizesInBinaryUnitsWithThreeFiguresAtMost(long bytes, String expected) {
        assertEquals(expected, ProgressLine.size(bytes));
        assertTrue(expected.length() <= 8, expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0       | 100  | 0:00",
        "-5      | 100  | 0:00",
        "100     | NaN  | --:--",
        "100     | -1   | --:--",
        "100     | 0    | --:--",
        "100     | 100  | 0:01",
        // A second begun is a second left.
        "101     | 100  | 0:02",
        "5900    | 100  | 0:59",
        "6000    | 100  | 1:00",
        "359900  | 100  | 59:59",
        "360000  | 100  | 1:00:00",
        "3723000 | 1000 | 1:02:03",
        "359999  | 1    | 99:59:59",
        "360000  | 1    | >100h",
    })
    void saysTheTimeLeftOnceTheThroughputIsKnown(long remainingBytes, double bytesPerSecond, String expected) {
        assertEquals(expected, ProgressLine.eta(remainingBytes, bytesPerSecond));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0    | 1000 | 0 | 1 | 0",
        "375  | 1000 | 0 | 1 | 37",
        "999  | 1000 | 0 | 1 | 99",
        // Rounded down: 100% is only ever done.
        "9999 | 10000| 0 | 1 | 99",
        "1000 | 1000 | 1 | 1 | 100",
        // A chunk copied again counts twice: never above 100.
        "1500 | 1000 | 1 | 1 | 100",
        // Only empty files: their count says how far the copy is.
        "0    | 0    | 1 | 4 | 25",
        "0    | 0    | 4 | 4 | 100",
        // Nothing at all to copy is done at once.
        "0    | 0    | 0 | 0 | 100",
        // Past 92 PB, done * 100 would overflow a long.
        "4611686018427387904 | 9223372036854775807 | 0 | 1 | 50",
    })
    void givesWholePercentsDoneNeverAboveAHundred(long bytesDone, long bytesTotal, long filesDone, long filesTotal, int expected) {
        assertEquals(expected, ProgressLine.percent(new Figures(bytesDone, bytesTotal, filesDone, filesTotal, 1)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "200 | ' 1.5 GiB / 4.0 GiB   37%   512 MiB/s  ETA 0:05  files 3/10  workers 2'",
        "69  | ' 1.5 GiB / 4.0 GiB   37%   512 MiB/s  ETA 0:05  files 3/10  workers 2'",
        "68  | ' 1.5 GiB / 4.0 GiB   37%   512 MiB/s  ETA 0:05  files 3/10'",
        "57  | ' 1.5 GiB / 4.0 GiB   37%   512 MiB/s  ETA 0:05'",
        "45  | ' 1.5 GiB / 4.0 GiB   37%  ETA 0:05'",
        "33  | ' 37%  ETA 0:05'",
        "13  | ' 37%'",
        "4   | ' 37%'",
        "3   | '37%'",
        "2   | '37'",
        "0   | ''",
    })
    void leavesOutTheLeastImportantFieldsWhenNarrow(int columns, String expected) {
        assertEquals(expected, ProgressLine.render(HALFWAY, HALF_GIB_PER_SECOND, columns));
    }

    @Test
    void showsNoThroughputAndNoEtaUntilTheThroughputIsKnown() {
        assertEquals("     0 B / 4.0 GiB    0%      -- B/s  ETA --:--  files 0/10  workers 5",
                ProgressLine.render(new Figures(0, 4 * GIB, 0, 10, 5), Double.NaN, 80));
    }

    @Test
    void showsTheTotalAtMostWhenAChunkWasCopiedTwice() {
        assertEquals(" 4.0 GiB / 4.0 GiB  100%   1.0 GiB/s  ETA 0:00  files 1/1  workers 0",
                ProgressLine.render(new Figures(4 * GIB + 64 * MIB, 4 * GIB, 1, 1, 0), 1.0 * GIB, 80));
    }

    @Test
    void handlesNothingToCopy() {
        assertEquals("     0 B / 0 B  100%       0 B/s  ETA 0:00  files 0/0  workers 0",
                ProgressLine.render(new Figures(0, 0, 0, 0, 0), 0, 80));
        assertEquals("     0 B / 0 B   33%      -- B/s  ETA 0:00  files 1/3  workers 1",
                ProgressLine.render(new Figures(0, 0, 1, 3, 1), Double.NaN, 80));
    }

    /** The fields that change while copying keep their width, so the line does not jitter. */
    @Test
    void keepsItsWidthAsTheFiguresGrow() {
        int width = -1;
        for (long done = 0; done <= 4 * GIB; done += 7 * MIB + 3 * KIB) {
            String line = ProgressLine.render(new Figures(done, 4 * GIB, 3, 10, 2), 9.9 * MIB + done % MIB, 200);
            if (width == -1) {
                width = line.length();
            }
            assertEquals(width, line.length(), line);
        }
    }

    @Test
    void isNeverWiderThanItsColumns() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long total = random.nextBoolean() ? random.nextLong() >>> (1 + random.nextInt(63)) : random.nextInt(3);
            long done = random.nextInt(10) == 0 ? total + random.nextInt(1000) : (long) (random.nextDouble() * total);
            long files = random.nextLong() >>> (1 + random.nextInt(63));
            Figures figures = new Figures(done, total, (long) (random.nextDouble() * files), files, random.nextInt(1025));
            double rate = random.nextInt(5) == 0 ? Double.NaN : random.nextDouble() * (1L << random.nextInt(60));
            int columns = random.nextInt(130);
            String line = ProgressLine.render(figures, rate, columns);
            String context = "seed " + seed + ": " + figures + " at " + rate + " B/s in " + columns + " columns: '" + line + "'";
            assertTrue(line.length() <= columns, context);
            assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\033"), context);
            if (columns >= 4) {
                assertTrue(line.contains(ProgressLine.percent(figures) + "%"), context);
            }
        }
    }
}
