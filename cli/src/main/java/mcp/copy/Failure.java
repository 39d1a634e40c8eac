package mcp.copy;

import mcp.nativebridge.ErrnoException;

/**
 * Why the engine could not copy a file, as facts: what kind of step failed, on which file, in
 * which call and with which errno. The engine never words a message for the user; the command
 * line does, from these fields, in cp's words.
 *
 * @param kind what failed
 * @param source the source as the user named it (for messages), or null
 * @param target the destination as messages name it, or null
 * @param call the system call that failed (e.g. {@code openat}), or null
 * @param errno its errno, or 0 when no call failed (e.g. a verification mismatch)
 * @param detail what the kind says it holds (e.g. the byte range that differed), or null
 * @param targetKept true if the destination is known to be as it was before mcp started on it
 */
public record Failure(Kind kind, String source, String target, String call, int errno, String detail, boolean targetKept) {
    /** What failed. Each says what {@code detail} holds, if anything. */
    public enum Kind {
        /** Reading a file's status failed ({@code source} or {@code target} names it). */
        STAT,
        /** Reading the source failed. */
        READ,
        /** The source could not be opened for reading. */
        OPEN_SOURCE,
        /** Writing, reserving or syncing the copy failed. */
        WRITE,
        /** The file at the destination could not be created. */
        CREATE,
        /** The source changed (size, times, identity) while it was copied. */
        SOURCE_CHANGED,
        /** The copy read back differs from the checksums; detail: the first byte range that differed and the attempts, or null for a stream. */
        VERIFY,
        /** The chunk size cannot split the file; detail: why. */
        CHUNK_SIZE,
        /** A copying process failed in a way no other kind describes; detail: what happened. */
        COPY,
        /** Worker processes kept dying; detail: how the last one ended. */
        WORKERS_LOST,
        /** An existing destination's directory is not writable, so no copy can be renamed over it; detail: the directory's name. */
        DIRECTORY_NOT_WRITABLE,
        /** An existing destination's owner and group could not be given to the copy. */
        KEEP_OWNER,
        /** An existing destination's extended attribute could not be given to the copy; detail: its name. */
        KEEP_XATTR,
        /** The rename over the destination, or a step just before it, failed. */
        REPLACE,
        /** The temporary copy's name was taken over by another process before the rename. */
        SCRATCH_REPLACED,
        /** The destination's name was taken over by another process right after the rename. */
        TARGET_REPLACED,
        /** A directory could not be created or opened in the copy. */
        MAKE_DIRECTORY,
        /** A symbolic link, hard link or special file could not be made in the copy. */
        MAKE_LINK,
        /** An attribute asked for with --preserve could not be given to the copy; detail: which. */
        PRESERVE,
        /** A directory of the source tree could not be listed or opened. */
        READ_DIRECTORY,
        /** The source changed identity between the plan and the copy (a name now leads elsewhere). */
        REPLACED_IN_SOURCE,
        /** A directory is in the way of a file's copy. */
        OVERWRITE_DIRECTORY,
        /** A file that is not a directory is in the way of a directory's copy. */
        OVERWRITE_NON_DIRECTORY,
        /** The destination has other hard links, which a replacement by rename would leave with the old content; detail: how many. */
        DEST_HARD_LINKED,
        /** With --resume: another mcp, still running, is copying to the destination; detail: its pid. */
        RESUME_LIVE,
        /** With --resume: the source is not the file the interrupted copy was made of (size or times differ). */
        RESUME_SOURCE_CHANGED,
        /** With --resume: the interrupted copy's control file cannot be trusted; detail: its name and why. */
        RESUME_DAMAGED
    }

    /** A failure of {@code kind} caused by {@code e}: its call and errno. */
    public static Failure of(Kind kind, String source, String target, ErrnoException e, boolean targetKept) {
        return new Failure(kind, source, target, e.call(), e.errno(), null, targetKept);
    }

    /** A failure of {@code kind} that no call returned: a mismatch, a check. */
    public static Failure of(Kind kind, String source, String target, String detail, boolean targetKept) {
        return new Failure(kind, source, target, null, 0, detail, targetKept);
    }

    /** {@code strerror(errno)}, e.g. "Permission denied", or null when no call failed. */
    public String reason() {
        return errno == 0 ? null : ErrnoException.of("", errno, null).reason();
    }

    /** The same failure with {@code detail}. */
    public Failure withDetail(String newDetail) {
        return new Failure(kind, source, target, call, errno, newDetail, targetKept);
    }
}
