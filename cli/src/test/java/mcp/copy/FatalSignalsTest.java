package mcp.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link FatalSignals} in a real JVM: each test starts a {@link FatalSignalsProbe}, waits until it
 * says its handlers are installed, signals it with {@code kill(1)} and looks at what it printed
 * and how it exited. The probe runs on this JVM's java, so running the build with another
 * JAVA_HOME tests that JDK. It starts through {@code env --default-signal}, with every signal at
 * its default action whatever the build inherited, and, as the launcher has it, with the JVM's
 * thread suspend signal moved off SIGUSR2.
 */
class FatalSignalsTest {
    /** What the launcher sets {@code _JAVA_SR_SIGNUM} to: SIGRTMAX, used by neither glibc nor the JDK. */
    static final String SUSPEND_SIGNAL = "64";
    /** Generous for a loaded two-core machine, where a JVM takes seconds to start. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long a probe must outlive a signal that should not end it. */
    private static final Duration SURVIVAL = Duration.ofSeconds(1);
    /**
     * Ends a probe after a signal it should have survived. The JVM dispatches pending signals
     * lowest number first, and this one is above all that are tested for surviving: should one of
     * them wrongly reach the callback late, it still comes first.
     */
    private static final String LAST_SIGNAL = "SYS";
    private static final int LAST_SIGNAL_NUMBER = 31;

    @TempDir
    Path dir;
    private Probe probe;

