package mcp.copy;

/**
 * How a worker moves a chunk's bytes from the source to the copy. Every method maps the same
 * page-aligned chunks of the source, into a copy sized with {@code ftruncate}; every one checksums
 * what the copy then holds and makes the chunk durable with {@code msync(MS_SYNC)} of the copy's
 * range before it counts as done. The ordinal is stored in the control file, so only append.
 */
public enum CopyMethod {
    /** {@code memcpy} from the source's mapping into the copy's mapping, in Java. */
    MMAP,
    /**
     * {@code pwrite} of the source's mapping into the copy: the kernel copies into the page cache
     * without first faulting in (and zero-filling) each page of the copy, as a store to a mapping
     * of a reserved but unwritten page must.
     */
    PWRITE,
    /**
     * {@code copy_file_range}: the kernel copies file to file, or shares the blocks (a reflink) or
     * copies on the server where the file system can; where it cannot for these two files, the
     * chunk is copied with {@link #PWRITE} instead.
     */
    COPY_FILE_RANGE;

    /** {@code TMPFS_MAGIC}. */
    private static final long TMPFS = 0x01021994L;

    /**
     * The method for a copy onto the file system of type {@code type} ({@code statfs.f_type}), by
     * measurement (docs/design.md): {@link #COPY_FILE_RANGE} on disk file systems, where it
     * copies several times faster than either method through a mapping (and shares blocks or
     * copies on the server where it can), {@link #PWRITE} on tmpfs, where it is the faster.
     */
    public static CopyMethod forFileSystem(long type) {
        return type == TMPFS ? PWRITE : COPY_FILE_RANGE;
    }
}
