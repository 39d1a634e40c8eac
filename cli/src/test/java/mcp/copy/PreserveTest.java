package mcp.copy;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mcp.copy.Preserve.Attribute;
import mcp.fixtures.Processes;
import mcp.fixtures.Unprivileged;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.FileNames;
import mcp.nativebridge.FileStatus;
import mcp.nativebridge.NativeFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Preserve} on real files and directories: each attribute alone and all together, as root
 * and, through {@link PreserveProbe}, as user nobody, for whom failing to give a file away is
 * no error.
 */
class PreserveTest {
    private static final int NOBODY = Unprivileged.NOBODY;
    private static final Set<Attribute> ALL = EnumSet.allOf(Attribute.class);

    @TempDir
    Path dir;

    private static NativeFile open(Path file) throws ErrnoException {
        return NativeFile.open(null, file.toString(), 0, NativeFile.Open.READ, NativeFile.Open.NO_FOLLOW);
    }

    private static FileStatus status(Path file) throws ErrnoException {
        return NativeFile.status(null, file.toString(), false);
    }

    /** Opens both, takes the source's status first, and applies. */
    private static void apply(Path source, Path target, Set<Attribute> what) throws ErrnoException {
        try (NativeFile from = open(source); NativeFile to = open(target)) {
            Preserve.apply(from, from.status(), to, what);
        }
    }

    private static void setTimes(Path file, long accessedSeconds, int accessedNanos, long modifiedSeconds, int modifiedNanos)
            throws ErrnoException {
        try (NativeFile opened = open(file)) {
            opened.setTimes(accessedSeconds, accessedNanos, modifiedSeconds, modifiedNanos);
        }
    }

    private static void chmod(Path file, int mode) throws ErrnoException {
        try (NativeFile opened = open(file)) {
            opened.changeMode(mode);
        }
    }

    private static void chown(Path file, int uid, int gid) throws ErrnoException {
        try (NativeFile opened = open(file)) {
            opened.changeOwner(uid, gid);
        }
    }

    private static Instant accessed(FileStatus status) {
        return Instant.ofEpochSecond(status.accessedSeconds(), status.accessedNanos());
    }

    private static Instant modified(FileStatus status) {
        return Instant.ofEpochSecond(status.modifiedSeconds(), status.modifiedNanos());
    }

    private static String octal(int mode) {
        return String.format("0%04o", mode);
    }

    /** Sets an extended attribute, or skips the test where the file system has none of its kind. */
    private static void setOrSkip(Path file, String attribute, byte[] value) throws ErrnoException {
        try (NativeFile opened = open(file)) {
            opened.setExtendedAttribute(attribute, value);
        } catch (ErrnoException e) {
            Assumptions.assumeFalse(e.errno() == ErrnoException.EOPNOTSUPP, () -> "no such extended attributes here: " + e.getMessage());
            throw e;
        }
    }

    private static byte[] attribute(Path file, String attribute) throws ErrnoException {
        try (NativeFile opened = open(file)) {
            return opened.extendedAttribute(attribute);
        }
    }

    private static void assumeRoot() throws IOException {
        Assumptions.assumeTrue(Unprivileged.runningAsRoot(), "needs root, to give files away and to run the probe as nobody");
    }

    /** Runs {@link PreserveProbe} as user nobody; its one line of output. */
    private String asNobody(Path source, Path target, Attribute... what) throws Exception {
        Unprivileged.openUp(dir);
        List<String> names = EnumSet.copyOf(List.of(what)).stream().map(Enum::name).toList();
        List<String> command = Unprivileged.javaCommand(Files.createTempDirectory(dir, "java"), PreserveProbe.class.getName(),
                source.toString(), target.toString(), String.join(",", names));
        Processes.Result result = Processes.run(command, dir, 120);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out().strip();
    }

