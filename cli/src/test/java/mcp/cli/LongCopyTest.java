package mcp.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests that act in the middle of a copy share: the long source
 * ({@link CoordinatorProcess#longSource()}), a fresh directory for the destination, and the
 * coordinator under test, killed with whatever is left of its run after each test.
 */
abstract class LongCopyTest {
    static final long SEED = CoordinatorProcess.LONG_SOURCE_SEED;

    static Path source;

    @TempDir
    Path dir;
    CoordinatorProcess mcp;

    @BeforeAll
    static void makeSource() throws IOException {
        source = CoordinatorProcess.longSource();
    }

    @AfterEach
    void killWhatIsLeft() throws IOException {
        if (mcp != null) {
            mcp.close();
        }
    }
}
