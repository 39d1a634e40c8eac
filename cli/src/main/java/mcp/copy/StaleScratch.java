package mcp.copy;

import java.util.List;
import java.util.Set;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * Removes the scratch files that runs which died (SIGKILL, a crash, a power cut) left beside
 * their destinations: hidden copies as large as the file being copied, which nothing else would
 * ever remove. A scratch file is known by its name ({@link ScratchName}), which names the run that
 * made it; the files of a run that is still alive are never touched, nor are names of any other
 * form. Only names in the directory are removed ({@code unlinkat}, never following a link), which
 * anyone who can write the directory may do anyway.
 */
public final class StaleScratch {
    private StaleScratch() {
    }

    /**
     * Removes from {@code directory} the scratch files of dead runs made for one of
     * {@code destinations} (their names in the directory), or for any destination when it is
     * null; tells {@code events} of each. A directory that cannot be listed is left alone.
     *
     * @param shownAs the directory as messages name it
     * @return how many were removed
     */
    public static int remove(NativeFile directory, String shownAs, Set<String> destinations, Events events) {
        List<String> names;
        try {
            names = directory.list();
        } catch (ErrnoException e) {
            return 0;
        }
        int removed = 0;
        for (String name : names) {
            ScratchName.Parsed parsed = ScratchName.parse(name);
            if (parsed == null || destinations != null && destinations.stream().noneMatch(parsed::isFor) || parsed.isLive()) {
                continue;
            }
            FileStatus status;
            try {
                status = NativeFile.status(directory, name, false);
            } catch (ErrnoException e) {
                continue;
            }
            if (!status.isDirectory() && removeIfSame(directory, name, status, new Events.Warning(
                    Events.Warning.Kind.STALE_SCRATCH_REMOVED, shown(shownAs, name), 0, status.sizeBytes(), parsed.pid()), events)) {
                removed++;
            }
        }
        return removed;
    }

    /** How many scratch files of dead runs {@code directory} holds, whatever they were for; 0 if it cannot be listed. */
    public static int leftByDeadRuns(NativeFile directory) {
        try {
            return (int) directory.list().stream().map(ScratchName::parse)
                    .filter(parsed -> parsed != null && !parsed.isLive()).count();
        } catch (ErrnoException e) {
            return 0;
        }
    }

    /** {@code name} in the directory messages name {@code shownAs}, as messages name it. */
    static String shown(String shownAs, String name) {
        return shownAs.equals(".") ? name : shownAs.endsWith("/") ? shownAs + name : shownAs + "/" + name;
    }

    /**
     * Removes {@code name} from {@code directory} if it still is the file {@code expected}: another
     * user who can write the directory may have put something else under the name since. Tells
     * {@code events} of {@code removed} (if not null) once it is gone, and of a removal that failed.
     *
     * @return true if this call removed it
     */
    static boolean removeIfSame(NativeFile directory, String name, FileStatus expected, Events.Warning removed, Events events) {
        try {
            if (!NativeFile.status(directory, name, false).isSameFile(expected)) {
                return false;
            }
            NativeFile.unlink(directory, name);
            if (removed != null) {
                events.warning(removed);
            }
            return true;
        } catch (ErrnoException e) {
            if (e.errno() != ErrnoException.ENOENT) {
                events.warning(new Events.Warning(Events.Warning.Kind.SCRATCH_NOT_REMOVED,
                        removed == null ? name : removed.name(), e.errno()));
            }
            return false;
        }
    }
}
