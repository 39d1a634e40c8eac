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
            String shown = shownAs.equals(".") ? name : shownAs.endsWith("/") ? shownAs + name : shownAs + "/" + name;
            try {
                FileStatus status = NativeFile.status(directory, name, false);
                if (status.isDirectory()) {
                    continue;
                }
                NativeFile.unlink(directory, name);
                removed++;
                events.warning(new Events.Warning(Events.Warning.Kind.STALE_SCRATCH_REMOVED, shown, 0, status.sizeBytes(),
                        parsed.pid()));
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.ENOENT) {
                    events.warning(new Events.Warning(Events.Warning.Kind.SCRATCH_NOT_REMOVED, shown, e.errno()));
                }
            }
        }
        return removed;
    }
}
