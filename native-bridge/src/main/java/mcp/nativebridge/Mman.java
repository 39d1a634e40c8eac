package mcp.nativebridge;

/**
 * Constants from {@code <sys/mman.h>}, {@code <unistd.h>}, {@code <time.h>} and
 * {@code <sys/syscall.h>} for Linux.
 */
interface Mman {
    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;

    int MAP_SHARED = 0x01;

    int MS_ASYNC = 1;
    int MS_SYNC = 4;

    int MADV_NORMAL = 0;
    int MADV_RANDOM = 1;
    int MADV_SEQUENTIAL = 2;
    int MADV_WILLNEED = 3;
    int MADV_DONTNEED = 4;

    int _SC_CLK_TCK = 2;
    int _SC_PAGESIZE = 30;

    int CLOCK_BOOTTIME = 7;

    /** System call numbers, for what an older glibc has no function for; they differ by architecture. */
    int SYS_mknodat = Fcntl.ARM ? 33 : 259;
    int SYS_getdents64 = Fcntl.ARM ? 61 : 217;
}
