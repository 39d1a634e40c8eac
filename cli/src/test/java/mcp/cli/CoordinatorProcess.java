package mcp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mcp.copy.ControlFile;
import mcp.copy.WorkerMain;
import mcp.fixtures.Poll;
import mcp.fixtures.ProcessTree;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;

/**
 * {@code mcp} run as a child process of the test, with its workers as grandchildren, watched
 * through its control file: the test maps the same file the workers and the coordinator share and
 * reads (never writes) the state of the slots and chunks, so that it can act at a known point of
 * the copy instead of after a guessed delay. The mapping outlives the file, so the final state of
 * the copy can still be read after the coordinator removed it.
 */
final class CoordinatorProcess implements AutoCloseable {
    /** Generous for a loaded two-core machine: JVM start-ups take seconds there, not tenths. */
    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Seed of {@link #longSource()}'s bytes. */
    static final long LONG_SOURCE_SEED = 0x1417_0002L;
    private static Path longSource;
    static final String WORKER_MAIN = WorkerMain.class.getName();

    final List<String> command;
    final Process process;
    private final Path target;
    private final Pattern controlName;
    private Path controlPath;
    private ControlFile control;
    private Processes.Result result;

    private CoordinatorProcess(List<String> command, Path target) throws IOException {
        this(command, target, Map.of());
    }

    private CoordinatorProcess(List<String> command, Path target, Map<String, String> environment) throws IOException {
        this(command, target, environment, null);
    }

    private CoordinatorProcess(List<String> command, Path target, Map<String, String> environment, Path directory)
            throws IOException {
        this.command = command;
        this.target = target;
        this.controlName = Pattern.compile("\\." + Pattern.quote(target.getFileName().toString())
                + "\\.[0-9]+\\.[0-9]+\\.[0-9a-f]{16}\\.mcp-control");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory == null ? null : directory.toFile());
        builder.environment().putAll(environment);
        this.process = builder.start();
    }

    /**
     * A 1 GiB file of random bytes, made once for all tests in this JVM: copied in 1 MiB chunks it
     * takes seconds, long enough for a test to act while the copy is under way.
     */
    static synchronized Path longSource() throws IOException {
        if (longSource == null) {
            Path directory = Files.createTempDirectory("mcp-long-source");
            directory.toFile().deleteOnExit();
            longSource = TestFiles.random(directory.resolve("source"), 1L << 30, LONG_SOURCE_SEED);
            longSource.toFile().deleteOnExit();
        }
        return longSource;
    }

    /** Starts {@code mcp OPTIONS... SOURCE TARGET}; {@code target} must be an absolute file path. */
    static CoordinatorProcess start(Path source, Path target, Object... options) throws IOException {
        return new CoordinatorProcess(Processes.javaCommand(Main.class.getName(), arguments(source, target, options)), target);
    }

    /** As {@link #start}, with {@code environment} added to the coordinator's. */
    static CoordinatorProcess startWithEnvironment(Map<String, String> environment, Path source, Path target, Object... options)
            throws IOException {
        return new CoordinatorProcess(Processes.javaCommand(Main.class.getName(), arguments(source, target, options)), target,
                environment);
    }

    /** As {@link #start}, the coordinator's current directory being {@code directory}. */
    static CoordinatorProcess startIn(Path directory, Path source, Path target, Object... options) throws IOException {
        return new CoordinatorProcess(Processes.javaCommand(Main.class.getName(), arguments(source, target, options)), target,
                Map.of(), directory);
    }

    /** As {@link #start}, the coordinator leading a process group of its own, as a shell's foreground job does. */
    static CoordinatorProcess startInOwnProcessGroup(Path source, Path target, Object... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid"));   // execs in place: its pid is the coordinator's
        command.addAll(Processes.javaCommand(Main.class.getName(), arguments(source, target, options)));
        return new CoordinatorProcess(command, target);
    }

    /**
     * As {@link #start}, the coordinator started by a {@link WaitingParent}: {@link #process} is that
     * parent, which the test can stop so that it cannot reap the coordinator when it dies.
     */
    static CoordinatorProcess startUnderWaitingParent(Path source, Path target, Object... options) throws IOException {
        List<String> coordinator = Processes.javaCommand(Main.class.getName(), arguments(source, target, options));
        return new CoordinatorProcess(Processes.javaCommand(WaitingParent.class.getName(), coordinator.toArray(String[]::new)), target);
    }

    private static String[] arguments(Path source, Path target, Object... options) {
        return Stream.concat(Stream.of(options), Stream.of(source, target)).map(String::valueOf).toArray(String[]::new);
    }

    long pid() {
        return process.pid();
    }

