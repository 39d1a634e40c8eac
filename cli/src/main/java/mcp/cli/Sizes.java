package mcp.cli;

import java.util.Locale;
/** Sizes as users write them: {@code 4096}, {@code 64K}, {@code 1M}, {@code 2G} (powers of 1024). */
final class Sizes {
    private Sizes() {
    }

    /** @throws IllegalArgumentException (a {@link NumberFormatException} too) if it is not a size */
    static long parse(String text) {
        String value = text.trim().toUpperCase(Locale.ROOT);
        int shift = 0;
        if (value.endsWith("IB")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("B") && value.length() > 1 && Character.isLetter(value.charAt(value.length() - 2))) {
            value = value.substring(0, value.length() - 1);
        }
        if (!value.isEmpty()) {
            switch (value.charAt(value.length() - 1)) {
                case 'K': shift = 10; break;
                case 'M': shift = 20; break;
                case 'G': shift = 30; break;
                default: break;
            }
        }
        if (shift > 0) {
            value = value.substring(0, value.length() - 1);
        }
        long number = Long.parseLong(value);
        if (number < 0 || number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is out of range");
        }
        return number << shift;
    }
}