    /** A source owned by root, and a target that nobody owns, as nobody's copy of it would be. */
    private Path[] rootsSourceAndNobodysTarget(int sourceMode) throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "root's");
        chmod(source, sourceMode);
        Path target = Files.writeString(dir.resolve("target"), "nobody's");
        chown(target, NOBODY, NOBODY);
        chmod(target, 0600);
        return new Path[] {source, target};
    }

    // ---- mode ----

    @Test
    void modeKeepsEveryBitSetIdsAndStickyIncluded() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        chmod(source, 07751);
        chmod(target, 0600);
        apply(source, target, EnumSet.of(Attribute.MODE));
        assertEquals(octal(07751), octal(status(target).permissions()));
        assertTrue(status(target).isRegularFile());
    }

    @Test
    void modeOfADirectoryKeepsItsSetGroupIdBit() throws IOException {
        Path source = Files.createDirectory(dir.resolve("source"));
        Path target = Files.createDirectory(dir.resolve("target"));
        chmod(source, 02775);
        chmod(target, 0700);
        apply(source, target, EnumSet.of(Attribute.MODE));
        assertEquals(octal(02775), octal(status(target).permissions()));
        assertTrue(status(target).isDirectory());
    }

    @Test
    void modeAloneLeavesTimesOwnerAndAttributesAlone() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        setOrSkip(source, "user.only-on-source", new byte[] {1});
        setTimes(source, 1_000_000_000L, 1, 1_000_000_000L, 2);
        chmod(source, 0640);
        FileStatus before = status(target);
        apply(source, target, EnumSet.of(Attribute.MODE));
        FileStatus after = status(target);
        assertEquals(octal(0640), octal(after.permissions()));
        assertEquals(modified(before), modified(after));
        assertEquals(before.uid(), after.uid());
        assertNull(attribute(target, "user.only-on-source"));
    }

    @Test
    void modeCarriesAPosixAclWhichXattrAloneDoesNot() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "s");
        // Version 2, then (tag, permissions, id): user::rw-, user:12345:r--, group::r-x, mask::rwx, other::---.
        ByteBuffer acl = ByteBuffer.allocate(4 + 5 * 8).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
        acl.putShort((short) 0x01).putShort((short) 6).putInt(-1);
        acl.putShort((short) 0x02).putShort((short) 4).putInt(12345);
        acl.putShort((short) 0x04).putShort((short) 5).putInt(-1);
        acl.putShort((short) 0x10).putShort((short) 7).putInt(-1);
        acl.putShort((short) 0x20).putShort((short) 0).putInt(-1);
        setOrSkip(source, "system.posix_acl_access", acl.array());
        assertEquals(octal(0670), octal(status(source).permissions()), "the mask is the group bits");
        byte[] sourceAcl = attribute(source, "system.posix_acl_access");

        Path xattrOnly = Files.writeString(dir.resolve("xattr-only"), "t");
        apply(source, xattrOnly, EnumSet.of(Attribute.XATTR));
        assertNull(attribute(xattrOnly, "system.posix_acl_access"), "an ACL is the mode's, not kept with the other attributes");

        Path target = Files.writeString(dir.resolve("target"), "t");
        chmod(target, 0600);
        apply(source, target, EnumSet.of(Attribute.MODE));
        assertArrayEquals(sourceAcl, attribute(target, "system.posix_acl_access"));
        assertEquals(octal(0670), octal(status(target).permissions()));
    }

    // ---- timestamps ----

    @Test
    void timestampsAreKeptToTheNanosecond() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        setTimes(source, 1_234_567_890L, 123_456_789, 1_300_000_000L, 987_654_321);
        apply(source, target, EnumSet.of(Attribute.TIMESTAMPS));
        assertEquals(Instant.ofEpochSecond(1_234_567_890L, 123_456_789), accessed(status(target)));
        assertEquals(Instant.ofEpochSecond(1_300_000_000L, 987_654_321), modified(status(target)));
    }

    @Test
    void timestampsOfADirectoryAreKeptAndLastWhenAllAreAskedFor() throws IOException {
        Path source = Files.createDirectory(dir.resolve("source"));
        Path target = Files.createDirectory(dir.resolve("target"));
        setOrSkip(source, "user.x", new byte[] {1, 2, 3});
        chmod(source, 02750);
        setTimes(source, 1_100_000_000L, 5, 1_200_000_000L, 6);
        apply(source, target, ALL);
        FileStatus copied = status(target);
        assertEquals(Instant.ofEpochSecond(1_100_000_000L, 5), accessed(copied));
        assertEquals(Instant.ofEpochSecond(1_200_000_000L, 6), modified(copied));
        assertEquals(octal(02750), octal(copied.permissions()));
        assertArrayEquals(new byte[] {1, 2, 3}, attribute(target, "user.x"));
    }

    @Test
    void theSourceStatusGivenIsTheOneKeptNotTheSourcesTimesNow() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        setTimes(source, 1_000_000_000L, 0, 1_000_000_000L, 0);
        try (NativeFile from = open(source); NativeFile to = open(target)) {
            FileStatus before = from.status();
            from.setTimes(1_500_000_000L, 0, 1_500_000_000L, 0); // as reading it would move the access time
            Preserve.apply(from, before, to, EnumSet.of(Attribute.TIMESTAMPS));
        }
        assertEquals(Instant.ofEpochSecond(1_000_000_000L), accessed(status(target)));
    }

    // ---- extended attributes ----

    @Test
    void xattrCopiesEveryUserAttributeWhateverItsBytes() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        String oddName = "user." + FileNames.decode(new byte[] {'a', (byte) 0xff});
        byte[] big = new byte[3000];
        new java.util.Random(3).nextBytes(big);
        setOrSkip(source, "user.binary", new byte[] {0, 1, (byte) 0xff});
        setOrSkip(source, "user.empty", new byte[0]);
        setOrSkip(source, "user.big", big);
        setOrSkip(source, oddName, new byte[] {42});
        apply(source, target, EnumSet.of(Attribute.XATTR));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, attribute(target, "user.binary"));
        assertArrayEquals(new byte[0], attribute(target, "user.empty"));
        assertArrayEquals(big, attribute(target, "user.big"));
        assertArrayEquals(new byte[] {42}, attribute(target, oddName));
    }

    @Test
    void xattrAsRootCopiesTrustedAttributesToo() throws IOException {
        assumeRoot();
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        setOrSkip(source, "trusted.mcp-test", new byte[] {7});
        apply(source, target, EnumSet.of(Attribute.XATTR));
        assertArrayEquals(new byte[] {7}, attribute(target, "trusted.mcp-test"));
    }

    @Test
    void isPrivilegedNamesTheTrustedAndSecurityNamespacesOnly() {
        assertTrue(Preserve.isPrivileged("trusted.x"));
        assertTrue(Preserve.isPrivileged("security.capability"));
        assertEquals(false, Preserve.isPrivileged("user.trusted.x"));
        assertEquals(false, Preserve.isPrivileged("system.posix_acl_access"));
    }

    // ---- ownership, as root ----

    @Test
    void ownershipAsRootGivesTheCopyAwayAndTheModeAfterItKeepsTheSetIds() throws IOException {
        assumeRoot();
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        chown(source, NOBODY, NOBODY);
        chmod(source, 06755);
        apply(source, target, EnumSet.of(Attribute.OWNERSHIP, Attribute.MODE));
        FileStatus copied = status(target);
        assertEquals(NOBODY, copied.uid());
        assertEquals(NOBODY, copied.gid());
        assertEquals(octal(06755), octal(copied.permissions()), "chown cleared them; the mode put them back");
    }

    @Test
    void ownershipAloneAsRootLeavesTheKernelsClearedSetIds() throws IOException {
        assumeRoot();
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        chown(source, NOBODY, 0);
        chmod(target, 04755);
        apply(source, target, EnumSet.of(Attribute.OWNERSHIP));
        assertEquals(NOBODY, status(target).uid());
        assertEquals(0, status(target).gid());
        assertEquals(octal(0755), octal(status(target).permissions()));
    }

    @Test
    void aChownFailureOtherThanPermissionIsAnErrorNamingFchown() throws IOException {
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        try (NativeFile from = open(source);
             NativeFile handle = NativeFile.open(null, target.toString(), 0, NativeFile.Open.PATH_ONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Preserve.apply(from, from.status(), handle, EnumSet.of(Attribute.OWNERSHIP)));
            assertEquals("fchown", e.call());
            assertEquals(Attribute.OWNERSHIP, Preserve.attributeOf(e));
        }
    }

    @Test
    void rootFailingToGiveAFileAwayIsAnError() throws Exception {
        assumeRoot();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chattr")) || Files.isExecutable(Path.of("/bin/chattr")),
                "chattr (e2fsprogs) is not installed");
        Path source = Files.writeString(dir.resolve("source"), "s");
        Path target = Files.writeString(dir.resolve("target"), "t");
        chown(source, NOBODY, NOBODY);
        Processes.Result chattr = Processes.run(List.of("chattr", "+i", target.toString()), dir, 60);
        Assumptions.assumeTrue(chattr.exitCode() == 0, chattr::toString);
        try {
            ErrnoException e = assertThrows(ErrnoException.class, () -> apply(source, target, EnumSet.of(Attribute.OWNERSHIP)));
            assertEquals("fchown", e.call());
            assertEquals(ErrnoException.EPERM, e.errno(), "an immutable file's owner cannot change, even for root");
        } finally {
            Processes.run(List.of("chattr", "-i", target.toString()), dir, 60);
        }
        assertEquals(0, status(target).uid());
    }

    // ---- ownership, as nobody ----

    @Test
    void nobodyFailingToGiveAFileAwayIsNoErrorButTheSetIdsAndStickyAreNotKept() throws Exception {
        assumeRoot();
        Path[] files = rootsSourceAndNobodysTarget(07755);
        assertEquals("ok", asNobody(files[0], files[1], Attribute.OWNERSHIP, Attribute.MODE));
        FileStatus copied = status(files[1]);
        assertEquals(NOBODY, copied.uid());
        assertEquals(NOBODY, copied.gid(), "nobody is no member of root's group");
        assertEquals(octal(0755), octal(copied.permissions()));
    }

    @Test
    void nobodyKeepsTheGroupAloneWhereItIsAMember() throws Exception {
        assumeRoot();
        Path[] files = rootsSourceAndNobodysTarget(02750);
        chown(files[0], 0, NOBODY);
        chown(files[1], NOBODY, 0);
        assertEquals("ok", asNobody(files[0], files[1], Attribute.OWNERSHIP, Attribute.MODE));
        FileStatus copied = status(files[1]);
        assertEquals(NOBODY, copied.uid());
        assertEquals(NOBODY, copied.gid(), "the group alone was kept");
        assertEquals(octal(0750), octal(copied.permissions()), "the owner was not kept, so neither is set-group-id");
    }

    @Test
    void nobodyKeepsEveryBitWhenItOwnsTheSourceToo() throws Exception {
        assumeRoot();
        Path[] files = rootsSourceAndNobodysTarget(02750);
        chown(files[0], NOBODY, NOBODY);
        chmod(files[0], 02750);
        assertEquals("ok", asNobody(files[0], files[1], Attribute.OWNERSHIP, Attribute.MODE));
        assertEquals(octal(02750), octal(status(files[1]).permissions()));
    }

    // ---- extended attributes, as nobody ----

    @Test
    void nobodySkipsASecurityAttributeItMayNotWriteAndCopiesTheRest() throws Exception {
        assumeRoot();
        Path[] files = rootsSourceAndNobodysTarget(0644);
        // struct vfs_cap_data, revision 2, effective: CAP_NET_BIND_SERVICE (10) permitted.
        byte[] capability = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x02000001).putInt(1 << 10).putInt(0).putInt(0).putInt(0).array();
        setOrSkip(files[0], "security.capability", capability);
        setOrSkip(files[0], "user.kept", new byte[] {9});
        assertEquals("ok", asNobody(files[0], files[1], Attribute.XATTR));
        assertArrayEquals(new byte[] {9}, attribute(files[1], "user.kept"));
        assertNull(attribute(files[1], "security.capability"));
    }

    @Test
    void nobodyFailingToWriteAUserAttributeIsAnErrorNamingSetxattr() throws Exception {
        assumeRoot();
        Path source = Files.writeString(dir.resolve("source"), "s");
        chown(source, NOBODY, NOBODY);
        setOrSkip(source, "user.x", new byte[] {1});
        Path target = Files.writeString(dir.resolve("target"), "root's, readable by all");
        chmod(target, 0644);
        assertEquals("failed setxattr " + ErrnoException.EACCES + " XATTR", asNobody(source, target, Attribute.XATTR));
        assertNull(attribute(target, "user.x"));
    }

    @Test
    void nobodyWritesAttributesOnAReadOnlyCopyAndLeavesItReadOnly() throws Exception {
        assumeRoot();
        Path[] files = rootsSourceAndNobodysTarget(0444);
        setOrSkip(files[0], "user.x", new byte[] {5});
        chmod(files[1], 0400);
        assertEquals("ok", asNobody(files[0], files[1], Attribute.XATTR));
        assertArrayEquals(new byte[] {5}, attribute(files[1], "user.x"));
        assertEquals(octal(0400), octal(status(files[1]).permissions()), "write permission was lent, then taken back");
        chmod(files[1], 0400);
        assertEquals("ok", asNobody(files[0], files[1], Attribute.XATTR, Attribute.MODE));
        assertEquals(octal(0444), octal(status(files[1]).permissions()));
    }

    // ---- symbolic links ----

    @Test
    void applyToLinkKeepsTheLinksOwnerAndTimesAndLeavesItsTargetAlone() throws IOException {
        Path pointedTo = Files.writeString(dir.resolve("pointed-to"), "x");
        Files.createSymbolicLink(dir.resolve("source-link"), pointedTo.getFileName());
        Files.createSymbolicLink(dir.resolve("target-link"), pointedTo.getFileName());
        boolean root = Unprivileged.runningAsRoot();
        try (NativeFile directory = NativeFile.open(null, dir.toString(), 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY)) {
            NativeFile.setTimes(directory, "source-link", false, 1_000_000_000L, 11, 1_100_000_000L, 12);
            if (root) {
                NativeFile.changeOwner(directory, "source-link", NOBODY, NOBODY);
            }
            FileStatus pointedBefore = NativeFile.status(directory, "pointed-to", false);
            FileStatus source = NativeFile.status(directory, "source-link", false);
            Preserve.applyToLink(directory, "target-link", source, ALL);
            FileStatus copied = NativeFile.status(directory, "target-link", false);
            assertTrue(copied.isSymbolicLink());
            assertEquals(Instant.ofEpochSecond(1_000_000_000L, 11), accessed(copied));
            assertEquals(Instant.ofEpochSecond(1_100_000_000L, 12), modified(copied));
            assertEquals(source.uid(), copied.uid());
            assertEquals(source.gid(), copied.gid());
            FileStatus pointedAfter = NativeFile.status(directory, "pointed-to", false);
            assertEquals(modified(pointedBefore), modified(pointedAfter));
            assertEquals(pointedBefore.uid(), pointedAfter.uid());
        }
        if (root) {
            assertEquals(NOBODY, Files.getAttribute(dir.resolve("target-link"), "unix:uid", NOFOLLOW_LINKS));
        }
    }

    @Test
    void applyToAMissingLinkFailsNamingTheCallOfTheAttribute() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("source-link"), Path.of("nowhere"));
        try (NativeFile directory = NativeFile.open(null, dir.toString(), 0, NativeFile.Open.READ, NativeFile.Open.DIRECTORY)) {
            FileStatus source = status(link);
            ErrnoException times = assertThrows(ErrnoException.class,
                    () -> Preserve.applyToLink(directory, "missing", source, EnumSet.of(Attribute.TIMESTAMPS)));
            assertEquals("utimensat", times.call());
            assertEquals(Attribute.TIMESTAMPS, Preserve.attributeOf(times));
            ErrnoException owner = assertThrows(ErrnoException.class,
                    () -> Preserve.applyToLink(directory, "missing", source, EnumSet.of(Attribute.OWNERSHIP)));
            assertEquals("lchown", owner.call());
            assertEquals(ErrnoException.ENOENT, owner.errno());
            assertEquals(Attribute.OWNERSHIP, Preserve.attributeOf(owner));
        }
    }

    @Test
    void attributeOfMapsEachCallAndRejectsOthers() {
        assertEquals(Attribute.MODE, Preserve.attributeOf(ErrnoException.of("fchmod", ErrnoException.EPERM, "f")));
        assertEquals(Attribute.MODE, Preserve.attributeOf(ErrnoException.of("acl_set_fd", ErrnoException.EOPNOTSUPP, "f")));
        assertEquals(Attribute.XATTR, Preserve.attributeOf(ErrnoException.of("setxattr", ErrnoException.EACCES, "f")));
        assertEquals(Attribute.TIMESTAMPS, Preserve.attributeOf(ErrnoException.of("futimens", ErrnoException.EPERM, "f")));
        assertThrows(IllegalArgumentException.class, () -> Preserve.attributeOf(ErrnoException.of("open", ErrnoException.ENOENT, "f")));
    }
}
