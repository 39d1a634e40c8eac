package mcp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The other user: run as {@code nobody} against a directory it can write while root copies into
 * it with mcp. {@code ScratchAttacker DIR STASH SECRET VICTIM DEST-PREFIX COUNT}.
 *
 * <p>It first plants symbolic links to SECRET (root's, mode 0600) and VICTIM (root's, outside
 * DIR) under names a scratch file of {@code DEST-PREFIX0 .. DEST-PREFIX(COUNT-1)} could have, then
 * prints {@code ready} and, until its standard input closes, watches DIR. Each scratch file of
 * mcp's it sees ({@code .*.mcp-part}, {@code .*.mcp-control} owned by someone else) it attacks,
 * by a choice made per copy: replace it with a link to SECRET or to VICTIM, or move it into STASH
 * and put a file of its own under its name; for a temporary file it also plants a link to SECRET
 * under the name the control file will have. One copy in three is spared, so that copies under
 * watch also succeed. It also tries to open the coordinator's descriptors through /proc, and
 * saves anything it manages to read into STASH. At the end it prints what it did, one
 * {@code key=value} per line.
 */
public final class ScratchAttacker {
    /** What the attacker writes into files of its own. */
    static final byte[] OWN_BYTES = "attacker's own file\n".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final Path stash;
    private final Path secret;
    private final Path victim;
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Set<String> seenWorkers = new HashSet<>();
    /** Names of mcp's files already dealt with. */
    private final Set<String> attacked = new HashSet<>();
    private final int uid;
    private final SplittableRandom random = new SplittableRandom();
    private int serial;

