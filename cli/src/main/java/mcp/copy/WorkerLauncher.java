package mcp.copy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts worker JVMs: the running runtime's own {@code java}, the same class path, and
 * {@link WorkerMain}. In the jlink image that is the image's {@code java}, so no Java needs to be
 * installed.
 */
public class WorkerLauncher {
    /**
     * Workers copy through direct buffers and allocate almost nothing: a small heap and the serial
     * collector keep their start-up and footprint small. C2 stays on: stopping at C1
     * ({@code -XX:TieredStopAtLevel=1}, as the coordinator does) measured no gain on a 1 GiB copy
     * with two workers (docs/design.md).
     * JNA's native calls are allowed explicitly, or newer JDKs warn on stderr. A crash report goes
     * to the worker's stderr, which the coordinator reads, never into a file in the user's current
     * directory, and no core file is written there either.
     */
    static final List<String> JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xms8m", "-Xmx64m", "-XX:-UsePerfData",
            "-XX:+ErrorFileToStderr", "-XX:-CreateCoredumpOnCrash",
            // Reserved up front: the defaults (1 GiB, 240 MiB) do not fit under ulimit -v 1 GiB.
            "-XX:CompressedClassSpaceSize=32m", "-XX:ReservedCodeCacheSize=32m",
            "--enable-native-access=ALL-UNNAMED");

    /**
     * The system property through which {@code bin/mcp} names the image's class-data archive, made
     * at package time for the coordinator and the workers alike; unset when mcp runs from plain jars.
     */
    static final String ARCHIVE_PROPERTY = "mcp.archive";

    /**
     * The options that give a worker {@code archive}, as {@code bin/mcp} gives it to the coordinator:
     * a JDK 25 AOT cache ({@code .aot}) or a JDK 17 CDS archive. A JVM that cannot use it (a JDK 17
     * image moved since it was built) starts without it, and would say so on stdout: that is
     * switched off. Without an archive, the runtime's default CDS archive.
     */
    static List<String> archiveOptions(String archive) {
        if (archive == null) {
            return List.of("-Xshare:auto");
        }
        if (archive.endsWith(".aot")) {
            return List.of("-XX:AOTMode=auto", "-XX:AOTCache=" + archive, "-Xlog:aot*=off");
        }
        return List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
    }

    /** Variables through which a user's environment would add options to every JVM, and print that it did. */
    static final List<String> JVM_ENVIRONMENT = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    /**
     * The running runtime's {@code java}, by the name {@code bin/mcp} where the runtime has one (the
     * image's, a link to {@code java}): a worker then shows as {@code mcp} in ps, top and pgrep.
     */
    static Path javaBinary() {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path named = bin.resolve("mcp");
        return Files.isExecutable(named) ? named : bin.resolve("java");
    }

    /**
     * The command line of the worker in {@code slot}: it reaches the control file as descriptor
     * {@code controlFd} of this process, which must have that device and inode.
     */
    public List<String> command(int controlFd, long controlDevice, long controlInode, int slot) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary().toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(archiveOptions(System.getProperty(ARCHIVE_PROPERTY)));
        // JNA's settings, among them where its native library is in the image (an absolute path:
        // bin/mcp makes it so); not the flag that says this JVM has loaded JNA already.
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jna.") && !name.equals("jna.loaded")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-cp");
        command.add(absolute(System.getProperty("java.class.path")));
        command.add(WorkerMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(Integer.toString(controlFd));
        command.add(Long.toString(controlDevice));
        command.add(Long.toString(controlInode));
        command.add(Integer.toString(slot));
        return command;
    }

    /**
     * A class path with every entry made absolute against the directory this JVM started in,
     * since workers run in {@code /}; an empty entry is that directory, an empty path stays empty.
     */
    static String absolute(String paths) {
        if (paths.isEmpty()) {
            return paths;
        }
        List<String> entries = new ArrayList<>();
        for (String entry : paths.split(File.pathSeparator, -1)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Starts the worker in {@code slot}. Its standard error is a pipe the caller must drain. It runs
     * in {@code /}: a worker names no file relative to a directory, and a JVM cannot start at all in
     * a current directory that was removed, which the user's may have been since mcp started.
     */
    public Process start(int controlFd, long controlDevice, long controlInode, int slot) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(controlFd, controlDevice, controlInode, slot))
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        Map<String, String> environment = builder.environment();
        JVM_ENVIRONMENT.forEach(environment::remove);
        return builder.start();
    }
}
