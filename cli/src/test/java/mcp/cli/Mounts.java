package mcp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mcp.fixtures.Processes;
import mcp.fixtures.Unprivileged;

/**
 * Small file systems mounted for one test: a tmpfs of a given size, or an ext2 image on a loop
 * device. Mounting needs root and a kernel that lets this machine (or container) mount; where it
 * cannot, the test is skipped with the reason. {@link #close()} unmounts everything mounted.
 */
final class Mounts implements AutoCloseable {
    private final Path work;
    private final List<Path> mounted = new ArrayList<>();

    /** {@code work} is a directory the test owns; mount points and images are made in it. */
    Mounts(Path work) {
        this.work = work;
    }

    /** A tmpfs of {@code size} ({@code mount -o size=}, e.g. {@code 8m}) at {@code work/name}. */
    Path tmpfs(String name, String size) throws Exception {
        requireRoot();
        Path point = Files.createDirectory(work.resolve(name));
        mount(point, "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", point.toString());
        return point;
    }

    /**
     * A fresh ext2 file system of {@code imageBytes} (block size {@code blockBytes}) on a loop device
     * at {@code work/name}. ext2 has no {@code fallocate} and no {@code SEEK_DATA} of its own: its
     * files cannot reserve space, and every byte of them counts as data.
     */
    Path ext2(String name, long imageBytes, int blockBytes) throws Exception {
        requireRoot();
        Path image = work.resolve(name + ".img");
        Processes.Result truncate = run("truncate", "-s", Long.toString(imageBytes), image.toString());
        Skip.unless(truncate.exitCode() == 0, "cannot make an image file: " + truncate);
        Processes.Result mkfs = run("mkfs.ext2", "-q", "-F", "-b", Integer.toString(blockBytes), image.toString());
        Skip.unless(mkfs.exitCode() == 0, "mkfs.ext2 cannot make a file system here: " + mkfs);
        Path point = Files.createDirectory(work.resolve(name));
        mount(point, "mount", "-t", "ext2", "-o", "loop", image.toString(), point.toString());
        return point;
    }

    private void mount(Path point, String... command) throws Exception {
        Processes.Result result = run(command);
        Skip.unless(result.exitCode() == 0, "cannot mount here: " + result);
        mounted.add(point);
    }

    private static void requireRoot() throws IOException {
        Skip.unless(Unprivileged.runningAsRoot(), "mounting a file system needs root");
    }

    /** Runs {@code command}; a program that is not installed exits 127, as in a shell. */
    private Processes.Result run(String... command) throws Exception {
        try {
            return Processes.run(List.of(command), work, 60);
        } catch (IOException e) {
            return new Processes.Result(List.of(command), 127, "", e.getMessage() + "\n");
        }
    }

    /** Unmounts, newest first; a busy file system is detached lazily rather than left mounted. */
    @Override
    public void close() throws Exception {
        AssertionError failed = null;
        for (int i = mounted.size() - 1; i >= 0; i--) {
            Path point = mounted.get(i);
            Processes.Result result = run("umount", point.toString());
            if (result.exitCode() != 0) {
                run("umount", "-l", point.toString());
                if (failed == null) {
                    failed = new AssertionError("cannot unmount " + point + ": " + result);
                }
            }
        }
        mounted.clear();
        if (failed != null) {
            throw failed;
        }
    }
}
