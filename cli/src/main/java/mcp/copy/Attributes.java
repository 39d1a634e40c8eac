package mcp.copy;

import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;

/**
 * Gives the copy the attributes DEST must have after the rename, through the copy's descriptor:
 * a new DEST gets the source's permissions less the umask; an existing one keeps what cp, which
 * writes into it, would keep: owner and group, mode (set-id bits included), extended attributes
 * and ACLs (which are extended attributes). What cannot be kept fails the copy rather than widen
 * who may read or write DEST.
 */
final class Attributes {
    private Attributes() {
    }

    static void apply(CopyRequest request, NativeFile copy) throws CopyException {
        String target = request.targetName();
        FileStatus existing = request.existingStatus();
        try {
            if (existing == null) {
                copy.changeMode(request.mode());
                return;
            }
            FileStatus mine = copy.status();
            if (mine.uid() != existing.uid() || mine.gid() != existing.gid()) {
                try {
                    // Before the mode: changing the owner clears the set-id bits.
                    copy.changeOwner(existing.uid(), existing.gid());
                } catch (ErrnoException e) {
                    throw new CopyException(Failure.of(Failure.Kind.KEEP_OWNER, request.sourceName(), target, e, true), e);
                }
            }
            copy.changeMode(existing.permissions());
            for (String name : request.existing().extendedAttributeNames()) {
                byte[] value = request.existing().extendedAttribute(name);
                if (value == null) {
                    continue;
                }
                try {
                    copy.setExtendedAttribute(name, value);
                } catch (ErrnoException e) {
                    if (!Preserve.isPrivileged(name)) {
                        throw new CopyException(Failure.of(Failure.Kind.KEEP_XATTR, request.sourceName(), target, e, true)
                                .withDetail(name), e);
                    }
                }
            }
        } catch (ErrnoException e) {
            throw new CopyException(Failure.of(Failure.Kind.REPLACE, request.sourceName(), target, e, true), e);
        }
    }
}
