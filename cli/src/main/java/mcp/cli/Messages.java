package mcp.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Map;
import mcp.copy.Events;
import mcp.copy.Failure;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileNames;

/** Message pieces in the style of cp: quoted names and the system's words for an error. */
public final class Messages {
    /**
     * Whether the user's locale is UTF-8, i.e. whether cp would print printable non-ASCII
     * characters as they are. native.encoding (JDK 17+) is the locale's charset; sun.jnu.encoding
     * is the same thing on older JDKs.
     */
    private static final boolean UTF8_LOCALE = isUtf8(
            System.getProperty("native.encoding", System.getProperty("sun.jnu.encoding", "")));

    /** The control characters cp writes as C escapes; the others become octal. */
    private static final Map<Integer, String> C_ESCAPES = Map.of(
            0x07, "\\a", 0x08, "\\b", 0x09, "\\t", 0x0A, "\\n", 0x0B, "\\v", 0x0C, "\\f", 0x0D, "\\r");

    /** ASCII characters that stand as they are both in single and in double quotes, wherever they are. */
    private static final String PLAIN = "%+,-./0123456789:@ABCDEFGHIJKLMNOPQRSTUVWXYZ]_abcdefghijklmnopqrstuvwxyz ";

    private Messages() {
    }

    /**
     * A file name quoted as cp quotes it in messages (gnulib's {@code quoteaf}, the
     * "shell-escape-always" style): {@code 'name'}; {@code "it's"} when the name holds a single
     * quote and nothing the shell would treat specially inside double quotes; bytes that are not
     * printable characters as {@code $'\n'}, {@code $'\t'} or octal {@code $'\377'} segments, e.g.
     * {@code 'a'$'\n''b'}. The result can be pasted back into a shell and names the same bytes.
     *
     * <p>{@code name} is a {@link FileNames} string (or a Path of one); it is quoted byte by byte
     * from its {@link FileNames#encode encoding}. Printable non-ASCII characters are printed as
     * they are only when the locale is UTF-8, as cp does; in any other locale they are octal
     * escapes, which also keeps the message ASCII whatever the terminal can show.
     */
    public static String quote(Object name) {
        return quote(name, UTF8_LOCALE);
    }

