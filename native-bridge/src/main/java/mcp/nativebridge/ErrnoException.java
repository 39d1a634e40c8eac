package mcp.nativebridge;

import java.io.IOException;

/**
 * A failed system call: which call, on which file, and the error number with its text, e.g.
 * {@code fallocate '/data/x': No space left on device (errno 28)}.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The errno values callers branch on (the same on x86-64 and aarch64). */
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int EOPNOTSUPP = 95;
    public static final int EDQUOT = 122;

    private final String call;
    private final int errno;
    private final String name;
    private final String reason;

    private ErrnoException(String call, int errno, String name, String reason) {
        super(call + (name == null ? "" : " '" + name + "'") + ": " + reason + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
        this.name = name;
        this.reason = reason;
    }

    /** An exception for {@code call} on the file {@code name} (may be null) that failed with {@code errno}. */
    public static ErrnoException of(String call, int errno, Object name) {
        return new ErrnoException(call, errno, name == null ? null : name.toString(), Posix.strerror(errno));
    }

    /** The system call that failed, as named in C. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The file the call was about, as its caller named it, or null. */
    public String name() {
        return name;
    }

    /** The error's text as {@code strerror} gives it, e.g. "Permission denied". */
    public String reason() {
        return reason;
    }
}
