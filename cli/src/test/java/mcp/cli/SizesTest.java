package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
    @ParameterizedTest
    @CsvSource({"4096, 4096", "4K, 4096", "4k, 4096", "64KiB, 65536", "1M, 1048576", "1MB, 1048576", "2G, 2147483648", "8g, 8589934592"})
    void parsesBytesAndBinarySuffixes(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "K", "1T", "x1", "1.5M", "-1", "99999999999G"})
    void rejectsWhatIsNotASize(String text) {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    }
}
