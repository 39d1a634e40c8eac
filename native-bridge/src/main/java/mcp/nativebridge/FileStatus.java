package mcp.nativebridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What {@code statx} says of a file: its type and mode, owner, size, identity and times.
 *
 * @param mode the {@code st_mode} bits: type ({@link #S_IFMT}) and permissions
 * @param device the device as {@code major << 32 | minor}; with {@code inode}, the file's identity
 * @param attributes {@code stx_attributes}, e.g. {@link #ATTR_IMMUTABLE}
 * @param accessedSeconds {@code stx_atime}, which {@code -p} keeps with the modification time
 * @param rdev the device a character or block special file stands for ({@code stx_rdev}), as
 *        {@code major << 32 | minor} like {@code device}, which {@link NativeFile#makeNode} takes;
 *        0 for other files
 */
public record FileStatus(int mode, int uid, int gid, long links, long sizeBytes, long blocks512, long device, long inode,
                         long modifiedSeconds, int modifiedNanos, long changedSeconds, int changedNanos, long attributes,
                         long accessedSeconds, int accessedNanos, long rdev) {
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 060000;
    public static final int S_IFDIR = 040000;
    public static final int S_IFCHR = 020000;
    public static final int S_IFIFO = 010000;
    /** Permission bits, with set-user-id, set-group-id and sticky. */
    public static final int PERMISSIONS = 07777;
    public static final long ATTR_IMMUTABLE = 0x10;
    public static final long ATTR_APPEND = 0x20;

    /** Reads the {@code struct statx} in {@code buffer} (256 bytes, native order). */
    static FileStatus of(byte[] statx) {
        ByteBuffer b = ByteBuffer.wrap(statx).order(ByteOrder.nativeOrder());
        return new FileStatus(
                Short.toUnsignedInt(b.getShort(28)),
                b.getInt(20),
                b.getInt(24),
                Integer.toUnsignedLong(b.getInt(16)),
                b.getLong(40),
                b.getLong(48),
                device(b, 136),
                b.getLong(32),
                b.getLong(112), b.getInt(120),
                b.getLong(96), b.getInt(104),
                b.getLong(8),
                b.getLong(64), b.getInt(72),
                device(b, 128));
    }

    /** The {@code major, minor} pair of 32-bit numbers at {@code offset}, as {@code major << 32 | minor}. */
    private static long device(ByteBuffer statx, int offset) {
        return (Integer.toUnsignedLong(statx.getInt(offset)) << 32) | Integer.toUnsignedLong(statx.getInt(offset + 4));
    }

    public int type() {
        return mode & S_IFMT;
    }

    public int permissions() {
        return mode & PERMISSIONS;
    }

    public boolean isRegularFile() {
        return type() == S_IFREG;
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    public boolean isSymbolicLink() {
        return type() == S_IFLNK;
    }

    /** True for a character or block special file, the files {@link #rdev} is about. */
    public boolean isDeviceNode() {
        return type() == S_IFCHR || type() == S_IFBLK;
    }

    /** True if both describe the same file: same device and inode. */
    public boolean isSameFile(FileStatus other) {
        return device == other.device && inode == other.inode;
    }

    /** True if the file's content is unchanged as far as its metadata tells: identity, size, times. */
    public boolean isUnchangedSince(FileStatus before) {
        return isSameFile(before) && sizeBytes == before.sizeBytes
                && modifiedSeconds == before.modifiedSeconds && modifiedNanos == before.modifiedNanos
                && changedSeconds == before.changedSeconds && changedNanos == before.changedNanos;
    }
}
