package mcp.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every constant the bindings hard-code, and every offset in the structs they read, checked
 * against the C headers of the machine the tests run on: a small C program prints what the
 * headers say and each value is compared with the Java one. Skipped if there is no C compiler.
 */
class NativeConstantsTest {
    /** The classes whose non-private {@code static final} int and long fields are all C constants. */
    private static final List<Class<?>> CONSTANT_CLASSES = List.of(Fcntl.class, Mman.class, FileStatus.class, ErrnoException.class);

    /** The C expression of the Java constants whose C spelling is not their own name. */
    private static final Map<String, String> C_EXPRESSIONS = Map.of(
            "Fcntl.STATX_LENGTH", "sizeof(struct statx)",
            "Fcntl.STATFS_LENGTH", "sizeof(struct statfs)",
            "FileStatus.PERMISSIONS", "S_ISUID | S_ISGID | S_ISVTX | S_IRWXU | S_IRWXG | S_IRWXO",
            "FileStatus.ATTR_IMMUTABLE", "STATX_ATTR_IMMUTABLE",
            "FileStatus.ATTR_APPEND", "STATX_ATTR_APPEND");

    /**
     * Where {@link FileStatus#of} and {@link NativeFile}'s statfs reads find each field, and how
     * wide a read they make there: "struct.member" to {offset, size in bytes}.
     */
    private static final Map<String, long[]> FIELDS = fields();

    private static Map<String, long[]> fields() {
        Map<String, long[]> fields = new LinkedHashMap<>();
        fields.put("statx.stx_attributes", new long[] {8, 8});
        fields.put("statx.stx_nlink", new long[] {16, 4});
        fields.put("statx.stx_uid", new long[] {20, 4});
        fields.put("statx.stx_gid", new long[] {24, 4});
        fields.put("statx.stx_mode", new long[] {28, 2});
        fields.put("statx.stx_ino", new long[] {32, 8});
        fields.put("statx.stx_size", new long[] {40, 8});
        fields.put("statx.stx_blocks", new long[] {48, 8});
        fields.put("statx.stx_atime.tv_sec", new long[] {64, 8});
        fields.put("statx.stx_atime.tv_nsec", new long[] {72, 4});
        fields.put("statx.stx_ctime.tv_sec", new long[] {96, 8});
        fields.put("statx.stx_ctime.tv_nsec", new long[] {104, 4});
        fields.put("statx.stx_mtime.tv_sec", new long[] {112, 8});
        fields.put("statx.stx_mtime.tv_nsec", new long[] {120, 4});
        fields.put("statx.stx_rdev_major", new long[] {128, 4});
        fields.put("statx.stx_rdev_minor", new long[] {132, 4});
        fields.put("statx.stx_dev_major", new long[] {136, 4});
        fields.put("statx.stx_dev_minor", new long[] {140, 4});
        fields.put("statfs.f_type", new long[] {0, 8});
        fields.put("statfs.f_bsize", new long[] {8, 8});
        fields.put("statfs.f_bavail", new long[] {32, 8});
        fields.put("statfs.f_frsize", new long[] {72, 8});
        // futimens and utimensat take two of these as a long[4].
        fields.put("timespec.tv_sec", new long[] {0, 8});
        fields.put("timespec.tv_nsec", new long[] {8, 8});
        // NativeFile.list reads getdents64's records; glibc's struct dirent64 has their layout.
        fields.put("dirent64.d_reclen", new long[] {16, 2});
        fields.put("dirent64.d_type", new long[] {18, 1});
        fields.put("dirent64.d_name", new long[] {19, 256});
        return fields;
    }

    @TempDir
    static Path dir;

    /** What the C program printed: "NAME VALUE" lines as a map; null if there is no C compiler. */
    private static Map<String, String> printed;
    private static String skipReason;

    @BeforeAll
    static void compileAndRunTheCProgram() throws Exception {
        Path cc = onPath("cc");
        if (cc == null) {
            skipReason = "no C compiler: 'cc' is not on PATH (" + System.getenv("PATH") + "), so the constants are not checked against the C headers";
            System.out.println("NativeConstantsTest skipped: " + skipReason);
            return;
        }
        Path source = Files.writeString(dir.resolve("constants.c"), cProgram());
        Path program = dir.resolve("constants");
        run(cc.toString(), "-std=gnu11", "-Wall", "-Werror", "-o", program.toString(), source.toString());
        printed = new TreeMap<>();
        for (String line : run(program.toString()).split("\n")) {
            if (!line.isEmpty()) {
                String[] parts = line.split(" ", 2);
                printed.put(parts[0], parts[1]);
            }
        }
    }

