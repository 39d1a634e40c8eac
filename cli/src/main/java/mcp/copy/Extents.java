package mcp.copy;

import java.util.ArrayList;
import java.util.List;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.NativeFile;

/**
 * The ranges of a file that hold data ({@code SEEK_DATA} / {@code SEEK_HOLE}), widened to whole
 * pages: only they are copied, so a sparse file stays sparse. A file system that does not track
 * holes reports the whole file as data; a file in more than {@link #MAX_EXTENTS} pieces is copied
 * whole.
 */
final class Extents {
    /**
     * More data ranges than this and the file is planned as one range, its holes copied as zeros:
     * each range costs at least a chunk, and the control file holds at most
     * {@link ChunkPlan#MAX_CHUNKS}.
     */
    static final int MAX_EXTENTS = ChunkPlan.MAX_CHUNKS / 4;

    private Extents() {
    }

    /** {@code [start, end)} pairs, page-aligned but for the last end (the file's size), in order, not touching. */
    static List<long[]> of(NativeFile file, long sizeBytes, long pageSize) throws ErrnoException {
        List<long[]> extents = new ArrayList<>();
        long at = 0;
        while (at < sizeBytes) {
            long data;
            try {
                data = file.seekData(at);
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.EOPNOTSUPP) {
                    throw e;
                }
                data = at; // no hole tracking: all of it is data
            }
            if (data < 0 || data >= sizeBytes) {
                break;
            }
            long hole = Math.min(sizeBytes, file.seekHole(data));
            long start = Math.floorDiv(data, pageSize) * pageSize;
            long end = Math.min(sizeBytes, ChunkPlan.roundUp(hole, pageSize));
            long[] last = extents.isEmpty() ? null : extents.get(extents.size() - 1);
            if (last != null && start <= last[1]) {
                last[1] = Math.max(last[1], end);
            } else {
                if (extents.size() == MAX_EXTENTS) {
                    return List.of(new long[] {0, sizeBytes});
                }
                extents.add(new long[] {start, end});
            }
            at = end;
        }
        return extents;
    }
}
