package mcp.cli;

import static mcp.cli.Messages.quote;

import java.util.ArrayList;
import java.util.List;
import mcp.copy.CopyRequest;
import mcp.copy.Plan;
import mcp.copy.StaleScratch;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * Turns {@code SOURCE DEST} into a {@link CopyRequest} the way cp does, with cp's messages. Each
 * file is opened once, here, and known by its descriptor from then on; the status of a name is
 * only a hint, the status of the opened descriptor is what counts.
 */
public final class Operands {
    /**
     * Set by {@code bin/mcp} when the working directory had been deleted: it then starts the JVM
     * from {@code /}, where relative names would find other files than the user meant.
     */
    private static final boolean CWD_DELETED = Boolean.getBoolean("mcp.cwdDeleted");

    private Operands() {
    }

    /**
     * Resolves and opens the operands; the caller closes the request.
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
        FileStatus named = status(null, sourceName, true, sourceName);
        if (named.isDirectory()) {
            throw new McpException("-r not specified; omitting directory " + quote(sourceName));
        }
        NativeFile source;
        try {
            source = NativeFile.open(null, sourceName, 0, NativeFile.Open.READ);
        } catch (ErrnoException e) {
            throw new McpException("cannot open " + quote(sourceName) + " for reading: " + e.reason(), e);
        }
        NativeFile directory = null;
        NativeFile existing = null;
        boolean ok = false;
        try {
            FileStatus sourceStatus = status(source, sourceName);
            OwnDescriptors.check(sourceName, sourceStatus, "cannot stat " + quote(sourceName) + ": No such file or directory");
            if (sourceStatus.isDirectory()) {
                throw new McpException("-r not specified; omitting directory " + quote(sourceName));
            }
            FileStatus destFollowed = statusIfAny(null, destName, true, destName);
            String directoryName;
            String leaf;
            String targetName;
            if (destFollowed != null && destFollowed.isDirectory()) {
                leaf = baseName(sourceName);
                directoryName = destName;
                targetName = destName.endsWith("/") ? destName + leaf : destName + "/" + leaf;
            } else {
                if (destName.endsWith("/")) {
                    throw new McpException("cannot create regular file " + quote(destName) + ": Not a directory");
                }
                if (destName.isEmpty()) {
                    throw new McpException("cannot create regular file " + quote(destName) + ": No such file or directory");
                }
                leaf = baseName(destName);
                directoryName = parentName(destName);
                targetName = destName;
            }
            directory = openDirectory(directoryName, targetName);
            FileStatus at = statusIfAny(directory, leaf, false, targetName);
            if (at != null && at.isSymbolicLink()) {
                // cp writes through a symbolic link: the copy replaces the file it leads to.
                NativeFile target = followLink(directory, leaf, targetName);
                try {
                    String real = target.realName();
                    directory.close();
                    directory = openDirectory(parentName(real), targetName);
                    leaf = baseName(real);
                    at = statusIfAny(directory, leaf, false, targetName);
                    if (at == null || !at.isSameFile(status(target, targetName))) {
                        throw new McpException(quote(targetName) + " changed while mcp was opening it");
                    }
                } finally {
                    target.close();
                }
            }
            if (at != null) {
                if (at.isDirectory()) {
                    throw new McpException("cannot overwrite directory " + quote(targetName) + " with non-directory");
                }
                if (at.isSameFile(sourceStatus)) {
                    throw new McpException(quote(sourceName) + " and " + quote(targetName) + " are the same file");
                }
                existing = openExisting(directory, leaf, at, targetName);
            }
            FileStatus existingStatus = existing == null ? null : status(existing, targetName);
            if (existingStatus != null) {
                OwnDescriptors.check(destName, existingStatus,
                        "cannot create regular file " + quote(targetName) + ": No such file or directory");
            }
            if (existingStatus != null && existingStatus.isRegularFile() && existingStatus.links() > 1) {
                throw new McpException("cannot replace " + quote(targetName) + ": it has " + existingStatus.links()
                        + " hard links, which a replacement by rename would leave holding the old content"
                        + " (mcp never writes into DEST in place)");
            }
            int mode = sourceStatus.permissions() & 0777 & ~umask;
            CopyRequest request = new CopyRequest(source, sourceStatus, sourceName, directory, leaf, targetName,
                    existing, existingStatus, mode);
            ok = true;
            return request;
        } catch (ErrnoException e) {
            throw cannotStat(destName, e);
        } finally {
            if (!ok) {
                closeQuietly(source);
                closeQuietly(directory);
                closeQuietly(existing);
            }
        }
    }

    /** How DEST is taken, as cp takes it. */
    public enum Target {
        /** DEST is the last operand: copied into if it is a directory (and it must be one for several sources). */
        LAST_OPERAND,
        /** DEST is {@code -t DIR}: always a directory to copy into. */
        DIRECTORY,
        /** {@code -T}: DEST is the copy's name, even if it is a directory. */
        NO_DIRECTORY
    }

