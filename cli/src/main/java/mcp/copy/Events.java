package mcp.copy;

/**
 * What the engine tells the command line while it runs, as facts for it to word: the command line
 * decides what a user sees (a warning on stderr, a line of {@code -v}, nothing with {@code -q}).
 * Called on the engine's threads, the shutdown hook's among them: implementations print at once
 * and do not block.
 */
public interface Events {
    /** Tells nothing: for tests and tools that only want the report. */
    Events NONE = new Events() {
    };

    /**
     * Fewer copying processes run than were asked for because of the machine's available memory.
     *
     * @param reason what the budget found, e.g. "1.2 GiB of memory available"
     */
    default void workersLimited(int asked, int running, String reason) {
    }

    /** Something went wrong that did not fail the copy: a directory not synced, a scratch file left behind. */
    default void warning(Warning warning) {
    }

    /**
     * A fatal signal reached mcp after every file of the round under way was committed, called on
     * the shutdown hook's thread: the status to exit with at once, or -1 to exit as interrupted.
     * By default the run counts as done (exit 0), as it does for one file whose copy has replaced
     * DEST; the engine says -1 when more of the plan was still to be copied.
     */
    default int committedWhenInterrupted() {
        return 0;
    }

    /** A file of the plan is done, copied or failed. */
    default void fileDone(FileReport file) {
    }

    /**
     * A non-fatal problem.
     *
     * @param kind what happened
     * @param name the file concerned, as messages name it
     * @param errno the errno of the call that failed, or 0
     * @param bytes the size of the file concerned, or -1
     * @param pid the process concerned, or 0
     */
    record Warning(Kind kind, String name, int errno, long bytes, long pid) {
        public enum Kind {
            /** The file was replaced by its verified copy, but its directory could not be synced. */
            DIRECTORY_NOT_SYNCED,
            /** A temporary file of mcp's could not be removed; {@code name} is its name in DEST's directory. */
            SCRATCH_NOT_REMOVED,
            /** A scratch file ({@code name}, of {@code bytes}) left by a run that died ({@code pid}) was removed. */
            STALE_SCRATCH_REMOVED,
            /**
             * A copy resumes from what an interrupted run left: {@code name} is its destination,
             * {@code bytes} the bytes of it found copied and checked, not copied again.
             */
            RESUMED
        }

        /** A warning about a file, for a call that failed with {@code errno}. */
        public Warning(Kind kind, String name, int errno) {
            this(kind, name, errno, -1, 0);
        }
    }
}
