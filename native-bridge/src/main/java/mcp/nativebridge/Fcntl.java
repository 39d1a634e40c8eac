package mcp.nativebridge;

/** Constants from {@code <fcntl.h>} for Linux (x86-64 and aarch64 share these values). */
interface Fcntl {
    int O_RDONLY = 0;
    int O_RDWR = 02;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 02000000;

    int POSIX_FADV_NORMAL = 0;
    int POSIX_FADV_RANDOM = 1;
    int POSIX_FADV_SEQUENTIAL = 2;
    int POSIX_FADV_WILLNEED = 3;
    int POSIX_FADV_DONTNEED = 4;
}
