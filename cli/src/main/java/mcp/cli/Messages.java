package mcp.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import mcp.nativebridge.ErrnoException;

/** Message pieces in the style of cp: quoted names and the system's words for an error. */
public final class Messages {
    private Messages() {
    }

    /**
     * A file name quoted as cp quotes it: {@code 'name'}, or {@code "it's"} when the name holds a
     * single quote and nothing the shell would expand inside double quotes.
     */
    public static String quote(Object name) {
        String text = String.valueOf(name);
        if (text.indexOf('\'') < 0) {
            return "'" + text + "'";
        }
        if (text.chars().noneMatch(c -> c == '"' || c == '$' || c == '`' || c == '\\')) {
            return '"' + text + '"';
        }
        return "'" + text.replace("'", "'\\''") + "'";
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
}