    /** {@link #quote(Object)} as it reads in a UTF-8 locale ({@code utf8Locale}) or in the C locale. */
    static String quote(Object name, boolean utf8Locale) {
        String text = FileNames.decode(bytesOf(name));
        // Like quotearg, build the single-quoted form and learn on the way whether every
        // character may as well stand as it is in double quotes, which cp prefers for a name
        // with a single quote in it.
        StringBuilder quoted = new StringBuilder("'");
        StringBuilder plain = new StringBuilder();
        boolean inEscapes = false;
        boolean hasSingleQuote = false;
        boolean fitsDoubleQuotes = true;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            Piece piece = piece(c, i == 0, text.length() == 1, utf8Locale);
            if (c == '\'') {
                // '\'' closes the open quotes (plain or $'...'), adds a quote, opens plain ones again.
                quoted.append("'\\''");
                inEscapes = false;
                hasSingleQuote = true;
                plain.append(piece.literal());
            } else if (piece.literal() != null) {
                if (inEscapes) {
                    quoted.append("''");
                    inEscapes = false;
                }
                quoted.append(piece.literal());
                plain.append(piece.literal());
            } else {
                if (!inEscapes) {
                    quoted.append("'$'");
                    inEscapes = true;
                }
                quoted.append(piece.escapes());
            }
            fitsDoubleQuotes &= piece.fitsDoubleQuotes();
            i += Character.charCount(c);
        }
        if (hasSingleQuote && fitsDoubleQuotes) {
            return '"' + plain.toString() + '"';
        }
        return quoted.append('\'').toString();
    }

    /** How one character of a name is shown: as itself ({@code literal}) or as backslash escapes. */
    private record Piece(String literal, String escapes, boolean fitsDoubleQuotes) {
        static Piece literal(String text, boolean fitsDoubleQuotes) {
            return new Piece(text, null, fitsDoubleQuotes);
        }

        static Piece escaped(String escapes) {
            return new Piece(null, escapes, false);
        }
    }

    /**
     * The piece for code point {@code c} of a {@link FileNames} string, {@code first} if it starts
     * the name and {@code alone} if it is the whole name.
     */
    private static Piece piece(int c, boolean first, boolean alone, boolean utf8Locale) {
        if (c < 0x80) {
            String escape = C_ESCAPES.get(c);
            if (escape != null) {
                return Piece.escaped(escape);
            }
            if (c < 0x20 || c == 0x7F) {
                return Piece.escaped(octal(c));
            }
            return Piece.literal(String.valueOf((char) c), fitsDoubleQuotes((char) c, first, alone));
        }
        if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
            // A lone surrogate in a FileNames string stands for a byte that is not UTF-8.
            return Piece.escaped(octal(c - 0xDC00));
        }
        String character = new String(Character.toChars(c));
        if (utf8Locale && isPrintable(c)) {
            return Piece.literal(character, true);
        }
        // Not printable here (outside a UTF-8 locale nothing above 0x7F is): each byte its own octal escape.
        StringBuilder escapes = new StringBuilder();
        for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
            escapes.append(octal(b & 0xFF));
        }
        return Piece.escaped(escapes.toString());
    }

    /**
     * Whether printable ASCII {@code c} may stand unescaped inside double quotes, as quotearg
     * decides it: the single quote yes, '#' and '~' only as the first character, '{' and '}' only
     * as the whole name, the shell's special characters, {@code \} and {@code ?} never.
     */
    private static boolean fitsDoubleQuotes(char c, boolean first, boolean alone) {
        switch (c) {
            case '\'':
                return true;
            case '#':
            case '~':
                return first;
            case '{':
            case '}':
                return alone;
            default:
                return PLAIN.indexOf(c) >= 0;
        }
    }

    /**
     * Whether glibc counts {@code c} as printable in a UTF-8 locale: every assigned character
     * but the controls and the line and paragraph separators (its "print" class, spaces
     * included). Java's Unicode version may differ from glibc's by a few new characters.
     */
    private static boolean isPrintable(int c) {
        int type = Character.getType(c);
        return type != Character.UNASSIGNED && type != Character.CONTROL && type != Character.SURROGATE
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
    }

    private static String octal(int b) {
        return String.format("\\%03o", b);
    }

    private static byte[] bytesOf(Object name) {
        String text = String.valueOf(name);
        try {
            return FileNames.encode(text);
        } catch (IllegalArgumentException e) {
            // A string with a lone surrogate of some other origin: a message must not fail over it.
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static boolean isUtf8(String charsetName) {
        try {
            return Charset.forName(charsetName).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The reason of a failed file operation as {@code strerror} words it, e.g. "Permission denied". */
    public static String reason(Exception e) {
        if (e instanceof ErrnoException) {
            return ((ErrnoException) e).reason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (e instanceof NotLinkException) {
            return "Invalid argument";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason();
        }
        return describe(e);
    }

    /** A one-line description of any failure, for when no better message was made for it. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }

    /** The engine's failure in cp's words, without the {@code mcp: } prefix. */
    public static String failure(Failure f) {
        String source = quote(f.source());
        String target = quote(f.target());
        String reason = f.errno() != 0 ? f.reason() : f.detail();
        String what;
        switch (f.kind()) {
            case STAT:
                what = "cannot stat " + (f.source() != null ? source : target) + ": " + reason;
                break;
            case READ:
                what = "error reading " + source + ": " + reason;
                break;
            case OPEN_SOURCE:
                what = "cannot open " + source + " for reading: " + reason;
                break;
            case WRITE:
                what = "error writing " + target + ": " + reason;
                break;
            case CREATE:
                what = "cannot create regular file " + target + ": " + reason;
                break;
            case SOURCE_CHANGED:
                what = source + " changed while it was being copied";
                break;
            case VERIFY:
                what = f.detail() == null
                        ? "verification of " + target + " failed: it differs from what was read of " + source
                        : "verification of " + target + " failed: " + verifyDetail(f.detail(), source);
                break;
            case CHUNK_SIZE:
                what = "cannot copy " + source + ": " + f.detail() + "; choose a larger --chunk-size";
                break;
            case WORKERS_LOST:
            case COPY:
                what = "error copying " + source + " to " + target + ": " + (f.detail() != null ? f.detail() : reason);
                break;
            case DIRECTORY_NOT_WRITABLE:
                what = "cannot replace " + target + ": its directory " + quote(f.detail()) + " is not writable "
                        + "(mcp replaces a file by renaming a verified copy over it, and never writes into it in place)";
                break;
            case KEEP_OWNER:
                what = "cannot replace " + target + ": cannot keep its owner and group (" + reason + ")";
                break;
            case KEEP_XATTR:
                what = "cannot replace " + target + ": cannot keep its extended attribute " + quote(f.detail()) + " ("
                        + f.reason() + ")";
                break;
            case REPLACE:
                what = "cannot replace " + target + ": " + reason;
                break;
            case SCRATCH_REPLACED:
                what = "the temporary copy of " + target + " was replaced by another process";
                break;
            case TARGET_REPLACED:
                what = target + " was replaced by another process while mcp renamed the verified copy over it";
                break;
            case MAKE_DIRECTORY:
                what = "cannot create directory " + target + ": " + reason;
                break;
            case MAKE_LINK:
                what = "cannot create " + (f.detail() != null ? f.detail() + " " : "") + target + ": " + f.reason();
                break;
            case PRESERVE:
                what = "failed to preserve " + f.detail() + " for " + target + ": " + f.reason();
                break;
            case READ_DIRECTORY:
                what = "cannot access " + source + ": " + reason;
                break;
            case REPLACED_IN_SOURCE:
                what = source + " was replaced while mcp was copying it";
                break;
            case OVERWRITE_DIRECTORY:
                what = "cannot overwrite directory " + target + " with non-directory";
                break;
            case OVERWRITE_NON_DIRECTORY:
                what = "cannot overwrite non-directory " + target + " with directory " + source;
                break;
            case DEST_HARD_LINKED:
                what = "cannot replace " + target + ": it has " + f.detail() + " hard links, which a replacement by rename"
                        + " would leave holding the old content (mcp never writes into DEST in place)";
                break;
            case RESUME_LIVE:
                what = "cannot resume " + target + ": another mcp (process " + f.detail() + ") is still copying to it";
                break;
            case RESUME_SOURCE_CHANGED:
                what = "cannot resume " + target + ": " + source + " changed since the interrupted copy, or is another file"
                        + " now (run again without --resume to copy it afresh)";
                break;
            case RESUME_DAMAGED:
                what = "cannot resume " + target + ": what the interrupted copy left is damaged, " + f.detail()
                        + " (run again without --resume to copy it afresh)";
                break;
            default:
                throw new IllegalArgumentException("no words for " + f.kind());
        }
        return f.targetKept() ? what + "; " + target + " was left as it was" : what;
    }

    /** "bytes A..B, N attempts" as the sentence a verification failure ends with. */
    private static String verifyDetail(String detail, String source) {
        int comma = detail.indexOf(", ");
        return detail.substring(0, comma) + " differ from " + source + " after " + detail.substring(comma + 2);
    }

    /** A warning of the engine's in cp's words, without the {@code mcp: } prefix. */
    public static String warning(Events.Warning w) {
        String reason = ErrnoException.of("", w.errno(), null).reason();
        switch (w.kind()) {
            case DIRECTORY_NOT_SYNCED:
                return "warning: " + quote(w.name()) + " was replaced by the verified copy, but its directory could not be"
                        + " synced (" + reason + "): the replacement may not survive a crash";
            case SCRATCH_NOT_REMOVED:
                return "cannot remove " + quote(w.name()) + ": " + reason;
            case STALE_SCRATCH_REMOVED:
                return "removed " + quote(w.name()) + " (" + w.bytes() + " bytes), left by an interrupted run (process "
                        + w.pid() + ")";
            case RESUMED:
                return "resuming " + quote(w.name()) + ": " + w.bytes() + " bytes found copied and intact, copying the rest";
            default:
                throw new IllegalArgumentException("no words for " + w.kind());
        }
    }
}