    /**
     * The operands resolved: a plan of what could be resolved, and the cp-worded message of each
     * operand that could not (cp goes on with the others, and exits 1 at the end).
     */
    public record Resolved(Plan plan, List<String> errors) {
    }

    /**
     * Resolves every source into a plan, the way cp does: several sources need DEST to be a
     * directory; a directory needs {@code recursive}; its copy is {@code DEST/NAME} if DEST is an
     * existing directory, else DEST itself. A failure that concerns DEST fails at once; one that
     * concerns a source is kept, and the other sources go on.
     *
     * @param resume {@code --resume}: a lone directory whose copy would be {@code DEST/NAME} is
     *        refused when DEST holds what an interrupted run left (see {@link #resolveTree})
     */
    public static Resolved resolve(List<String> sources, String destName, Target target, boolean recursive,
            boolean noDereference, int umask, boolean resume) throws McpException {
        if (CWD_DELETED && !destName.startsWith("/")) {
            throw new McpException("cannot create regular file " + quote(destName) + ": No such file or directory");
        }
        FileStatus destStatus = statusIfAny(null, destName, true, destName);
        boolean intoDirectory;
        switch (target) {
            case DIRECTORY:
                if (destStatus == null) {
                    throw new McpException("target directory " + quote(destName) + ": No such file or directory");
                }
                if (!destStatus.isDirectory()) {
                    throw new McpException("target directory " + quote(destName) + ": Not a directory");
                }
                intoDirectory = true;
                break;
            case NO_DIRECTORY:
                intoDirectory = false;
                break;
            default:
                intoDirectory = destStatus != null && destStatus.isDirectory();
                if (sources.size() > 1 && !intoDirectory) {
                    throw new McpException(destStatus == null ? "target " + quote(destName) + ": No such file or directory"
                            : "target " + quote(destName) + " is not a directory");
                }
                break;
        }
        List<Plan.Item> items = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            for (String source : sources) {
                try {
                    items.add(resolveOne(source, destName, intoDirectory, recursive, noDereference, umask,
                            resume && target == Target.LAST_OPERAND && sources.size() == 1));
                } catch (McpException e) {
                    errors.add(e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            closeAll(items);
            throw e;
        }
        return new Resolved(new Plan(items), errors);
    }

    private static Plan.Item resolveOne(String sourceName, String destName, boolean intoDirectory, boolean recursive,
            boolean noDereference, int umask, boolean resumingOne) throws McpException {
        if (CWD_DELETED && !sourceName.startsWith("/")) {
            throw new McpException("cannot stat " + quote(sourceName) + ": No such file or directory");
        }
        if (noDereference && status(null, sourceName, false, sourceName).isSymbolicLink()) {
            return resolveLink(sourceName, destName, intoDirectory);
        }
        FileStatus named = status(null, sourceName, true, sourceName);
        if (!named.isDirectory()) {
            String dest = intoDirectory ? (destName.endsWith("/") ? destName : destName + "/") : destName;
            if (!intoDirectory && isDirectory(destName)) {
                throw new McpException("cannot overwrite directory " + quote(destName) + " with non-directory");
            }
            return new Plan.File(resolve(sourceName, dest, umask));
        }
        if (!recursive) {
            throw new McpException("-r not specified; omitting directory " + quote(sourceName));
        }
        return resolveTree(sourceName, destName, intoDirectory, resumingOne);
    }

    /** A symbolic link copied as a link, and where: {@code DEST/NAME} into a directory, else DEST. */
    private static Plan.Link resolveLink(String sourceName, String destName, boolean intoDirectory) throws McpException {
        NativeFile linkDirectory = openDirectory(parentName(sourceName), sourceName);
        NativeFile directory = null;
        try {
            String linkLeaf = baseName(sourceName);
            FileStatus status = status(linkDirectory, linkLeaf, false, sourceName);
            if (!status.isSymbolicLink()) {
                throw new McpException(quote(sourceName) + " changed while mcp was opening it");
            }
            String linkTarget;
            try {
                linkTarget = NativeFile.readSymbolicLink(linkDirectory, linkLeaf);
            } catch (ErrnoException e) {
                throw new McpException("cannot read symbolic link " + quote(sourceName) + ": " + e.reason(), e);
            }
            String leaf = intoDirectory ? linkLeaf : baseName(destName);
            String targetName = intoDirectory ? (destName.endsWith("/") ? destName + leaf : destName + "/" + leaf) : destName;
            if (!intoDirectory && isDirectory(destName)) {
                throw new McpException("cannot overwrite directory " + quote(destName) + " with non-directory");
            }
            directory = openDirectory(intoDirectory ? destName : parentName(destName), targetName);
            Plan.Link link = new Plan.Link(linkTarget, status, sourceName, directory, leaf, targetName);
            directory = null;
            return link;
        } finally {
            closeQuietly(linkDirectory);
            closeQuietly(directory);
        }
    }

    /**
     * A directory and where its copy goes: {@code DEST/NAME} into a directory, else DEST.
     *
     * @param resumingOne the only operand, with {@code --resume} and DEST named last: its copy
     *        goes into DEST only if DEST/NAME exists or DEST holds nothing an interrupted run left.
     *        Otherwise DEST is most likely the copy an interrupted {@code mcp -r SRC DEST} made (as
     *        cp, the same command copies into DEST/NAME once DEST exists), and a copy into
     *        DEST/NAME would resume nothing and leave that run's files where they are: refused,
     *        saying how to resume it (-T) or clear it (--clean).
     */
    private static Plan.Tree resolveTree(String sourceName, String destName, boolean intoDirectory, boolean resumingOne)
            throws McpException {
        NativeFile source;
        try {
            source = NativeFile.open(null, sourceName, 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY);
        } catch (ErrnoException e) {
            throw new McpException("cannot open directory " + quote(sourceName) + ": " + e.reason(), e);
        }
        NativeFile directory = null;
        boolean ok = false;
        try {
            FileStatus sourceStatus = status(source, sourceName);
            String leaf;
            String directoryName;
            String targetName;
            if (intoDirectory) {
                leaf = baseName(sourceName);
                directoryName = destName;
                targetName = destName.endsWith("/") ? destName + leaf : destName + "/" + leaf;
            } else {
                FileStatus at = statusIfAny(null, destName, false, destName);
                if (at != null && !at.isDirectory() && !(at.isSymbolicLink() && isDirectory(destName))) {
                    throw new McpException("cannot overwrite non-directory " + quote(destName) + " with directory "
                            + quote(sourceName));
                }
                leaf = baseName(destName);
                directoryName = parentName(destName);
                targetName = destName;
            }
            if (leaf.equals("..") || leaf.equals("/")) {
                throw new McpException("cannot copy " + quote(sourceName) + " to " + quote(targetName)
                        + ": a directory's copy needs a name of its own");
            }
            directory = openDirectory(directoryName, targetName);
            if (resumingOne && intoDirectory && statusIfAny(directory, leaf, false, targetName) == null
                    && StaleScratch.leftByDeadRuns(directory) > 0) {
                throw new McpException(quote(destName) + " holds what an interrupted copy left: to resume the copy of "
                        + quote(sourceName) + " made as " + quote(destName) + ", give -T (mcp -rT --resume SOURCE DEST); to"
                        + " copy into " + quote(targetName) + " instead, remove it first (mcp --clean " + quote(destName) + ")");
            }
            if (isWithin(directory, sourceStatus)) {
                throw new McpException("cannot copy a directory, " + quote(sourceName) + ", into itself, " + quote(targetName));
            }
            Plan.Tree tree = new Plan.Tree(source, sourceStatus, sourceName, directory, leaf, targetName);
            ok = true;
            return tree;
        } finally {
            if (!ok) {
                closeQuietly(source);
                closeQuietly(directory);
            }
        }
    }

    /**
     * True if {@code directory} is the directory {@code tree} or lies under it: its ancestors are
     * followed through ".." up to the root, each compared with {@code tree} by identity.
     */
    private static boolean isWithin(NativeFile directory, FileStatus tree) throws McpException {
        NativeFile at = null;
        try {
            FileStatus status = directory.status();
            for (int depth = 0; depth < 4096; depth++) {
                if (status.isSameFile(tree)) {
                    return true;
                }
                NativeFile up = NativeFile.open(at == null ? directory : at, "..", 0, NativeFile.Open.PATH_ONLY,
                        NativeFile.Open.DIRECTORY);
                FileStatus upStatus = up.status();
                closeQuietly(at);
                at = up;
                if (upStatus.isSameFile(status)) {
                    return false;   // the root is its own parent
                }
                status = upStatus;
            }
            return false;
        } catch (ErrnoException e) {
            throw new McpException("cannot stat " + quote(directory.name()) + ": " + e.reason(), e);
        } finally {
            closeQuietly(at);
        }
    }

    /**
     * A directory to clean of stale scratch files, open, and the one destination in it they must
     * have been made for, or null for any.
     */
    public record Cleanable(NativeFile directory, String leaf) implements AutoCloseable {
        @Override
        public void close() {
            closeQuietly(directory);
        }
    }

    /** Where {@code mcp --clean DEST} looks: DEST itself if it is a directory, else DEST's directory for DEST's name. */
    static Cleanable cleanable(String destName) throws McpException {
        if (isDirectory(destName)) {
            return new Cleanable(openDirectory(destName, destName), null);
        }
        return new Cleanable(openDirectory(parentName(destName), destName), baseName(destName));
    }

    /** True if {@code name}, links followed, is a directory. */
    private static boolean isDirectory(String name) throws McpException {
        FileStatus status = statusIfAny(null, name, true, name);
        return status != null && status.isDirectory();
    }

    /** Closes what the items of a plan hold open. */
    public static void closeAll(List<Plan.Item> items) {
        for (Plan.Item item : items) {
            if (item instanceof Plan.File file) {
                file.request().close();
            } else if (item instanceof Plan.Tree tree) {
                closeQuietly(tree.source());
                closeQuietly(tree.targetDirectory());
            } else if (item instanceof Plan.Link link) {
                closeQuietly(link.targetDirectory());
            }
        }
    }

    /**
     * Opens DEST's directory, readable if it can (to sync it after the rename), else as a handle
     * for the {@code *at} calls only.
     */
    private static NativeFile openDirectory(String name, String targetName) throws McpException {
        try {
            try {
                return NativeFile.open(null, name, 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY);
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.EACCES) {
                    throw e;
                }
                return NativeFile.open(null, name, 0, NativeFile.Open.PATH_ONLY, NativeFile.Open.DIRECTORY);
            }
        } catch (ErrnoException e) {
            throw new McpException("cannot create regular file " + quote(targetName) + ": " + e.reason(), e);
        }
    }

    private static NativeFile followLink(NativeFile directory, String leaf, String targetName) throws McpException {
        FileStatus followed;
        try {
            followed = NativeFile.status(directory, leaf, true);
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.ENOENT) {
                throw new McpException("not writing through dangling symlink " + quote(targetName), e);
            }
            throw cannotStat(targetName, e);
        }
        if (followed.isDirectory()) {
            throw new McpException("cannot overwrite directory " + quote(targetName) + " with non-directory");
        }
        try {
            return NativeFile.open(directory, leaf, 0, NativeFile.Open.PATH_ONLY);
        } catch (ErrnoException e) {
            throw cannotStat(targetName, e);
        }
    }

