package mcp.copy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test process that races others for the chunks of a control file: {@code ClaimRacer CONTROL
 * SLOT}. It waits until every slot has a racer, claims chunks until none is left, marks each done
 * with its own pid as the checksum, and prints its pid and the chunks it claimed.
 */
public final class ClaimRacer {
    private ClaimRacer() {
    }

    public static void main(String[] args) throws Exception {
        try (ControlFile control = ControlFile.open(Path.of(args[0]), 10_000)) {
            long pid = ProcessHandle.current().pid();
            control.slotStarted(Integer.parseInt(args[1]), pid);
            for (int slot = 0; slot < control.workerCount(); slot++) {
                while (control.slotState(slot) != ControlFile.SLOT_RUNNING) {
                    Thread.onSpinWait();
                }
            }
            List<Integer> claimed = new ArrayList<>();
            for (int chunk; (chunk = control.claimNext(pid)) >= 0; ) {
                claimed.add(chunk);
                for (int i = 0; i < 2_000; i++) {
                    Thread.onSpinWait(); // a little work per claim, so the racers overlap
                }
                control.markDone(chunk, pid);
            }
            StringBuilder line = new StringBuilder().append(pid);
            claimed.forEach(chunk -> line.append(' ').append(chunk));
            System.out.println(line);
        }
    }
}
