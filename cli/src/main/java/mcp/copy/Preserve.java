package mcp.copy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;
import mcp.nativebridge.Posix;

/**
 * Gives a copy the source's attributes, as {@code cp -p} / {@code --preserve=...} / {@code -a}
 * do, through descriptors only: nothing is reached by a path that someone could swap meanwhile.
 *
 * <p>The order is GNU cp's, and each step has its reason: ownership first, since {@code chown}
 * clears the set-user-id and set-group-id bits and file capabilities ({@code security.capability})
 * that later steps put back; the extended attributes before the mode, since writing a
 * {@code user.} attribute takes write permission, which the source's mode may not give (a target
 * without {@code u+w} gets it for that while, as GNU cp does); the mode, with the POSIX ACLs, which
 * are the rest of it; the times last, so that nothing after them moves them.
 *
 * <p>Ownership follows GNU cp's rule: a process that is not root may fail to give a file away
 * ({@code EPERM}, or {@code EINVAL} for an id the user namespace cannot map); that is not an
 * error, the group alone is tried, and the set-user-id, set-group-id and sticky bits are then not
 * kept, since the first two would grant the copier's own ids. Root failing to keep an owner is
 * an error.
 *
 * <p>Failures are {@link ErrnoException}s, for the caller to word; the call they name says which
 * attribute could not be kept ({@link #attributeOf}):
 * <table>
 * <caption>call named → attribute</caption>
 * <tr><td>{@code fchown}, {@code lchown}</td><td>{@link Attribute#OWNERSHIP}</td></tr>
 * <tr><td>{@code fchmod}, {@code acl_get_fd}, {@code acl_set_fd}</td><td>{@link Attribute#MODE}</td></tr>
 * <tr><td>{@code listxattr}, {@code getxattr}, {@code setxattr}</td><td>{@link Attribute#XATTR}</td></tr>
 * <tr><td>{@code futimens}, {@code utimensat}</td><td>{@link Attribute#TIMESTAMPS}</td></tr>
 * </table>
 */
public final class Preserve {
    /** What {@code --preserve} can keep; {@code -p} is mode, ownership and timestamps, {@code -a} all four. */
    public enum Attribute {
        /** The permission bits, set-user-id, set-group-id and sticky included, and a POSIX ACL. */
        MODE,
        /** Owner and group. */
        OWNERSHIP,
        /** Access and modification times, to the nanosecond. */
        TIMESTAMPS,
        /** Extended attributes other than the ACLs, which are the mode's. */
        XATTR
    }

    /** Extended-attribute namespaces that only a privileged process may write (or, for trusted., read). */
    private static final String[] PRIVILEGED_NAMESPACES = {"trusted.", "security."};
    /**
     * The POSIX ACLs, held as extended attributes: kept with the mode, as GNU cp does, not with
     * the other attributes, since writing one changes the mode's group bits.
     */
    private static final String[] ACLS = {"system.posix_acl_access", "system.posix_acl_default"};
    /** Set-user-id, set-group-id and sticky: what GNU cp drops when it cannot keep the owner. */
    private static final int NOT_KEPT_WITHOUT_OWNER = 07000;
    private static final int OWNER_WRITE = 0200;

    private Preserve() {
    }

    /**
     * Gives {@code target}, a regular file or directory opened for reading or writing (not
     * {@link NativeFile.Open#PATH_ONLY}, through which nothing can be changed), the attributes
     * {@code what} of {@code source} (which may be a path-only handle).
     *
     * @param sourceStatus the source's status, taken before its data was read, so that reading
     *        it does not move the access time that is kept
     */
    public static void apply(NativeFile source, FileStatus sourceStatus, NativeFile target, Set<Attribute> what)
            throws ErrnoException {
        boolean ownerKept = true;
        if (what.contains(Attribute.OWNERSHIP)) {
            ownerKept = keepOwner(target::changeOwner, sourceStatus);
        }
        if (what.contains(Attribute.XATTR)) {
            copyExtendedAttributes(source, target, !what.contains(Attribute.MODE));
        }
        if (what.contains(Attribute.MODE)) {
            target.changeMode(ownerKept ? sourceStatus.permissions() : sourceStatus.permissions() & ~NOT_KEPT_WITHOUT_OWNER);
            copyAcls(source, target);
        }
        if (what.contains(Attribute.TIMESTAMPS)) {
            target.setTimes(sourceStatus.accessedSeconds(), sourceStatus.accessedNanos(),
                    sourceStatus.modifiedSeconds(), sourceStatus.modifiedNanos());
        }
    }

    /**
     * Gives the symbolic link {@code name} in {@code directory} the ownership and times of the
     * link {@code sourceStatus} describes, never touching what it points to. A link has no mode
     * of its own on Linux and no extended attributes but privileged ones, so {@link Attribute#MODE}
     * and {@link Attribute#XATTR} are ignored here.
     */
    public static void applyToLink(NativeFile directory, String name, FileStatus sourceStatus, Set<Attribute> what)
            throws ErrnoException {
        if (what.contains(Attribute.OWNERSHIP)) {
            keepOwner((uid, gid) -> NativeFile.changeOwner(directory, name, uid, gid), sourceStatus);
        }
        if (what.contains(Attribute.TIMESTAMPS)) {
            NativeFile.setTimes(directory, name, false, sourceStatus.accessedSeconds(), sourceStatus.accessedNanos(),
                    sourceStatus.modifiedSeconds(), sourceStatus.modifiedNanos());
        }
    }

