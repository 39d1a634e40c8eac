package mcp.copy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A test process for {@link FatalSignals}: {@code FatalSignalsProbe MODE [oom]}. It installs the
 * handlers, prints {@code ready} and the numbers of the signals it handles, and waits to be
 * signalled. The callback prints {@code signal N} and then, by MODE: {@code exit} exits with
 * 128 + N; {@code slow} first waits {@link #SLOW_MILLIS}, so that a test can send another signal
 * meanwhile; {@code return} returns, leaving the exit to {@link FatalSignals}. With {@code oom} it
 * calls {@link FatalSignals#preferAsOomVictim()} and prints {@code oom_score_adj} and its value.
 */
public final class FatalSignalsProbe {
    static final String READY = "ready";
    static final String SIGNAL = "signal ";
    static final String OOM_SCORE_ADJ = "oom_score_adj ";
    static final long SLOW_MILLIS = 1_000;
    /** Exit status when no signal came: far above any test's patience. */
    static final int EXIT_UNSIGNALLED = 99;
    private static final long WAIT_MILLIS = 300_000;

    private FatalSignalsProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        List<Integer> handled = FatalSignals.install(signal -> {
            System.out.println(SIGNAL + signal);
            System.out.flush();
            if (mode.equals("slow")) {
                sleep(SLOW_MILLIS);
            }
            if (!mode.equals("return")) {
                System.exit(FatalSignals.EXIT_STATUS_BASE + signal);
            }
        });
        if (args.length > 1 && args[1].equals("oom")) {
            FatalSignals.preferAsOomVictim();
            System.out.println(OOM_SCORE_ADJ + Files.readString(Path.of("/proc/self/oom_score_adj")).trim());
        }
        System.out.println(READY + handled.stream().map(number -> " " + number).collect(Collectors.joining()));
        System.out.flush();
        Thread.sleep(WAIT_MILLIS);
        System.exit(EXIT_UNSIGNALLED);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
