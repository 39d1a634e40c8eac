package mcp.copy;

/** A page-aligned range of one file: {@code [offset, offset + lengthBytes)}. */
public record Chunk(int fileIndex, long offset, long lengthBytes) {
    public long end() {
        return offset + lengthBytes;
    }
}
