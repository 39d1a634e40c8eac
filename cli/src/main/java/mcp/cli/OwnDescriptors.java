package mcp.cli;

import java.io.File;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * The files the JVM itself holds open: its runtime's modules, the class path's jars, its random
 * devices. A name such as {@code /dev/fd/5} or {@code /proc/self/fd/5} means a descriptor the
 * user gave mcp; in this process it may instead be one of those, which mcp must then neither read
 * nor, worse, replace. cp, which opens none of them, says there is no such file; so does mcp.
 */
final class OwnDescriptors {
    /** Names that reach a descriptor of this very process, whatever number follows. */
    private static final Pattern DESCRIPTOR_NAME = Pattern.compile(
            "/dev/(fd/.*|stdin|stdout|stderr)|/proc/(self|thread-self|" + ProcessHandle.current().pid() + ")/(task/[0-9]+/)?fd/.*");

    private static volatile Set<String> own = Set.of();

    private OwnDescriptors() {
    }

    /**
     * Notes which descriptors the JVM opened for itself; call it first thing in {@code main},
     * before mcp opens anything. Files are told by device and inode.
     */
    static void snapshot() {
        String home = new File(System.getProperty("java.home")).getAbsolutePath() + "/";
        Set<String> classPath = new HashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.add(new File(entry).getAbsolutePath());
            }
        }
        Set<String> identities = new HashSet<>();
        File[] descriptors = new File("/proc/self/fd").listFiles();
        for (File descriptor : descriptors == null ? new File[0] : descriptors) {
            String name = "/proc/self/fd/" + descriptor.getName();
            try (NativeFile opened = NativeFile.open(null, name, 0, NativeFile.Open.PATH_ONLY)) {
                String target = opened.realName();
                if (target.startsWith(home) || classPath.contains(target) || List.of("/dev/random", "/dev/urandom").contains(target)) {
                    identities.add(identity(opened.status()));
                }
            } catch (ErrnoException e) {
                // Closed in the meantime (the listing's own descriptor): not one to protect.
            }
        }
        own = Set.copyOf(identities);
    }

    /**
     * Refuses {@code status}, the file that {@code name} led to, if the name went through a
     * descriptor of this process and reached one the JVM opened for itself.
     */
    static void check(String name, FileStatus status, String message) throws McpException {
        if (DESCRIPTOR_NAME.matcher(name).matches() && own.contains(identity(status))) {
            throw new McpException(message);
        }
    }

    private static String identity(FileStatus status) {
        return status.device() + ":" + status.inode();
    }
}
