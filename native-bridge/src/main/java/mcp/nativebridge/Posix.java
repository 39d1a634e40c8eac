package mcp.nativebridge;

import com.sun.jna.Native;

/** Process-wide facts from libc: the page size, the umask, clocks. */
public final class Posix {
    private static final long PAGE_SIZE = readPageSize();

    private Posix() {
    }

    /** {@code sysconf(_SC_PAGESIZE)}: the unit of mapping offsets. */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /**
     * The process's file mode creation mask. libc can only read it by setting it, so this sets it
     * and puts it back: call it once, before other threads create files.
     */
    public static int umask() {
        int mask = LibC.umask(022);
        LibC.umask(mask);
        return mask;
    }

    /** {@code getppid()}: the parent process, which changes to a reaper when the parent dies. */
    public static long parentPid() {
        return LibC.getppid();
    }

    /** {@code isatty(fd)}: true if descriptor {@code fd} is a terminal (stderr is 2). */
    public static boolean isTerminal(int fd) {
        return LibC.isatty(fd) == 1;
    }

    /** {@code geteuid()}. */
    public static int effectiveUid() {
        return LibC.geteuid();
    }

    /**
     * {@code sysconf(_SC_CLK_TCK)}: the unit of the times in {@code /proc/PID/stat}, a process's
     * start time among them.
     */
    public static long clockTicksPerSecond() {
        long ticks = LibC.sysconf(Mman._SC_CLK_TCK);
        if (ticks <= 0) {
            throw new IllegalStateException("sysconf(_SC_CLK_TCK): " + strerror(Native.getLastError()));
        }
        return ticks;
    }

    /**
     * {@code clock_gettime(CLOCK_BOOTTIME)} in nanoseconds: time since boot, suspend included, the
     * clock a process's start time in {@code /proc/PID/stat} is read on.
     */
    public static long bootTimeNanos() {
        long[] timespec = new long[2];
        if (LibC.clock_gettime(Mman.CLOCK_BOOTTIME, timespec) != 0) {
            throw new IllegalStateException("clock_gettime(CLOCK_BOOTTIME): " + strerror(Native.getLastError()));
        }
        return timespec[0] * 1_000_000_000L + timespec[1];
    }

    static String strerror(int errno) {
        String text = LibC.strerror(errno);
        return text == null ? "errno " + errno : text;
    }

    private static long readPageSize() {
        long size = LibC.sysconf(Mman._SC_PAGESIZE);
        if (size <= 0) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE): " + strerror(Native.getLastError()));
        }
        return size;
    }
}
