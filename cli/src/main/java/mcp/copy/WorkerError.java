package mcp.copy;

/**
 * Why a worker stopped, as it records it in its control-file slot: a kind the coordinator can
 * act on and word for the user, the errno of the failed call, the chunk, and a short message.
 */
public record WorkerError(Kind kind, int errno, int chunk, String message) {
    /** What failed; the ordinal is stored in the control file, so only append. */
    public enum Kind {
        /** Anything unexpected; the message says what. */
        INTERNAL,
        /** The source changed under the worker: it shrank while mapped (SIGBUS or EFAULT). */
        SOURCE_CHANGED,
        /** Reading the source failed (errno says why). */
        SOURCE_READ,
        /** Writing or syncing the copy failed: no space, quota, I/O error (errno says which). */
        TARGET_WRITE,
        /** The worker could not reach the files the coordinator opened (errno, or an identity mismatch). */
        OPEN,
    }
}
