package mcp.nativebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /** Bytes of a name, in hex, and the string it must decode to. */
    static Stream<Arguments> names() {
        return Stream.of(
                arguments("", ""),
                arguments("61 62 63", "abc"),
                arguments("0a", "\n"),
                arguments("61 0a 62 09 63 0d", "a\nb\tc\r"),
                arguments("1b 5b 33 31 6d", "\033[31m"),
                // Bytes that can never appear in UTF-8, and a lone continuation byte.
                arguments("ff", "\uDCFF"),
                arguments("fe", "\uDCFE"),
                arguments("80", "\uDC80"),
                arguments("61 ff 62", "a\uDCFFb"),
                // A sequence cut short, at the end and before an ASCII byte that must survive as itself.
                arguments("e6 97", "\uDCE6\uDC97"),
                arguments("e6 97 41", "\uDCE6\uDC97A"),
                arguments("f0 9f 98", "\uDCF0\uDC9F\uDC98"),
                arguments("f0 9f 41", "\uDCF0\uDC9FA"),
                arguments("c3", "\uDCC3"),
                // Overlong forms of '/' and NUL: decoding them as characters would smuggle in a '/'.
                arguments("c0 af", "\uDCC0\uDCAF"),
                arguments("e0 80 af", "\uDCE0\uDC80\uDCAF"),
                arguments("c0 80", "\uDCC0\uDC80"),
                // Encoded surrogates (CESU-8): ED B2 80 would be U+DC80, the very escape of byte 0x80.
                arguments("ed a0 80", "\uDCED\uDCA0\uDC80"),
                arguments("ed b2 80", "\uDCED\uDCB2\uDC80"),
                arguments("ed a0 bd ed b8 80", "\uDCED\uDCA0\uDCBD\uDCED\uDCB8\uDC80"),
                // Beyond U+10FFFF, and the old 5-byte form.
                arguments("f4 90 80 80", "\uDCF4\uDC90\uDC80\uDC80"),
                arguments("f8 88 80 80 80", "\uDCF8\uDC88\uDC80\uDC80\uDC80"),
                // Valid multi-byte UTF-8.
                arguments("63 61 66 c3 a9", "café"),
                arguments("e6 97 a5 e6 9c ac", "日本"),
                arguments("f0 9f 98 80", "\uD83D\uDE00"),
                arguments("ef bf bd", "\uFFFD"),
                arguments("ef bf bf", "\uFFFF"),
                arguments("f4 8f bf bf", "\uDBFF\uDFFF"),
                // U+10080 and U+100FF: low surrogates inside DC80..DCFF that are halves of characters, not escapes.
                arguments("f0 90 82 80", "\uD800\uDC80"),
                arguments("f0 90 83 bf", "\uD800\uDCFF"),
                arguments("f0 90 82 80 80", "\uD800\uDC80\uDC80"),
                arguments("ff f0 90 82 80 ff", "\uDCFF\uD800\uDC80\uDCFF"),
                arguments("ed a0 80 f0 90 82 80", "\uDCED\uDCA0\uDC80\uD800\uDC80"));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("names")
    void decodesToTheExpectedString(String hex, String name) {
        assertEquals(codeUnits(name), codeUnits(FileNames.decode(HEX.parseHex(hex))));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("names")
    void encodesBackToTheSameBytes(String hex, String name) {
        assertEquals(hex, HEX.formatHex(FileNames.encode(name)));
        assertEquals(hex, HEX.formatHex(FileNames.encode(FileNames.decode(HEX.parseHex(hex)))));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("names")
    void encodesForCWithATerminatingNul(String hex, String name) {
        byte[] bytes = HEX.parseHex(hex);
        byte[] terminated = FileNames.encodeForC(name);
        assertEquals(bytes.length + 1, terminated.length);
        assertEquals(0, terminated[bytes.length]);
        assertEquals(hex, HEX.formatHex(terminated, 0, bytes.length));
    }

    /**
     * Random byte strings, most of them invalid UTF-8, some made of valid pieces so that escapes
     * land right after and right before real characters, supplementary ones included.
     */
    @Test
    void randomByteStringsRoundTrip() {
        Random random = new Random(20240229);
        byte[][] pieces = {
            {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE6, (byte) 0x97, (byte) 0xA5},
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {(byte) 0xF0, (byte) 0x90, (byte) 0x82, (byte) 0x80},
            {(byte) 0xF0, (byte) 0x90, (byte) 0x83, (byte) 0xBF}, {(byte) 0xED, (byte) 0xB2, (byte) 0x80}};
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(48)];
            int length = 0;
            while (length < bytes.length) {
                if (random.nextInt(4) == 0) {
                    byte[] piece = pieces[random.nextInt(pieces.length)];
                    int take = Math.min(piece.length, bytes.length - length);
                    System.arraycopy(piece, 0, bytes, length, take);
                    length += take;
                } else {
                    bytes[length++] = (byte) random.nextInt(256);
                }
            }
            String name = FileNames.decode(bytes);
            String hex = HEX.formatHex(bytes);
            assertEquals(hex, HEX.formatHex(FileNames.encode(name)), "round " + round);
            assertEquals(codeUnits(name), codeUnits(FileNames.decode(FileNames.encode(name))), "round " + round + ": " + hex);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\0", "a\0b", "\0\uDCFF", "日本\0"})
    void encodeForCRejectsNul(String name) {
        assertThrows(IllegalArgumentException.class, () -> FileNames.encodeForC(name));
    }

    /** Lone surrogates that no decoded name holds: a high one, or a low one outside DC80..DCFF. */
    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "a\uD83Db", "\uDC7F", "\uDD00", "\uDE00x"})
    void encodeRejectsSurrogatesThatAreNotEscapes(String name) {
        assertThrows(IllegalArgumentException.class, () -> FileNames.encode(name));
    }

    @Test
    void everySingleByteRoundTrips() {
        for (int b = 1; b < 256; b++) {
            byte[] bytes = {(byte) b};
            assertArrayEquals(bytes, FileNames.encode(FileNames.decode(bytes)), "byte " + b);
            assertEquals(1, FileNames.decode(bytes).length(), "byte " + b);
        }
    }

    /** The string's UTF-16 code units in hex: lone surrogates print as themselves, not as '?'. */
    private static String codeUnits(String s) {
        StringBuilder units = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            units.append(i == 0 ? "" : " ").append(HEX.toHexDigits(s.charAt(i)));
        }
        return units.toString();
    }
}
