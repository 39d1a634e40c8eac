package mcp.copy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts worker JVMs: the running runtime's own {@code java}, the same class path, and
 * {@link WorkerMain}. In the jlink image that is the image's {@code bin/java}, so no Java needs to
 * be installed.
 */
public class WorkerLauncher {
    /**
     * Workers copy through direct buffers and allocate almost nothing: a small heap and the serial
     * collector keep their start-up and footprint small. C2 stays on: it has the CRC32C intrinsic.
     * JNA's native calls are allowed explicitly, or newer JDKs warn on stderr.
     */
    static final List<String> JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xms8m", "-Xmx64m", "-XX:-UsePerfData", "-Xshare:auto",
            // Reserved up front: the defaults (1 GiB, 240 MiB) do not fit under ulimit -v 1 GiB.
            "-XX:CompressedClassSpaceSize=32m", "-XX:ReservedCodeCacheSize=32m",
            "--enable-native-access=ALL-UNNAMED");

    /** The command line of the worker in {@code slot}. */
    public List<String> command(Path controlFile, int slot) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        // JNA's settings, among them the library path it found (which spares each worker running
        // ldconfig to find it again); not the flag that says this JVM has loaded JNA already.
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jna.") && !name.equals("jna.loaded")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WorkerMain.class.getName());
        command.add(controlFile.toString());
        command.add(Integer.toString(slot));
        return command;
    }

    /** Starts the worker in {@code slot}. Its standard error is a pipe the caller must drain. */
    public Process start(Path controlFile, int slot) throws IOException {
        return new ProcessBuilder(command(controlFile, slot))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
    }
}
