package mcp.nativebridge;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A failed system call: which call, on which path, and the error number with its text, e.g.
 * {@code fallocate '/data/x': No space left on device (errno 28)}.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The errno values callers branch on. */
    public static final int ENOENT = 2;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOPNOTSUPP = 95;

    private final String call;
    private final int errno;
    private final transient Path path;
    private final String reason;

    private ErrnoException(String call, int errno, Path path, String reason) {
        super(call + (path == null ? "" : " '" + path + "'") + ": " + reason + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
        this.path = path;
        this.reason = reason;
    }

    /** An exception for {@code call} on {@code path} (may be null) that failed with {@code errno}. */
    public static ErrnoException of(String call, int errno, Path path) {
        return new ErrnoException(call, errno, path, Posix.strerror(errno));
    }

    /** The system call that failed, as named in C. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The file the call was about, or null. */
    public Path path() {
        return path;
    }

    /** The error's text as {@code strerror} gives it, e.g. "Permission denied". */
    public String reason() {
        return reason;
    }
}