    /** The attribute a failure of {@link #apply} or {@link #applyToLink} was about, from the call it names. */
    /** The failure to word when keeping an attribute of {@code source} failed with {@code e}: which one, by its call. */
    static Failure failure(String source, String target, ErrnoException e) {
        Attribute attribute = attributeOf(e);
        return new Failure(Failure.Kind.PRESERVE, source, target, e.call(), e.errno(),
                attribute == null ? e.call() : attribute.name().toLowerCase(Locale.ROOT), true);
    }

    public static Attribute attributeOf(ErrnoException failure) {
        return switch (failure.call()) {
            case "fchown", "lchown" -> Attribute.OWNERSHIP;
            case "fchmod", "acl_get_fd", "acl_set_fd" -> Attribute.MODE;
            case "listxattr", "getxattr", "setxattr" -> Attribute.XATTR;
            case "futimens", "utimensat" -> Attribute.TIMESTAMPS;
            default -> throw new IllegalArgumentException("not a failure to keep an attribute: " + failure.getMessage());
        };
    }

    /** {@code fchown} or {@code lchown}, as the file is reached. */
    private interface Chown {
        void change(int uid, int gid) throws ErrnoException;
    }

    /**
     * Gives the file the source's owner and group, by GNU cp's rule (see the class comment).
     *
     * @return true if both are kept, false if not and that is no error
     */
    private static boolean keepOwner(Chown chown, FileStatus sourceStatus) throws ErrnoException {
        try {
            chown.change(sourceStatus.uid(), sourceStatus.gid());
            return true;
        } catch (ErrnoException e) {
            if (!isPermissionToGiveAway(e) || Posix.effectiveUid() == 0) {
                throw e;
            }
        }
        try {
            chown.change(-1, sourceStatus.gid()); // a group the user is a member of
        } catch (ErrnoException e) {
            if (!isPermissionToGiveAway(e)) {
                throw e;
            }
        }
        return false;
    }

    private static boolean isPermissionToGiveAway(ErrnoException e) {
        return e.errno() == ErrnoException.EPERM || e.errno() == ErrnoException.EINVAL;
    }

    /**
     * The source's POSIX ACLs, which {@code chmod} alone cannot carry. A file system without ACLs
     * has none to give; one that cannot take them fails the mode, as a narrower access would be
     * kept silently otherwise.
     */
    private static void copyAcls(NativeFile source, NativeFile target) throws ErrnoException {
        for (String acl : ACLS) {
            byte[] value;
            try {
                value = source.extendedAttribute(acl);
            } catch (ErrnoException e) {
                if (e.errno() == ErrnoException.EOPNOTSUPP) {
                    return;
                }
                throw ErrnoException.of("acl_get_fd", e.errno(), e.name());
            }
            if (value != null) {
                try {
                    target.setExtendedAttribute(acl, value);
                } catch (ErrnoException e) {
                    throw ErrnoException.of("acl_set_fd", e.errno(), target.name());
                }
            }
        }
    }

    /**
     * Every extended attribute of the source that can be read, but the ACLs. One that only a
     * privileged process may write is skipped if it cannot be written (as GNU cp does, quietly);
     * any other that cannot be written fails the copy. A process other than root needs write
     * permission to write {@code user.} attributes: a target without {@code u+w} gets it while
     * they are written, and loses it again unless {@code restoreMode} is false (the mode is set next).
     */
    private static void copyExtendedAttributes(NativeFile source, NativeFile target, boolean restoreMode) throws ErrnoException {
        List<String> attributes = source.extendedAttributeNames();
        if (attributes.isEmpty()) {
            return;
        }
        int writableFor = -1;
        if (Posix.effectiveUid() != 0) {
            int mode = target.status().permissions();
            if ((mode & OWNER_WRITE) == 0) {
                target.changeMode(mode | OWNER_WRITE);
                writableFor = mode;
            }
        }
        copyExtendedAttributes(source, target, attributes);
        if (writableFor != -1 && restoreMode) {
            target.changeMode(writableFor);
        }
    }

    private static void copyExtendedAttributes(NativeFile source, NativeFile target, List<String> attributes) throws ErrnoException {
        for (String attribute : attributes) {
            if (isAcl(attribute)) {
                continue;
            }
            byte[] value;
            try {
                value = source.extendedAttribute(attribute);
            } catch (ErrnoException e) {
                if (isPrivileged(attribute)) {
                    continue;
                }
                throw e;
            }
            if (value == null) {
                continue; // removed since it was listed
            }
            try {
                target.setExtendedAttribute(attribute, value);
            } catch (ErrnoException e) {
                if (!isPrivileged(attribute)) {
                    throw e;
                }
            }
        }
    }

    /** True for an attribute in a namespace that only a privileged process may write. */
    static boolean isPrivileged(String attribute) {
        for (String namespace : PRIVILEGED_NAMESPACES) {
            if (attribute.startsWith(namespace)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAcl(String attribute) {
        for (String acl : ACLS) {
            if (attribute.equals(acl)) {
                return true;
            }
        }
        return false;
    }
}
