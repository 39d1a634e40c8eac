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
    private static final Function RENAMEAT = C.getFunction("renameat");
    private static final Function RENAMEAT2 = C.getFunction("renameat2");
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
    private static final Function MKDIRAT = C.getFunction("mkdirat");
    private static final Function SYMLINKAT = C.getFunction("symlinkat");
    private static final Function READLINKAT = C.getFunction("readlinkat");
    private static final Function LINKAT = C.getFunction("linkat");
    private static final Function FUTIMENS = C.getFunction("futimens");
    private static final Function UTIMENSAT = C.getFunction("utimensat");
    private static final Function FCHOWNAT = C.getFunction("fchownat");
    private static final Function SYNCFS = C.getFunction("syncfs");
    private static final Function SYSCALL = C.getFunction("syscall");
    /** glibc 2.33 and later; older ones (Ubuntu 20.04's 2.31) only have the raw system call. */
    private static final Function MKNODAT = optional("mknodat");
    /** glibc 2.30 and later; older ones (Debian 10's, RHEL 8's 2.28) only have the raw system call. */
    private static final Function GETDENTS64 = optional("getdents64");

    private LibC() {
    }

    /**
     * A function that an older glibc lacks, or null there: a lookup that failed in this class's
     * initialiser would take every other call with it.
     */
    private static Function optional(String name) {
        try {
            return C.getFunction(name);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
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

    static int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath) {
        return RENAMEAT.invokeInt(new Object[] {olddirfd, oldpath, newdirfd, newpath});
    }

    static int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        return RENAMEAT2.invokeInt(new Object[] {olddirfd, oldpath, newdirfd, newpath, flags});
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

    static int mkdirat(int dirfd, byte[] path, int mode) {
        return MKDIRAT.invokeInt(new Object[] {dirfd, path, mode});
    }

    static int symlinkat(byte[] target, int newdirfd, byte[] linkpath) {
        return SYMLINKAT.invokeInt(new Object[] {target, newdirfd, linkpath});
    }

    static long readlinkat(int dirfd, byte[] path, byte[] buf, long size) {
        return READLINKAT.invokeLong(new Object[] {dirfd, path, buf, size});
    }

    static int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) {
        return LINKAT.invokeInt(new Object[] {olddirfd, oldpath, newdirfd, newpath, flags});
    }

    /**
     * {@code mknodat(2)}; {@code dev} is a glibc {@code dev_t} ({@code makedev}), whose low 32
     * bits are also the kernel's encoding for the devices the raw system call can name.
     */
    static int mknodat(int dirfd, byte[] path, int mode, long dev) {
        if (MKNODAT != null) {
            return MKNODAT.invokeInt(new Object[] {dirfd, path, mode, dev});
        }
        return syscallMknodat(dirfd, path, mode, dev);
    }

    /** {@code ts} is two {@code struct timespec}: access seconds, nanoseconds, then modification ones. */
    static int futimens(int fd, long[] ts) {
        return FUTIMENS.invokeInt(new Object[] {fd, ts});
    }

    /** {@code ts} as for {@link #futimens}. */
    static int utimensat(int dirfd, byte[] path, long[] ts, int flags) {
        return UTIMENSAT.invokeInt(new Object[] {dirfd, path, ts, flags});
    }

    static int fchownat(int dirfd, byte[] path, int owner, int group, int flags) {
        return FCHOWNAT.invokeInt(new Object[] {dirfd, path, owner, group, flags});
    }

    static int syncfs(int fd) {
        return SYNCFS.invokeInt(new Object[] {fd});
    }

    /** {@code getdents64(2)}: {@code struct linux_dirent64} records into the buffer. */
    static long getdents64(int fd, byte[] buf, long count) {
        if (GETDENTS64 != null) {
            return GETDENTS64.invokeLong(new Object[] {fd, buf, count});
        }
        return syscallGetdents64(fd, buf, count);
    }

    /** The raw system call behind {@link #getdents64}, what glibc before 2.30 leaves to the caller. */
    static long syscallGetdents64(int fd, byte[] buf, long count) {
        return syscall(Mman.SYS_getdents64, (long) fd, buf, count);
    }

    /** The raw system call behind {@link #mknodat}, what glibc before 2.33 leaves to the caller. */
    static int syscallMknodat(int dirfd, byte[] path, int mode, long dev) {
        return (int) syscall(Mman.SYS_mknodat, (long) dirfd, path, (long) mode, dev);
    }

    /**
     * {@code syscall(number, ...)}: every argument goes in a register as a whole 64-bit word,
     * numbers boxed as {@link Long}, which is how a variadic call passes them on x86-64 and aarch64.
     */
    private static long syscall(long number, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = number;
        System.arraycopy(args, 0, all, 1, args.length);
        return SYSCALL.invokeLong(all);
    }

    static String strerror(int errnum) {
        return STRERROR.invokeString(new Object[] {errnum}, false);
    }
}
