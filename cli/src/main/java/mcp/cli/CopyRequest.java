package mcp.cli;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * One file to copy, with operands resolved as cp resolves them.
 *
 * @param source the file to read
 * @param sourceName the source as the user named it, for messages
 * @param target the file to create or replace: symbolic links resolved, so the copy lands where
 *     cp would write it and its temporary file sits in the same directory
 * @param targetName the destination as messages name it (e.g. {@code dir/file})
 * @param mode the permissions the finished copy gets
 */
public record CopyRequest(Path source, String sourceName, Path target, String targetName,
                          Set<PosixFilePermission> mode) {
}
