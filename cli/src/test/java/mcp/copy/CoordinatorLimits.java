package mcp.copy;

import java.time.Duration;

/** The coordinator's package-private limits, for the tests of other packages that measure against them. */
public final class CoordinatorLimits {
    private CoordinatorLimits() {
    }

    /** How long a worker may go without a heartbeat before the coordinator takes it for stuck. */
    public static Duration heartbeatTimeout() {
        return Duration.ofNanos(Coordinator.HEARTBEAT_TIMEOUT_NANOS);
    }

    /** Up to this much data the coordinator copies by itself, without workers. */
    public static long inProcessMaxBytes() {
        return Coordinator.IN_PROCESS_MAX_BYTES;
    }
}