    /**
     * Opens an existing DEST for writing, without truncating it, as the check cp's own open would
     * make: it fails for a file the user may not write, an immutable file, a read-only file system.
     * A FIFO is opened as cp opens it, waiting for a reader.
     */
    private static NativeFile openExisting(NativeFile directory, String leaf, FileStatus at, String targetName)
            throws McpException {
        try {
            if (at.isRegularFile()) {
                return NativeFile.open(directory, leaf, 0, NativeFile.Open.WRITE, NativeFile.Open.NO_FOLLOW,
                        NativeFile.Open.NON_BLOCKING);
            }
            return NativeFile.open(directory, leaf, 0, NativeFile.Open.WRITE, NativeFile.Open.NO_FOLLOW);
        } catch (ErrnoException e) {
            throw new McpException("cannot create regular file " + quote(targetName) + ": " + e.reason(), e);
        }
    }

    private static FileStatus status(NativeFile directory, String name, boolean follow, String shownAs) throws McpException {
        try {
            return NativeFile.status(directory, name, follow);
        } catch (ErrnoException e) {
            throw cannotStat(shownAs, e);
        }
    }

    private static FileStatus status(NativeFile file, String shownAs) throws McpException {
        try {
            return file.status();
        } catch (ErrnoException e) {
            throw cannotStat(shownAs, e);
        }
    }