    @BeforeEach
    void needsTheCProgram() {
        Assumptions.assumeTrue(printed != null, skipReason);
    }

    @Test
    void everyJavaConstantEqualsTheCHeaders() throws IllegalAccessException {
        Map<String, Long> java = javaConstants();
        assertTrue(java.size() > 60, "found only " + java.keySet());
        StringBuilder wrong = new StringBuilder();
        for (Map.Entry<String, Long> constant : java.entrySet()) {
            long c = Long.parseLong(printed.get(constant.getKey()));
            if (c != constant.getValue()) {
                wrong.append(String.format("%n  %s is %d (0%o, 0x%x) in Java but %d (0%o, 0x%x) in C",
                        constant.getKey(), constant.getValue(), constant.getValue(), constant.getValue(), c, c, c));
            }
        }
        if (wrong.length() > 0) {
            fail("on " + System.getProperty("os.arch") + ":" + wrong);
        }
    }

    @Test
    void theArchitectureDependentOpenFlagsFollowTheRunningArchitecture() {
        // Fcntl.ARM picks O_DIRECTORY and O_NOFOLLOW; both values must be the headers' for this machine.
        assertEquals(Long.parseLong(printed.get("Fcntl.O_DIRECTORY")), Fcntl.O_DIRECTORY, "O_DIRECTORY, ARM=" + Fcntl.ARM);
        assertEquals(Long.parseLong(printed.get("Fcntl.O_NOFOLLOW")), Fcntl.O_NOFOLLOW, "O_NOFOLLOW, ARM=" + Fcntl.ARM);
    }

    @Test
    void theStructFieldsAreWhereTheBindingsReadThem() {
        StringBuilder wrong = new StringBuilder();
        FIELDS.forEach((field, expected) -> {
            long offset = Long.parseLong(printed.get("offsetof." + field));
            long size = Long.parseLong(printed.get("sizeof." + field));
            if (offset != expected[0] || size != expected[1]) {
                wrong.append(String.format("%n  %s: read at %d as %d bytes, but C has it at %d, %d bytes",
                        field, expected[0], expected[1], offset, size));
            }
        });
        if (wrong.length() > 0) {
            fail("on " + System.getProperty("os.arch") + ":" + wrong);
        }
    }

    @Test
    void fileStatusReadsAStatxThatCFilledIn() {
        byte[] statx = HexFormat.of().parseHex(printed.get("filled.statx"));
        assertEquals(Fcntl.STATX_LENGTH, statx.length);
        FileStatus expected = new FileStatus(0104755, 1000001, 2000002, 3000000003L, 0x123456789ABL, 0x2345678L,
                (259L << 32) | 0x12345, 0x1122334455667788L, 1700000001L, 123456789, 1700000002L, 987654321,
                FileStatus.ATTR_IMMUTABLE | FileStatus.ATTR_APPEND | (1L << 40), 1600000003L, 333, (7L << 32) | 8);
        FileStatus read = FileStatus.of(statx);
        assertEquals(expected, read);
        assertTrue(read.isRegularFile());
        assertEquals(04755, read.permissions());
        assertFalse(read.isDeviceNode());
    }

    @Test
    void makeNodePacksTheDeviceAsGlibcsMakedevDoes() {
        long rdev = (0x12345678L << 32) | 0x9abcdef0L;
        assertEquals(Long.toHexString(Long.parseUnsignedLong(printed.get("filled.makedev"))), Long.toHexString(NativeFile.devT(rdev)));
        assertEquals(Long.toHexString(Long.parseUnsignedLong(printed.get("filled.makedev.small"))),
                Long.toHexString(NativeFile.devT((8L << 32) | 1)));
    }

    @Test
    void nativeFileReadsAStatfsThatCFilledIn() {
        byte[] statfs = HexFormat.of().parseHex(printed.get("filled.statfs"));
        assertEquals(Fcntl.STATFS_LENGTH, statfs.length);
        assertEquals(0x58465342L, NativeFile.fileSystemType(statfs));
        assertEquals(123456789L * 4096, NativeFile.availableBytes(statfs), "f_bavail counts blocks of f_frsize bytes");
        byte[] old = HexFormat.of().parseHex(printed.get("filled.statfs.without.frsize"));
        assertEquals(123456789L * 65536, NativeFile.availableBytes(old), "without f_frsize, blocks of f_bsize bytes");
    }

