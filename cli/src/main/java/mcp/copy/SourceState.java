package mcp.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a source looked like: if any of it differs after the copy, the source changed while it was
 * read and the copy cannot be trusted.
 */
record SourceState(long sizeBytes, Object modified, Object changed, Object inode, Object device) {
    static SourceState of(Path path) throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, "unix:size,lastModifiedTime,ctime,ino,dev");
        return new SourceState((Long) unix.get("size"), unix.get("lastModifiedTime"), unix.get("ctime"),
                unix.get("ino"), unix.get("dev"));
    }
}
