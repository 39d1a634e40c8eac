package mcp.copy;

/**
 * What one claim copies: a page-aligned range {@code [offset, offset + lengthBytes)} of one file,
 * or, when {@code fileCount} is more than 1, a batch: the whole of files {@code fileIndex} to
 * {@code fileIndex + fileCount - 1}, small files grouped so that a claim is never one tiny file
 * ({@code offset} is then 0 and {@code lengthBytes} the sum of their sizes).
 */
public record Chunk(int fileIndex, long offset, long lengthBytes, int fileCount) {
    /** A range of one file. */
    public Chunk(int fileIndex, long offset, long lengthBytes) {
        this(fileIndex, offset, lengthBytes, 1);
    }

    /** A batch of {@code fileCount} whole files, {@code lengthBytes} in all. */
    public static Chunk batch(int firstFile, int fileCount, long lengthBytes) {
        return new Chunk(firstFile, 0, lengthBytes, fileCount);
    }

    public boolean isBatch() {
        return fileCount > 1;
    }

    public long end() {
        return offset + lengthBytes;
    }
}
