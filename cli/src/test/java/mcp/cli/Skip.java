package mcp.cli;

import org.junit.jupiter.api.Assumptions;

/** Skips a test that cannot run here, and says why in the test output as well as in the report. */
final class Skip {
    private Skip() {
    }

    static void unless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("test skipped: " + reason);
        }
        Assumptions.assumeTrue(condition, reason);
    }
}
