package mcp.nativebridge;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc functions mcp calls, named and typed as in C (x86-64 and aarch64 Linux: {@code off_t},
 * {@code size_t} and {@code long} are 64 bits). Return values are checked by the callers in this
 * package, which read {@link Native#getLastError()} at once; no method declares
 * {@code LastErrorException}, which can fire on a stale errno.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    /** {@code path} is NUL-terminated bytes in the platform's file-name encoding. */
    int open(byte[] path, int flags, int mode);

    int close(int fd);

    int ftruncate(int fd, long length);

    int fallocate(int fd, int mode, long offset, long length);

    /** Returns an error number itself (0 on success); it does not set errno. */
    int posix_fadvise(int fd, long offset, long length, int advice);

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, long length);

    int msync(Pointer addr, long length, int flags);

    int madvise(Pointer addr, long length, int advice);

    long sysconf(int name);

    int umask(int mask);

    String strerror(int errnum);
}
