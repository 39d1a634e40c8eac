package mcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import mcp.fixtures.Processes;
import mcp.fixtures.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sources whose size says nothing of their content: procfs files (size 0, text inside), sysfs
 * attributes (size 4096, a line inside, and no mmap), a FIFO, {@code /dev/null}; and a socket,
 * which cannot be opened at all. mcp runs as a process in the test directory; each copy must hold
 * exactly what the test reads from the same file, and nothing but DEST may be left behind.
 */
class LyingSizeSourceTest {
    /** Sysfs attributes that every Linux has readable and that do not change from one read to the next. */
    private static final List<String> SYSFS_ATTRIBUTES = List.of(
            "/sys/kernel/mm/transparent_hugepage/enabled", "/sys/kernel/mm/transparent_hugepage/defrag",
            "/sys/devices/system/cpu/possible", "/sys/devices/system/cpu/present", "/sys/power/state");

    @TempDir
    Path dir;

    private Processes.Result mcp(String... args) throws Exception {
        return Processes.run(Processes.javaCommand(Main.class.getName(), args), dir, 60);
    }

    private void assertCopied(Processes.Result result, byte[] expected) throws IOException {
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.err(), "a successful copy says nothing");
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("dst")), "the copy holds what the source held");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/proc/version", "/proc/sys/kernel/ostype"})
    void aProcfsFileIsCopiedWholeThoughItsSizeIsZero(String name) throws Exception {
        Path source = Path.of(name);
        byte[] content = Files.readAllBytes(source);
        assertEquals(0, Files.size(source), "procfs gives " + name + " a size of 0");
        assertNotEquals(0, content.length, name + " is not empty");

        assertCopied(mcp(name, "dst"), content);
        assertEquals(List.of("dst"), TestFiles.names(dir), "no temporary or control file is left");
    }

    @Test
    void aSysfsAttributeIsCopiedAsTheLineItHolds() throws Exception {
        Optional<Path> readable = SYSFS_ATTRIBUTES.stream().map(Path::of).filter(Files::isReadable).findFirst();
        Skip.unless(readable.isPresent(), "none of " + SYSFS_ATTRIBUTES + " is readable here");
        Path source = readable.get();
        byte[] content = Files.readAllBytes(source);
        assertNotEquals(Files.size(source), content.length, "the size sysfs gives " + source + " is not its content's");

        assertCopied(mcp(source.toString(), "dst"), content);
        assertEquals(List.of("dst"), TestFiles.names(dir), "no temporary or control file is left");
    }

    /** Starts {@code sh -c SCRIPT} in the test directory: a writer that opens the FIFO, writes and closes it. */
    private Process producer(String script, String... args) throws IOException {
        List<String> command = Stream.concat(Stream.of("sh", "-c", script, "sh"), Stream.of(args)).toList();
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    private void mkfifo(String name) throws Exception {
        Processes.Result made = Processes.run(List.of("mkfifo", name), dir, 30);
        assertEquals(0, made.exitCode(), made.toString());
    }

    @Test
    void aFifoIsCopiedUntilItsWriterClosesIt() throws Exception {
        mkfifo("fifo");
        String text = "first line\nsecond\tline\n";
        Process writer = producer("printf '%s' \"$1\" > fifo", text);
        try {
            assertCopied(mcp("fifo", "dst"), text.getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, writer.waitFor(), "the writer finished");
        } finally {
            writer.destroyForcibly();
        }
        assertEquals(List.of("dst", "fifo"), TestFiles.names(dir), "no temporary or control file is left");
    }

    /** More than a pipe holds and more than the coordinator reads at once, in many writes. */
    @Test
    void aFifoFedMoreThanOneReadBufferIsCopiedWhole() throws Exception {
        long seed = 3_000_001;
        Path payload = TestFiles.random(dir.resolve("payload"), (3 << 20) + 12_345, seed);
        mkfifo("fifo");
        Process writer = producer("dd if=payload of=fifo bs=4k status=none");
        try {
            assertCopied(mcp("fifo", "dst"), Files.readAllBytes(payload));
            assertEquals(0, writer.waitFor(), "the writer finished");
        } finally {
            writer.destroyForcibly();
        }
        assertEquals(List.of("dst", "fifo", "payload"), TestFiles.names(dir), "no temporary or control file is left");
    }

    @Test
    void devNullIsCopiedAsAnEmptyFile() throws Exception {
        Processes.Result result = mcp("/dev/null", "dst");

        assertCopied(result, new byte[0]);
        assertEquals(List.of("dst"), TestFiles.names(dir), "no temporary or control file is left");
    }

    @Test
    void aSocketIsRefusedAsCpRefusesIt() throws Exception {
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(dir.resolve("sock")));
            Processes.Result result = mcp("sock", "dst");

            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("mcp: cannot open 'sock' for reading: No such device or address\n", result.err(), result.toString());
            assertEquals(List.of("sock"), TestFiles.names(dir), "no destination, temporary or control file is made");
        }
    }
}