    private ScratchAttacker(Path dir, Path stash, Path secret, Path victim) throws IOException {
        this.uid = (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        this.dir = dir;
        this.stash = stash;
        this.secret = secret;
        this.victim = victim;
    }

    public static void main(String[] args) throws Exception {
        ScratchAttacker attacker = new ScratchAttacker(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
        attacker.plant(args[4], Integer.parseInt(args[5]));
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // Stop when the test closes our standard input.
                }
            } catch (IOException e) {
                // Stop as well.
            }
            stop.set(true);
        });
        watcher.setDaemon(true);
        watcher.start();
        System.out.println("ready");
        System.out.flush();
        for (long round = 0; !stop.get(); round++) {
            attacker.round();
            if (round % 100 == 0) {
                attacker.probeDescriptors();
            }
            LockSupport.parkNanos(200_000);
        }
        attacker.counts.forEach((key, value) -> System.out.println(key + "=" + value));
    }

    private void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    /** (b) Links under names that scratch files of the coming copies could have. */
    private void plant(String destPrefix, int copies) {
        for (int i = 0; i < copies; i++) {
            String leaf = destPrefix + i;
            List<String> names = new ArrayList<>(List.of("." + leaf + ".mcp-part", "." + leaf + ".mcp-control",
                    "." + leaf + ".0000000000000000.mcp-part", "." + leaf + ".0000000000000000.mcp-control",
                    "." + leaf + ".ffffffffffffffff.mcp-part"));
            for (int k = 0; k < 4; k++) {
                // The names mcp gives: the coordinator's pid and start time, which can be guessed, and 64 random bits.
                String stem = "." + leaf + "." + (1 + random.nextInt(1 << 22)) + "." + random.nextInt(1 << 30) + "."
                        + String.format("%016x", random.nextLong());
                names.add(stem + ".mcp-part");
                names.add(stem + ".mcp-control");
            }
            for (int k = 0; k < names.size(); k++) {
                try {
                    Files.createSymbolicLink(dir.resolve(names.get(k)), k % 2 == 0 ? secret : victim);
                    count("planted-links");
                } catch (IOException e) {
                    count("planted-links-failed");
                }
            }
        }
    }

    /** (a) One look at the directory, attacking each scratch file of mcp's found there. */
    private void round() {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, ".*.mcp-*")) {
            stream.forEach(entries::add);
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            boolean part = name.endsWith(".mcp-part");
            if (!part && !name.endsWith(".mcp-control")) {
                continue;
            }
            try {
                if (Files.isSymbolicLink(entry) || (int) Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid
                        || !attacked.add(name)) {
                    continue;   // ours, or dealt with
                }
            } catch (IOException e) {
                continue;
            }
            String stem = name.substring(0, name.lastIndexOf(".mcp-"));
            int choice = Math.floorMod(stem.hashCode(), 12);
            if (choice % 3 == 0) {
                count("spared");
                continue;
            }
            try {
                switch (choice % 4) {
                    case 0:
                        replaceWithLink(entry, secret);
                        count("replaced-with-link-to-secret");
                        break;
                    case 1:
                        replaceWithLink(entry, victim);
                        count("replaced-with-link-to-victim");
                        break;
                    case 2:
                        Files.move(entry, stash.resolve(name + "." + serial++), StandardCopyOption.ATOMIC_MOVE);
                        Files.write(entry, OWN_BYTES, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        count("moved-away-and-replaced-by-own-file");
                        break;
                    default:
                        if (part) {
                            Files.createSymbolicLink(dir.resolve(stem + ".mcp-control"), secret);
                            count("planted-link-at-predicted-control-name");
                        } else {
                            replaceWithLink(entry, secret);
                            count("replaced-with-link-to-secret");
                        }
                        break;
                }
            } catch (IOException e) {
                count("attack-failed");
            }
        }
    }

    /** Puts a link under {@code entry}'s name in one rename, as an attacker racing a program would. */
    private void replaceWithLink(Path entry, Path target) throws IOException {
        Path link = dir.resolve(".attacker-link." + serial++);
        Files.createSymbolicLink(link, target);
        Files.move(link, entry, StandardCopyOption.ATOMIC_MOVE);
    }

    /** (c) Tries to open the descriptors of running copies' coordinators and workers through /proc, and keeps what it reads. */
    private void probeDescriptors() {
        List<Path> processes = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            stream.forEach(processes::add);
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (Path process : processes) {
            List<String> arguments;
            try {
                arguments = List.of(new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
            } catch (IOException e) {
                continue;
            }
            List<String> owners;
            int at = arguments.indexOf("mcp.copy.WorkerMain");
            if (at >= 0 && at + 2 < arguments.size() && arguments.get(at + 1).matches("[0-9]+")) {
                // A worker: its own descriptors and, named first on its command line, its coordinator's.
                owners = List.of(arguments.get(at + 1), process.getFileName().toString());
                if (seenWorkers.add(process.getFileName().toString())) {
                    count("workers-seen");
                }
            } else if (arguments.contains("mcp.cli.Main")
                    || process.getFileName().toString().equals(String.valueOf(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L)))) {
                // A coordinator, which copies small files by itself; the test runs its copies in the
                // process that started this attacker.
                owners = List.of(process.getFileName().toString());
            } else {
                continue;
            }
            probe(owners);
        }
    }

    /** Tries each of the first descriptors of each process in {@code owners}. */
    private void probe(List<String> owners) {
        for (String owner : owners) {
            for (int fd = 3; fd < 32; fd++) {
                Path descriptor = Path.of("/proc", owner, "fd", Integer.toString(fd));
                count("proc-descriptor-opens-tried");
                try (FileChannel channel = FileChannel.open(descriptor, StandardOpenOption.READ)) {
                    count("proc-descriptor-opens-succeeded");
                    byte[] bytes = new byte[1 << 16];
                    int read = channel.read(java.nio.ByteBuffer.wrap(bytes));
                    Files.write(stash.resolve("read-through-proc." + serial++), java.util.Arrays.copyOf(bytes, Math.max(0, read)));
                } catch (IOException | RuntimeException e) {
                    // Refused, as it must be.
                }
            }
        }
    }
}
