package mcp.cli;

import static mcp.cli.Messages.quote;
import static mcp.cli.Messages.reason;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Turns {@code SOURCE DEST} into a {@link CopyRequest} the way cp does, with cp's messages. */
public final class Operands {
    /** Permission bits in the order of {@link PosixFilePermission}'s constants, owner read first. */
    private static final int[] BITS = {0400, 0200, 0100, 040, 020, 010, 04, 02, 01};

    /**
     * Set by {@code bin/mcp} when the working directory had been deleted: it then starts the JVM
     * from {@code /}, where relative names would find other files than the user meant.
     */
    private static final boolean CWD_DELETED = Boolean.getBoolean("mcp.cwdDeleted");

    private Operands() {
    }

    /**
     * Resolves the operands.
     *
     * @param umask the process's file mode creation mask, applied to the source's mode for a new file
     */
    public static CopyRequest resolve(String sourceName, String destName, int umask) throws McpException {
        // As for cp in a deleted directory: a relative name names nothing there.
        if (CWD_DELETED && !sourceName.startsWith("/")) {
            throw new McpException("cannot stat " + quote(sourceName) + ": No such file or directory");
        }
        if (CWD_DELETED && !destName.startsWith("/")) {
            throw new McpException("cannot create regular file " + quote(destName) + ": No such file or directory");
        }
        Path source = Path.of(sourceName);
        PosixFileAttributes sourceAttributes;
        try {
            sourceAttributes = Files.readAttributes(source, PosixFileAttributes.class);
        } catch (IOException e) {
            throw new McpException("cannot stat " + quote(sourceName) + ": " + reason(e), e);
        }
        if (sourceAttributes.isDirectory()) {
            throw new McpException("-r not specified; omitting directory " + quote(sourceName));
        }
        if (!sourceAttributes.isRegularFile()) {
            throw new McpException("cannot copy " + quote(sourceName) + ": not a regular file");
        }

        Path target = Path.of(destName);
        String targetName = destName;
        if (Files.isDirectory(target)) {
            Path base = source.getFileName();
            target = target.resolve(base);
            targetName = destName.endsWith("/") ? destName + base : destName + "/" + base;
        } else if (destName.endsWith("/")) {
            throw new McpException("cannot create regular file " + quote(destName) + ": Not a directory");
        }
        if (Files.isSymbolicLink(target)) {
            if (!Files.exists(target)) {
                throw new McpException("not writing through dangling symlink " + quote(targetName));
            }
            try {
                target = target.toRealPath();
            } catch (IOException e) {
                throw new McpException("cannot stat " + quote(targetName) + ": " + reason(e), e);
            }
        }

        PosixFileAttributes existing = null;
        try {
            existing = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            // A new file: its directory is checked when the temporary file is created there.
        } catch (IOException e) {
            throw new McpException("cannot stat " + quote(targetName) + ": " + reason(e), e);
        }
        Set<PosixFilePermission> mode;
        if (existing == null) {
            mode = masked(sourceAttributes.permissions(), umask);
        } else {
            if (existing.isDirectory()) {
                throw new McpException("cannot overwrite directory " + quote(targetName) + " with non-directory");
            }
            if (sameFile(source, target)) {
                throw new McpException(quote(sourceName) + " and " + quote(targetName) + " are the same file");
            }
            if (!existing.isRegularFile()) {
                throw new McpException("cannot overwrite non-regular file " + quote(targetName));
            }
            // cp writes into an existing file, which needs write permission and keeps its mode.
            if (!Files.isWritable(target)) {
                throw new McpException("cannot create regular file " + quote(targetName) + ": Permission denied");
            }
            mode = existing.permissions();
        }
        return new CopyRequest(source, sourceName, target.toAbsolutePath(), targetName, mode);
    }

    private static boolean sameFile(Path source, Path target) throws McpException {
        try {
            return Files.isSameFile(source, target);
        } catch (IOException e) {
            throw new McpException("cannot stat " + quote(target) + ": " + reason(e), e);
        }
    }

    static Set<PosixFilePermission> masked(Set<PosixFilePermission> permissions, int umask) {
        Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : permissions) {
            if ((BITS[permission.ordinal()] & umask) == 0) {
                result.add(permission);
            }
        }
        return result;
    }
}
