// FilesCopy SRC DST: the plain-Java baseline for bench/run. Files.copy, then force(true) on the
// copy so that it is on the device when the JVM exits, as mcp's copy is.
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

public final class FilesCopy {
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: FilesCopy SRC DST");
      System.exit(2);
    }
    Path src = Path.of(args[0]);
    Path dst = Path.of(args[1]);
    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
