package mcp.copy;

import java.util.EnumSet;
import java.util.Set;
import mcp.nativebridge.ErrnoException;
import mcp.nativebridge.NativeFile;

/**
 * {@link Preserve#apply} in a process of its own, which {@link PreserveTest} runs as user nobody:
 * {@code PreserveProbe SOURCE TARGET ATTRIBUTE,...} opens both files for reading and prints
 * {@code ok}, or {@code failed CALL ERRNO ATTRIBUTE} for an {@link ErrnoException}.
 */
public final class PreserveProbe {
    private PreserveProbe() {
    }

    public static void main(String[] args) throws Exception {
        Set<Preserve.Attribute> what = EnumSet.noneOf(Preserve.Attribute.class);
        for (String attribute : args[2].split(",")) {
            what.add(Preserve.Attribute.valueOf(attribute));
        }
        try (NativeFile source = NativeFile.open(null, args[0], 0, NativeFile.Open.READ, NativeFile.Open.NO_FOLLOW);
             NativeFile target = NativeFile.open(null, args[1], 0, NativeFile.Open.READ, NativeFile.Open.NO_FOLLOW)) {
            Preserve.apply(source, source.status(), target, what);
            System.out.println("ok");
        } catch (ErrnoException e) {
            System.out.println("failed " + e.call() + " " + e.errno() + " " + Preserve.attributeOf(e));
        }
    }
}