    /** The Java constants, as "Class.NAME" to value. */
    private static Map<String, Long> javaConstants() throws IllegalAccessException {
        Map<String, Long> constants = new TreeMap<>();
        for (Class<?> type : CONSTANT_CLASSES) {
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                boolean number = field.getType() == int.class || field.getType() == long.class;
                if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && !Modifier.isPrivate(modifiers) && number) {
                    field.setAccessible(true);
                    constants.put(type.getSimpleName() + "." + field.getName(), ((Number) field.get(null)).longValue());
                }
            }
        }
        return constants;
    }

    private static String cProgram() throws IllegalAccessException {
        StringBuilder c = new StringBuilder();
        c.append("#define _GNU_SOURCE\n");
        for (String header : List.of("fcntl.h", "sys/stat.h", "sys/statfs.h", "sys/mman.h", "sys/syscall.h", "sys/sysmacros.h",
                "dirent.h", "errno.h", "unistd.h", "time.h", "stddef.h", "stdio.h", "string.h")) {
            c.append("#include <").append(header).append(">\n");
        }
        c.append("""

                static void dump(const char *name, const void *bytes, size_t length) {
                    printf("%s ", name);
                    for (size_t i = 0; i < length; i++) {
                        printf("%02x", ((const unsigned char *) bytes)[i]);
                    }
                    printf("\\n");
                }

                int main(void) {
                """);
        for (String name : javaConstants().keySet()) {
            String expression = C_EXPRESSIONS.getOrDefault(name, name.substring(name.indexOf('.') + 1));
            c.append(String.format("    printf(\"%%s %%lld\\n\", \"%s\", (long long) (%s));%n", name, expression));
        }
        for (String field : FIELDS.keySet()) {
            String struct = field.substring(0, field.indexOf('.'));
            String member = field.substring(field.indexOf('.') + 1);
            c.append(String.format("    printf(\"%%s %%lld\\n\", \"offsetof.%s\", (long long) offsetof(struct %s, %s));%n",
                    field, struct, member));
            c.append(String.format("    printf(\"%%s %%lld\\n\", \"sizeof.%s\", (long long) sizeof(((struct %s *) 0)->%s));%n",
                    field, struct, member));
        }
        // Every field gets a value of its own, the ones FileStatus skips too, so a read at the
        // wrong offset finds the wrong value.
        c.append("""
                    struct statx sx;
                    memset(&sx, 0, sizeof sx);
                    sx.stx_mask = STATX_BASIC_STATS;
                    sx.stx_blksize = 4096;
                    sx.stx_attributes = STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND | (1ULL << 40);
                    sx.stx_nlink = 3000000003U;
                    sx.stx_uid = 1000001;
                    sx.stx_gid = 2000002;
                    sx.stx_mode = 0104755;
                    sx.stx_ino = 0x1122334455667788ULL;
                    sx.stx_size = 0x123456789ABULL;
                    sx.stx_blocks = 0x2345678ULL;
                    sx.stx_attributes_mask = 0xFFFF;
                    sx.stx_atime.tv_sec = 1600000003; sx.stx_atime.tv_nsec = 333;
                    sx.stx_btime.tv_sec = 1600000004; sx.stx_btime.tv_nsec = 444;
                    sx.stx_ctime.tv_sec = 1700000002; sx.stx_ctime.tv_nsec = 987654321;
                    sx.stx_mtime.tv_sec = 1700000001; sx.stx_mtime.tv_nsec = 123456789;
                    sx.stx_rdev_major = 7; sx.stx_rdev_minor = 8;
                    sx.stx_dev_major = 259; sx.stx_dev_minor = 0x12345;
                    dump("filled.statx", &sx, sizeof sx);

                    struct statfs sf;
                    memset(&sf, 0, sizeof sf);
                    sf.f_type = 0x58465342;
                    sf.f_bsize = 65536;
                    sf.f_blocks = 900000001;
                    sf.f_bfree = 800000002;
                    sf.f_bavail = 123456789;
                    sf.f_files = 700000003;
                    sf.f_ffree = 600000004;
                    sf.f_namelen = 255;
                    sf.f_frsize = 4096;
                    sf.f_flags = 0x400;
                    dump("filled.statfs", &sf, sizeof sf);
                    sf.f_frsize = 0;
                    dump("filled.statfs.without.frsize", &sf, sizeof sf);

                    printf("filled.makedev %llu\\n", (unsigned long long) makedev(0x12345678U, 0x9abcdef0U));
                    printf("filled.makedev.small %llu\\n", (unsigned long long) makedev(8, 1));
                    return 0;
                }
                """);
        return c.toString();
    }

    private static Path onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not exit");
        }
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
        return output;
    }
}