    /** The status of {@code name}, or null if there is nothing by that name. */
    private static FileStatus statusIfAny(NativeFile directory, String name, boolean follow, String shownAs) throws McpException {
        try {
            return NativeFile.status(directory, name, follow);
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.ENOENT || (follow && e.errno() == ErrnoException.ENOTDIR && !name.endsWith("/"))) {
                return null;
            }
            throw cannotStat(shownAs, e);
        }
    }

    /** cp's words for a name whose status could not be read. */
    private static McpException cannotStat(String shownAs, ErrnoException e) {
        return new McpException("cannot stat " + quote(shownAs) + ": " + e.reason(), e);
    }

    /** The last component of a name, trailing slashes ignored, as {@code basename} gives it. */
    static String baseName(String name) {
        String trimmed = trimTrailingSlashes(name);
        int slash = trimmed.lastIndexOf('/');
        return slash < 0 ? trimmed : trimmed.substring(slash + 1);
    }

    /** The directory part of a name, as {@code dirname} gives it: {@code .} for a bare name. */
    static String parentName(String name) {
        String trimmed = trimTrailingSlashes(name);
        int slash = trimmed.lastIndexOf('/');
        if (slash < 0) {
            return ".";
        }
        String parent = trimTrailingSlashes(trimmed.substring(0, slash));
        return parent.isEmpty() ? "/" : parent;
    }

    private static String trimTrailingSlashes(String name) {
        int end = name.length();
        while (end > 1 && name.charAt(end - 1) == '/') {
            end--;
        }
        return name.substring(0, end);
    }

    private static void closeQuietly(NativeFile file) {
        if (file != null) {
            try {
                file.close();
            } catch (ErrnoException e) {
                // Nothing was written through it.
            }
        }
    }
}
