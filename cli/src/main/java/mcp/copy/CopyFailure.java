package mcp.copy;

import java.io.IOException;

/** A copy step that failed in a way the coordinator words for the user: carries a {@link WorkerError}. */
final class CopyFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient WorkerError error;

    CopyFailure(WorkerError error, Throwable cause) {
        super(error.kind() + ": " + error.message(), cause);
        this.error = error;
    }

    WorkerError error() {
        return error;
    }
}
