package mcp.copy;

import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * One file to copy, with operands resolved as cp resolves them and every file involved already
 * open: from here on nothing is looked up by path again.
 *
 * @param source the file to read, open for reading
 * @param sourceStatus its status when it was opened: its identity, size and times
 * @param sourceName the source as the user named it, for messages
 * @param directory the directory the copy is made in (DEST's, after following a symbolic link at DEST)
 * @param leaf DEST's name in {@code directory}
 * @param targetName the destination as messages name it (e.g. {@code dir/file})
 * @param existing the file at DEST, open for writing, or null if there is none
 * @param existingStatus its status, or null
 * @param mode the permission bits a new DEST gets (an existing one keeps its own)
 */
public record CopyRequest(NativeFile source, FileStatus sourceStatus, String sourceName,
                          NativeFile directory, String leaf, String targetName,
                          NativeFile existing, FileStatus existingStatus, int mode) implements AutoCloseable {
    /** True if DEST is not a regular file (a FIFO, a device): the bytes are written into it, as cp does. */
    public boolean writesThrough() {
        return existing != null && !existingStatus.isRegularFile();
    }

    @Override
    public void close() {
        for (NativeFile file : new NativeFile[] {source, directory, existing}) {
            if (file != null) {
                try {
                    file.close();
                } catch (ErrnoException e) {
                    // Read-only or already-synced descriptors: nothing is lost by a failed close.
                }
            }
        }
    }
}
