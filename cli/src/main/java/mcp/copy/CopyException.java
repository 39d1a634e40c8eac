package mcp.copy;

/** The engine could not copy a file: carries the {@link Failure}, which the command line words. */
public final class CopyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Failure failure;

    public CopyException(Failure failure, Throwable cause) {
        super(failure.kind() + " " + (failure.target() != null ? failure.target() : failure.source())
                + (failure.errno() != 0 ? " (" + failure.call() + ": errno " + failure.errno() + ")" : "")
                + (failure.detail() != null ? ": " + failure.detail() : ""), cause);
        this.failure = failure;
    }

    public CopyException(Failure failure) {
        this(failure, null);
    }

    public Failure failure() {
        return failure;
    }
}