    @AfterEach
    void noCrash() throws IOException {
        if (probe != null) {
            probe.close();
        }
        assertEquals(List.of(), TestFiles.names(dir), "the probe JVM left no crash log");
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"HUP, 1", "INT, 2", "TRAP, 5", "ABRT, 6", "USR1, 10", "USR2, 12", "ALRM, 14", "TERM, 15", "STKFLT, 16",
            "XCPU, 24", "VTALRM, 26", "PROF, 27", "IO, 29", "PWR, 30", "SYS, 31"})
    void aFatalSignalReachesTheCallbackAndTheExitStatusIs128PlusItsNumber(String name, int number) throws Exception {
        probe = Probe.start(dir, Map.of("_JAVA_SR_SIGNUM", SUSPEND_SIGNAL), List.of(), "exit");
        assertTrue(probe.awaitReady().contains(number), "SIG" + name + " is handled\n" + probe);
        probe.signal(name);

        assertEquals(FatalSignals.EXIT_STATUS_BASE + number, probe.exitCode(), probe.toString());
        assertEquals(List.of(FatalSignalsProbe.SIGNAL + number), probe.signalLines(), probe.toString());
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"QUIT, 3", "PIPE, 13", "XFSZ, 25"})
    void aSignalTheJvmKeepsNeitherReachesTheCallbackNorEndsTheProcess(String name, int number) throws Exception {
        probe = Probe.start(dir, Map.of("_JAVA_SR_SIGNUM", SUSPEND_SIGNAL), List.of(), "exit");
        assertFalse(probe.awaitReady().contains(number), "SIG" + name + " is left to the JVM\n" + probe);
        probe.signal(name);

        assertFalse(probe.exitsWithin(SURVIVAL), "SIG" + name + " did not end the process\n" + probe);
        if (name.equals("QUIT")) {
            probe.awaitLine("Full thread dump");
        }
        probe.signal(LAST_SIGNAL);
        assertEquals(FatalSignals.EXIT_STATUS_BASE + LAST_SIGNAL_NUMBER, probe.exitCode(), probe.toString());
        assertEquals(List.of(FatalSignalsProbe.SIGNAL + LAST_SIGNAL_NUMBER), probe.signalLines(), probe.toString());
    }

    /** With its suspend signal on SIGUSR2, the JVM sends SIGUSR2 itself (to sample threads, for one). */
    @Test
    void usr2IsLeftToTheJvmWhileItIsTheJvmsSuspendSignal() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("_JAVA_SR_SIGNUM", null);
        probe = Probe.start(dir, environment, List.of(), "exit");
        List<Integer> handled = probe.awaitReady();

        assertFalse(handled.contains(12), "SIGUSR2 is left to the JVM\n" + probe);
        assertTrue(handled.contains(10), "SIGUSR1 is handled\n" + probe);
    }

    /** As {@code nohup} does for SIGHUP, and a shell for SIGINT and SIGQUIT of a background job. */
    @Test
    void aSignalIgnoredWhenTheJvmStartedStaysIgnored() throws Exception {
        probe = Probe.start(dir, Map.of("_JAVA_SR_SIGNUM", SUSPEND_SIGNAL), List.of("--ignore-signal=USR1"), "exit");
        assertFalse(probe.awaitReady().contains(10), "SIGUSR1 is not handled\n" + probe);
        probe.signal("USR1");

        assertFalse(probe.exitsWithin(SURVIVAL), "SIGUSR1 was ignored\n" + probe);
        probe.signal(LAST_SIGNAL);
        assertEquals(FatalSignals.EXIT_STATUS_BASE + LAST_SIGNAL_NUMBER, probe.exitCode(), probe.toString());
        assertEquals(List.of(FatalSignalsProbe.SIGNAL + LAST_SIGNAL_NUMBER), probe.signalLines(), probe.toString());
    }

    /** sun.misc.Signal knows no names for them: they end the JVM at once, as SIGKILL does. */
    @Test
    void aRealTimeSignalEndsTheProcessWithoutTheCallback() throws Exception {
        int rtMinPlus6 = 40;
        probe = Probe.start(dir, Map.of("_JAVA_SR_SIGNUM", SUSPEND_SIGNAL), List.of(), "exit");
        List<Integer> handled = probe.awaitReady();
        assertTrue(handled.stream().allMatch(number -> number < 32), "no real-time signal is handled\n" + probe);
        probe.signal(Integer.toString(rtMinPlus6));

        assertEquals(FatalSignals.EXIT_STATUS_BASE + rtMinPlus6, probe.exitCode(), probe.toString());
        assertEquals(List.of(), probe.signalLines(), probe.toString());
    }

    @Test
    void aSecondSignalDuringTheCallbackIsSwallowed() throws Exception {
        probe = Probe.start(dir, Map.of("_JAVA_SR_SIGNUM", SUSPEND_SIGNAL), List.of(), "slow");
        probe.awaitReady();
        probe.signal("USR1");
        probe.awaitLine(FatalSignalsProbe.SIGNAL + 10);
        probe.signal("TERM");

        assertEquals(FatalSignals.EXIT_STATUS_BASE + 10, probe.exitCode(), probe.toString());
        assertEquals(List.of(FatalSignalsProbe.SIGNAL + 10), probe.signalLines(), probe.toString());
    }

    @Test
    void theProcessEndsWith128PlusTheNumberEvenIfTheCallbackReturns() throws Exception {
        probe = Probe.start(dir, Map.of("_JAVA_SR_SIGNUM", SUSPEND_SIGNAL), List.of(), "return");
        probe.awaitReady();
        probe.signal("ALRM");

        assertEquals(FatalSignals.EXIT_STATUS_BASE + 14, probe.exitCode(), probe.toString());
        assertEquals(List.of(FatalSignalsProbe.SIGNAL + 14), probe.signalLines(), probe.toString());
    }

    @Test
    void preferAsOomVictimSetsTheHighestOomScoreAdjustment() throws Exception {
        probe = Probe.start(dir, Map.of(), List.of(), "exit", "oom");

        assertEquals(FatalSignalsProbe.OOM_SCORE_ADJ + FatalSignals.OOM_SCORE_ADJ_MAX,
                probe.awaitLine(FatalSignalsProbe.OOM_SCORE_ADJ), probe.toString());
    }

    /** A running probe JVM; what it prints (stdout and stderr) arrives line by line. */
    private static final class Probe implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        private Probe(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "probe-output");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * Starts {@code env --default-signal ENV_OPTIONS java FatalSignalsProbe ARGS} in {@code dir},
         * with {@code environment} changing this JVM's (a null value removes the variable).
         */
        static Probe start(Path dir, Map<String, String> environment, List<String> envOptions, String... args)
                throws IOException {
            List<String> java = new ArrayList<>(Processes.javaCommand(FatalSignalsProbe.class.getName(), args));
            // A crash leaves its log in dir, where the test looks for it, and no core file.
            java.addAll(1, List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log")));
            List<String> command = new ArrayList<>(List.of("env", "--default-signal"));
            command.addAll(envOptions);
            command.addAll(java);
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            environment.forEach((name, value) -> {
                if (value == null) {
                    builder.environment().remove(name);
                } else {
                    builder.environment().put(name, value);
                }
            });
            Process process = builder.start();
            process.getOutputStream().close();
            return new Probe(process);
        }

        private void read() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    unread.add(line);
                }
            } catch (IOException e) {
                // The probe is gone; what it printed so far is kept.
            }
        }

        /** Waits for the next line starting with {@code prefix} and returns it. */
        String awaitLine(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (true) {
                String line = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no line starting with \"" + prefix + "\" within " + PATIENCE.toSeconds() + " s\n" + this);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        /** Waits until the handlers are installed; the numbers of the signals handled. */
        List<Integer> awaitReady() throws InterruptedException {
            String line = awaitLine(FatalSignalsProbe.READY);
            return Arrays.stream(line.substring(FatalSignalsProbe.READY.length()).trim().split(" "))
                    .filter(word -> !word.isEmpty()).map(Integer::valueOf).collect(Collectors.toList());
        }

        void signal(String name) throws IOException, InterruptedException {
            assertTrue(ProcessTree.signal(name, process.pid()), "kill -" + name + " " + process.pid() + " succeeded\n" + this);
        }

        boolean exitsWithin(Duration time) throws InterruptedException {
            return process.waitFor(time.toMillis(), TimeUnit.MILLISECONDS);
        }

        int exitCode() throws InterruptedException {
            assertTrue(exitsWithin(PATIENCE), "the probe exited within " + PATIENCE.toSeconds() + " s\n" + this);
            reader.join(PATIENCE.toMillis());
            return process.exitValue();
        }

        /** The callback's lines, all of them so far. */
        List<String> signalLines() {
            synchronized (lines) {
                return lines.stream().filter(line -> line.startsWith(FatalSignalsProbe.SIGNAL)).collect(Collectors.toList());
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            synchronized (lines) {
                return "probe " + process.pid() + " printed:\n" + String.join("\n", lines);
            }
        }
    }
}
