package mcp.nativebridge;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a child JVM by {@link TruncatedMappingTest}: maps two pages of the file named by
 * {@code args[0]}, truncates the file to 0 bytes under the mapping, then reads the mapped bytes
 * with a bulk get. It prints one line per step so that the parent can tell how far it got and
 * whether the JVM survived the SIGBUS.
 *
 * <p>Where the {@link InternalError} surfaces depends on the JDK. JDK 25 throws it from the access
 * itself ({@code Unsafe.copyMemory0}). JDK 17 only records the fault, lets the faulting copy go on
 * (the bytes read are garbage) and throws the error asynchronously, at the thread's next
 * transition into the VM: in a fresh JVM that is still inside {@code ByteBuffer.get}, but in
 * warmed-up, compiled code it can be arbitrarily later. That is why this runs in a JVM of its own
 * and not inside the test's. As a backstop the try block ends with an array allocation in
 * {@code main}, which runs once and so is interpreted, where allocating an array always calls
 * into the VM ({@code InterpreterRuntime::newarray}) and delivers a pending error.
 */
public final class TruncatedMappingProbe {
    static final String MAPPED = "mapped";
    static final String TRUNCATED = "truncated";
    static final String ACCESS_RETURNED = "access-returned";
    static final String NO_ERROR = "no-error";
    static final String CAUGHT = "caught-internal-error: ";
    static final String ALIVE = "alive";

    private TruncatedMappingProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int pageSize = Math.toIntExact(Posix.pageSize());
        try (NativeFile file = NativeFile.openForReading(path);
                Mapping mapping = file.map(0, 2L * pageSize, Mapping.Access.READ_ONLY)) {
            say(MAPPED);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            say(TRUNCATED + " size=" + Files.size(path));
            byte[] into = new byte[2 * pageSize];
            try {
                mapping.buffer().duplicate().get(into);
                say(ACCESS_RETURNED);
                byte[] deliveryPoint = new byte[1];
                say(NO_ERROR + " " + deliveryPoint.length + " " + into[pageSize]);
            } catch (InternalError e) {
                StackTraceElement[] trace = e.getStackTrace();
                say(CAUGHT + e.getMessage() + " | thrown at " + (trace.length == 0 ? "?" : trace[0]));
            }
        }
        say(ALIVE);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
