package mcp.nativebridge;

import com.sun.jna.Native;

/** Process-wide facts from libc: the page size and the umask. */
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
        int mask = LibC.INSTANCE.umask(022);
        LibC.INSTANCE.umask(mask);
        return mask;
    }

    /** {@code getppid()}: the parent process, which changes to a reaper when the parent dies. */
    public static long parentPid() {
        return LibC.INSTANCE.getppid();
    }

    /** {@code geteuid()}. */
    public static int effectiveUid() {
        return LibC.INSTANCE.geteuid();
    }

    static String strerror(int errno) {
        String text = LibC.INSTANCE.strerror(errno);
        return text == null ? "errno " + errno : text;
    }

    private static long readPageSize() {
        long size = LibC.INSTANCE.sysconf(Mman._SC_PAGESIZE);
        if (size <= 0) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE): " + strerror(Native.getLastError()));
        }
        return size;
    }
}
