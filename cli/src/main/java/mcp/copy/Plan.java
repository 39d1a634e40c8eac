package mcp.copy;

import java.util.List;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * What the command line asks the engine to copy, with every operand resolved as cp resolves it
 * and opened: files, each with its destination, and directory trees, each with where its copy
 * goes. The engine expands the trees (its plan phase) and copies everything ({@link Engine}).
 *
 * @param items in the order the operands were given
 */
public record Plan(List<Item> items) {
    /** One operand. */
    public sealed interface Item permits File, Tree, Link {
    }

    /** A file, opened, and its destination. */
    public record File(CopyRequest request) implements Item {
    }

    /**
     * A directory copied with everything under it.
     *
     * @param source the directory, open for reading
     * @param sourceStatus its status when it was opened
     * @param sourceName the directory as the user named it, for messages
     * @param targetDirectory the directory its copy is made in
     * @param leaf the copy's name in {@code targetDirectory}
     * @param targetName the copy as messages name it
     */
    public record Tree(NativeFile source, FileStatus sourceStatus, String sourceName, NativeFile targetDirectory, String leaf,
                       String targetName) implements Item {
    }

    /**
     * A symbolic link copied as a link ({@code -P}, {@code -r}, {@code -a}), not followed.
     *
     * @param linkTarget what the link holds
     * @param status its status, not followed
     * @param sourceName the link as the user named it
     * @param targetDirectory the directory its copy is made in
     * @param leaf the copy's name there
     * @param targetName the copy as messages name it
     */
    public record Link(String linkTarget, FileStatus status, String sourceName, NativeFile targetDirectory, String leaf,
                       String targetName) implements Item {
    }
}
