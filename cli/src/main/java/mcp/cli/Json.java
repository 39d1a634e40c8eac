package mcp.cli;

/**
 * JSON string literals, for the one object {@code --json} prints: mcp writes JSON and never reads
 * it, and a string literal is all it needs that a number or a constant name is not.
 */
final class Json {
    private Json() {
    }

    /**
     * {@code text} as a JSON string literal, or {@code null}. A file name's bytes that are not
     * UTF-8 are held as lone surrogates ({@code FileNames}); they are written as {@code \\uDCxx}
     * escapes, which a reader can map back to the bytes.
     */
    static String string(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                case '\n':
                    json.append("\\n");
                    break;
                case '\r':
                    json.append("\\r");
                    break;
                case '\t':
                    json.append("\\t");
                    break;
                default:
                    if (c < 0x20 || Character.isSurrogate(c) || c == 0x7f) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        return json.append('"').toString();
    }
}
