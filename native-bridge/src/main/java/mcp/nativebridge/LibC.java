package mcp.nativebridge;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The libc functions mcp calls, named and typed as in C (64-bit Linux: {@code off_t},
 * {@code size_t}, {@code ssize_t} and {@code long} are 64 bits). Paths are NUL-terminated bytes
 * from {@link FileNames#encodeForC}. Return values are checked by the callers in this package,
 * which read {@link Native#getLastError()} at once: JNA saves errno right after each native call,
 * in the calling thread. Nothing here asks JNA to throw {@code LastErrorException}, which can fire
 * on a stale errno.
 *
 * <p>Each function is a JNA {@link Function}, looked up once, called with its arguments boxed:
 * the Java types of the parameters (a {@code long} boxed as {@link Long}, never as
 * {@link Integer}) give the C ones. That is what an interface mapping ({@code Native.load}) does
 * per call, without what it costs at start-up: a {@link java.lang.reflect.Proxy} class made at
 * run time, which no class-data archive can hold, and a reflective look at each method at its
 * first call. JNA's direct mapping ({@code Native.register}) costs as much at start-up, for the
 * libffi type descriptions it builds as JNA structures (docs/design.md).
 */
final class LibC {
    /** "c" is the running process on Linux: the libc the JVM already uses. */
    private static final NativeLibrary C = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
    private static final Function OPENAT = C.getFunction("openat");
    private static final Function CLOSE = C.getFunction("close");
    private static final Function STATX = C.getFunction("statx");
    private static final Function FSTATFS = C.getFunction("fstatfs");
    private static final Function LSEEK = C.getFunction("lseek");
    private static final Function READ = C.getFunction("read");
    private static final Function PREAD = C.getFunction("pread");
    private static final Function WRITE = C.getFunction("write");
    private static final Function PWRITE = C.getFunction("pwrite");
    private static final Function COPY_FILE_RANGE = C.getFunction("copy_file_range");
    private static final Function FSYNC = C.getFunction("fsync");
    private static final Function SYNC_FILE_RANGE = C.getFunction("sync_file_range");
    private static final Function FTRUNCATE = C.getFunction("ftruncate");
    private static final Function FALLOCATE = C.getFunction("fallocate");
    private static final Function POSIX_FADVISE = C.getFunction("posix_fadvise");
    private static final Function FCHMOD = C.getFunction("fchmod");
    private static final Function FCHOWN = C.getFunction("fchown");
    private static final Function LISTXATTR = C.getFunction("listxattr");
    private static final Function GETXATTR = C.getFunction("getxattr");
    private static final Function FSETXATTR = C.getFunction("fsetxattr");
    private static final Function READLINK = C.getFunction("readlink");
    private static final Function RENAMEAT = C.getFunction("renameat");
    private static final Function UNLINKAT = C.getFunction("unlinkat");
    private static final Function MMAP = C.getFunction("mmap");
    private static final Function MUNMAP = C.getFunction("munmap");
    private static final Function MSYNC = C.getFunction("msync");
    private static final Function MADVISE = C.getFunction("madvise");
    private static final Function SYSCONF = C.getFunction("sysconf");
    private static final Function CLOCK_GETTIME = C.getFunction("clock_gettime");
    private static final Function UMASK = C.getFunction("umask");
    private static final Function GETPPID = C.getFunction("getppid");
    private static final Function GETEUID = C.getFunction("geteuid");
    private static final Function STRERROR = C.getFunction("strerror");
    private static final Function ISATTY = C.getFunction("isatty");

    private LibC() {
    }

    static int openat(int dirfd, byte[] path, int flags, int mode) {
        return OPENAT.invokeInt(new Object[] {dirfd, path, flags, mode});
    }

    static int close(int fd) {
        return CLOSE.invokeInt(new Object[] {fd});
    }

    static int statx(int dirfd, byte[] path, int flags, int mask, byte[] statxbuf) {
        return STATX.invokeInt(new Object[] {dirfd, path, flags, mask, statxbuf});
    }

    static int fstatfs(int fd, byte[] buf) {
        return FSTATFS.invokeInt(new Object[] {fd, buf});
    }

    static long lseek(int fd, long offset, int whence) {
        return LSEEK.invokeLong(new Object[] {fd, offset, whence});
    }

    static long read(int fd, ByteBuffer buf, long count) {
        return READ.invokeLong(new Object[] {fd, buf, count});
    }

    static long pread(int fd, ByteBuffer buf, long count, long offset) {
        return PREAD.invokeLong(new Object[] {fd, buf, count, offset});
    }

    static long write(int fd, ByteBuffer buf, long count) {
        return WRITE.invokeLong(new Object[] {fd, buf, count});
    }

    static long pwrite(int fd, ByteBuffer buf, long count, long offset) {
        return PWRITE.invokeLong(new Object[] {fd, buf, count, offset});
    }

    /** {@code copy_file_range(2)}; the offsets are one-element arrays, advanced by the kernel. */
    static long copy_file_range(int fdIn, long[] offIn, int fdOut, long[] offOut, long len, int flags) {
        return COPY_FILE_RANGE.invokeLong(new Object[] {fdIn, offIn, fdOut, offOut, len, flags});
    }

    static int fsync(int fd) {
        return FSYNC.invokeInt(new Object[] {fd});
    }

    static int sync_file_range(int fd, long offset, long nbytes, int flags) {
        return SYNC_FILE_RANGE.invokeInt(new Object[] {fd, offset, nbytes, flags});
    }

    static int ftruncate(int fd, long length) {
        return FTRUNCATE.invokeInt(new Object[] {fd, length});
    }

    static int fallocate(int fd, int mode, long offset, long length) {
        return FALLOCATE.invokeInt(new Object[] {fd, mode, offset, length});
    }

    /** Returns an error number itself (0 on success); it does not set errno. */
    static int posix_fadvise(int fd, long offset, long length, int advice) {
        return POSIX_FADVISE.invokeInt(new Object[] {fd, offset, length, advice});
    }

    static int fchmod(int fd, int mode) {
        return FCHMOD.invokeInt(new Object[] {fd, mode});
    }

    static int fchown(int fd, int owner, int group) {
        return FCHOWN.invokeInt(new Object[] {fd, owner, group});
    }

    static long listxattr(byte[] path, byte[] list, long size) {
        return LISTXATTR.invokeLong(new Object[] {path, list, size});
    }

    static long getxattr(byte[] path, byte[] name, byte[] value, long size) {
        return GETXATTR.invokeLong(new Object[] {path, name, value, size});
    }

    static int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags) {
        return FSETXATTR.invokeInt(new Object[] {fd, name, value, size, flags});
    }

    static long readlink(byte[] path, byte[] buf, long size) {
        return READLINK.invokeLong(new Object[] {path, buf, size});
    }

    static int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath) {
        return RENAMEAT.invokeInt(new Object[] {olddirfd, oldpath, newdirfd, newpath});
    }

    static int unlinkat(int dirfd, byte[] path, int flags) {
        return UNLINKAT.invokeInt(new Object[] {dirfd, path, flags});
    }

    static Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) {
        return MMAP.invokePointer(new Object[] {addr, length, prot, flags, fd, offset});
    }

    static int munmap(Pointer addr, long length) {
        return MUNMAP.invokeInt(new Object[] {addr, length});
    }

    static int msync(Pointer addr, long length, int flags) {
        return MSYNC.invokeInt(new Object[] {addr, length, flags});
    }

    static int madvise(Pointer addr, long length, int advice) {
        return MADVISE.invokeInt(new Object[] {addr, length, advice});
    }

    static long sysconf(int name) {
        return SYSCONF.invokeLong(new Object[] {name});
    }

    /** {@code ts} is a {@code struct timespec}: seconds, then nanoseconds. */
    static int clock_gettime(int clockId, long[] ts) {
        return CLOCK_GETTIME.invokeInt(new Object[] {clockId, ts});
    }

    static int umask(int mask) {
        return UMASK.invokeInt(new Object[] {mask});
    }

    static int getppid() {
        return GETPPID.invokeInt(new Object[] {});
    }

    static int geteuid() {
        return GETEUID.invokeInt(new Object[] {});
    }

    static int isatty(int fd) {
        return ISATTY.invokeInt(new Object[] {fd});
    }

    static String strerror(int errnum) {
        return STRERROR.invokeString(new Object[] {errnum}, false);
    }
}
