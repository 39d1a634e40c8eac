package mcp.copy;

/**
 * What became of one file of the plan.
 *
 * @param source the source as the user named it, for messages
 * @param target the destination as messages name it
 * @param outcome how it ended
 * @param bytes the bytes of data copied (holes of a sparse file not counted)
 * @param recopiedChunks chunks copied a second time after a failed verification
 * @param failure why it failed, or null
 * @param type what was copied
 * @param resumedBytes of {@code bytes}, those an interrupted run had copied, checked and reused ({@code --resume})
 */
public record FileReport(String source, String target, Outcome outcome, long bytes, int recopiedChunks, Failure failure,
                         Type type, long resumedBytes) {
    /** What was copied. */
    public enum Type {
        /** A regular file, or a special one whose content was read (a FIFO given as an operand). */
        FILE,
        DIRECTORY,
        /** A symbolic link, a hard link, a FIFO or device made as such in a tree. */
        LINK
    }

    /** The report of a file. */
    public FileReport(String source, String target, Outcome outcome, long bytes, int recopiedChunks, Failure failure) {
        this(source, target, outcome, bytes, recopiedChunks, failure, Type.FILE, 0);
    }

    /** The report of an entry of {@code type}. */
    public FileReport(String source, String target, Outcome outcome, long bytes, int recopiedChunks, Failure failure,
                      Type type) {
        this(source, target, outcome, bytes, recopiedChunks, failure, type, 0);
    }

    /** How a file's copy ended. */
    public enum Outcome {
        /** DEST holds the verified copy, durably. */
        COPIED,
        /** DEST holds the verified copy, but its directory could not be synced: the rename may not survive a crash. */
        COPIED_NOT_DURABLE,
        /**
         * Not copied again: DEST already is the verified copy that an interrupted run of the same
         * source committed ({@code --resume}), untouched since.
         */
        ALREADY_COPIED,
        /** Not copied; DEST is as {@link Failure#targetKept} says. */
        FAILED
    }

    /** A file that could not be copied. */
    public static FileReport failed(Failure failure) {
        return new FileReport(failure.source(), failure.target(), Outcome.FAILED, 0, 0, failure);
    }
}
