package mcp.nativebridge;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The libc functions mcp calls, named and typed as in C (64-bit Linux: {@code off_t},
 * {@code size_t}, {@code ssize_t} and {@code long} are 64 bits). Paths are NUL-terminated bytes
 * from {@link FileNames#encodeForC}. Return values are checked by the callers in this package,
 * which read {@link Native#getLastError()} at once; no method declares
 * {@code LastErrorException}, which can fire on a stale errno.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int open(byte[] path, int flags, int mode);

    int openat(int dirfd, byte[] path, int flags, int mode);

    int close(int fd);

    int statx(int dirfd, byte[] path, int flags, int mask, byte[] statxbuf);

    int fstatfs(int fd, byte[] buf);

    long lseek(int fd, long offset, int whence);

    long read(int fd, ByteBuffer buf, long count);

    long pread(int fd, ByteBuffer buf, long count, long offset);

    long write(int fd, ByteBuffer buf, long count);

    long pwrite(int fd, ByteBuffer buf, long count, long offset);

    /** {@code copy_file_range(2)}; the offsets are one-element arrays, advanced by the kernel. */
    long copy_file_range(int fdIn, long[] offIn, int fdOut, long[] offOut, long len, int flags);

    int fsync(int fd);

    int sync_file_range(int fd, long offset, long nbytes, int flags);

    int ftruncate(int fd, long length);

    int fallocate(int fd, int mode, long offset, long length);

    /** Returns an error number itself (0 on success); it does not set errno. */
    int posix_fadvise(int fd, long offset, long length, int advice);

    int fchmod(int fd, int mode);

    int fchown(int fd, int owner, int group);

    long listxattr(byte[] path, byte[] list, long size);

    long getxattr(byte[] path, byte[] name, byte[] value, long size);

    int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags);

    long readlink(byte[] path, byte[] buf, long size);

    int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);

    int unlinkat(int dirfd, byte[] path, int flags);

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, long length);

    int msync(Pointer addr, long length, int flags);

    int madvise(Pointer addr, long length, int advice);

    long sysconf(int name);

    /** {@code ts} is a {@code struct timespec}: seconds, then nanoseconds. */
    int clock_gettime(int clockId, long[] ts);

    int umask(int mask);

    int getppid();

    int geteuid();

    String strerror(int errnum);
}
