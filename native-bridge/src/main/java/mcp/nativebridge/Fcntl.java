package mcp.nativebridge;

/**
 * Constants from {@code <fcntl.h>}, {@code <sys/stat.h>} and {@code <linux/stat.h>} for 64-bit
 * Linux. Most values are the same on x86-64 and aarch64; the few that are not are chosen by the
 * running architecture. {@code NativeConstantsTest} checks every one against the C headers.
 */
final class Fcntl {
    private Fcntl() {
    }

    /** aarch64 (and arm) define four open flags differently from x86-64's values. */
    static final boolean ARM = System.getProperty("os.arch", "").startsWith("aarch64")
            || System.getProperty("os.arch", "").startsWith("arm");

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_RDWR = 02;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_TRUNC = 01000;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = ARM ? 040000 : 0200000;
    static final int O_NOFOLLOW = ARM ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;

    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;

    static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
    static final int SYNC_FILE_RANGE_WRITE = 2;
    static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;

    static final int POSIX_FADV_SEQUENTIAL = 2;
    static final int POSIX_FADV_DONTNEED = 4;

    static final int STATX_BASIC_STATS = 0x7ff;
    static final int STATX_LENGTH = 256;
    static final int STATFS_LENGTH = 120;
}
