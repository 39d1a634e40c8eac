package mcp.copy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Placeholder until the signal handling lands: only the OOM preference. */
public final class FatalSignals {
    private FatalSignals() {
    }

    /** Makes this process the OOM killer's first choice, so memory pressure costs a worker, not the run. */
    public static void preferAsOomVictim() {
        try {
            Files.write(Path.of("/proc/self/oom_score_adj"), "1000".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            // Not Linux, or /proc is not mounted: nothing to prefer.
        }
    }
}
