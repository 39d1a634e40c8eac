package mcp.nativebridge;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names as Linux holds them, any bytes but NUL, carried in Java strings without loss and
 * whatever the locale.
 *
 * <p>Bytes that are valid UTF-8 become the characters they encode; every other byte {@code b}
 * becomes the lone surrogate {@code U+DC00 + b} (the "surrogateescape" of Python), which no valid
 * UTF-8 decodes to. {@link #encode} reverses it exactly, so {@code encode(decode(bytes))} is
 * {@code bytes} for every byte string. Every native call that takes a path encodes it here; the
 * JVM's own file-name encoding ({@code sun.jnu.encoding}, which follows {@code LANG}) is never used.
 */
public final class FileNames {
    private static final char ESCAPE_BASE = 0xDC00;

    private FileNames() {
    }

    /** The name of the bytes {@code name}. */
    public static String decode(byte[] name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(name);
        CharBuffer out = CharBuffer.allocate(name.length);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                break;
            }
            // Malformed: escape the offending bytes one by one and go on after them.
            for (int i = 0; i < result.length(); i++) {
                out.put((char) (ESCAPE_BASE + (in.get() & 0xFF)));
            }
        }
        return out.flip().toString();
    }

    /** The bytes of {@code name}, as {@link #decode} would have read them. */
    public static byte[] encode(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length() + 8);
        int runStart = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isEscape(name, i)) {
                appendUtf8(bytes, name, runStart, i);
                bytes.write(c - ESCAPE_BASE);
                runStart = i + 1;
            }
        }
        appendUtf8(bytes, name, runStart, name.length());
        return bytes.toByteArray();
    }

    /** {@link #encode} followed by a NUL, as C wants a path. */
    public static byte[] encodeForC(String name) {
        byte[] bytes = encode(name);
        if (indexOfNul(bytes) >= 0) {
            throw new IllegalArgumentException("a file name cannot hold a NUL byte");
        }
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    /** True if the character at {@code i} stands for a byte that was not valid UTF-8. */
    static boolean isEscape(String name, int i) {
        char c = name.charAt(i);
        if (c < ESCAPE_BASE + 0x80 || c > ESCAPE_BASE + 0xFF) {
            return false;
        }
        // A low surrogate preceded by a high one is half of a real character, not an escape.
        return i == 0 || !Character.isHighSurrogate(name.charAt(i - 1));
    }

    private static void appendUtf8(ByteArrayOutputStream bytes, String name, int from, int to) {
        if (from < to) {
            try {
                ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(name, from, to));
                bytes.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
            } catch (CharacterCodingException e) {
                // A lone surrogate that is not one of ours (a Java string made elsewhere): no file has that name.
                throw new IllegalArgumentException("not a file name: it holds a lone surrogate", e);
            }
        }
    }

    private static int indexOfNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