    /** The coordinator JVM: {@link #process} itself, or its child if a {@link WaitingParent} started it. */
    ProcessHandle coordinator() {
        if (!ProcessTree.commandLine(process.toHandle()).contains(WaitingParent.class.getName())) {
            return process.toHandle();
        }
        return process.children().filter(child -> ProcessTree.commandLine(child).contains(Main.class.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no coordinator among the children of " + command));
    }

    /** The control file beside the target, once the coordinator has created and published it. */
    ControlFile control() throws Exception {
        if (control == null) {
            control = Poll.until("the coordinator publishes its control file beside " + target, PATIENCE, () -> {
                requireRunning("its control file was found");
                Optional<Path> path = controlFilePath();
                if (path.isEmpty()) {
                    return Optional.empty();
                }
                try {
                    ControlFile opened = ControlFile.open(path.get(), 1000);
                    controlPath = path.get();
                    return Optional.of(opened);
                } catch (IOException e) {
                    return Optional.empty();   // not filled in yet, or already gone (then requireRunning fails)
                }
            });
        }
        return control;
    }

    Path controlPath() throws Exception {
        control();
        return controlPath;
    }

    private Optional<Path> controlFilePath() {
        try (Stream<Path> entries = Files.list(target.getParent())) {
            return entries.filter(entry -> controlName.matcher(entry.getFileName().toString()).matches()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The live worker JVMs of this copy, wherever they are in the process tree (orphans too). */
    List<ProcessHandle> workers() throws Exception {
        return workersOf(control().coordinatorPid());
    }

    /** Workers name their coordinator's pid first on their command line. */
    private static List<ProcessHandle> workersOf(long coordinatorPid) {
        return ProcessTree.javaProcessesWithFirstArgument(WORKER_MAIN, Long.toString(coordinatorPid));
    }

    /** A worker of this copy that is alive and holds a claimed chunk: copying is under way. */
    record Busy(ProcessHandle process, int slot, List<Integer> claimed) {
    }

    /** Waits until some worker holds a claimed chunk (it is then copying it) and returns it. */
    Busy awaitBusyWorker() throws Exception {
        ControlFile control = control();
        return Poll.until("a worker of " + command + " holds a claimed chunk", PATIENCE, () -> {
            requireRunning("a worker was seen copying");
            return busyWorker(control);
        });
    }

    /** A live worker that holds a claimed chunk now, if there is one. */
    Optional<Busy> busyWorker(ControlFile control) {
        for (int slot = 0; slot < control.workerCount(); slot++) {
            long pid = control.slotPid(slot);
            if (pid == 0 || control.slotState(slot) != ControlFile.SLOT_RUNNING) {
                continue;
            }
            List<Integer> claimed = claimedBy(control, pid);
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (!claimed.isEmpty() && process.isPresent() && isWorkerOfThisCopy(process.get())) {
                return Optional.of(new Busy(process.get(), slot, claimed));
            }
        }
        return Optional.empty();
    }

    boolean isWorkerOfThisCopy(ProcessHandle process) {
        List<String> arguments = ProcessTree.commandLine(process);
        int at = arguments.indexOf(WORKER_MAIN);
        return at >= 0 && at + 1 < arguments.size() && arguments.get(at + 1).equals(Long.toString(control.coordinatorPid()));
    }

    static List<Integer> claimedBy(ControlFile control, long pid) {
        List<Integer> claimed = new ArrayList<>();
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunkState(chunk) == ControlFile.CLAIMED && control.chunkOwner(chunk) == pid) {
                claimed.add(chunk);
            }
        }
        return claimed;
    }

    static int countInState(ControlFile control, long state) {
        int count = 0;
        for (int chunk = 0; chunk < control.chunkCount(); chunk++) {
            if (control.chunkState(chunk) == state) {
                count++;
            }
        }
        return count;
    }

    /** Fails, with what the coordinator said, if it has already exited. */
    void requireRunning(String before) {
        if (!process.isAlive()) {
            throw new AssertionError("mcp exited before " + before + ": the copy may have been too quick for this test\n" + finish());
        }
    }

    /** Waits for the coordinator to exit and returns what it did. */
    Processes.Result finish() {
        if (result == null) {
            try {
                result = Processes.finish(command, process, PATIENCE.toSeconds() * 3);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return result;
    }

    /** Waits until no worker of this copy is alive, wherever it is in the process tree. */
    void awaitNoWorkers(String why) throws Exception {
        long coordinatorPid = control().coordinatorPid();
        Poll.until("no worker of this copy is alive (" + why + ")", PATIENCE, () -> workersOf(coordinatorPid).isEmpty());
    }

    /** Kills whatever is left of the run (also stopped workers), and unmaps the control file. */
    @Override
    public void close() throws IOException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (control != null) {
            workersOf(control.coordinatorPid()).forEach(ProcessHandle::destroyForcibly);
        }
        if (control != null) {
            control.close();
        }
    }
}
