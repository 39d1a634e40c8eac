package mcp.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import mcp.copy.FatalSignals;

/** {@code mcp}: see {@link McpCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        // Before mcp opens anything: which descriptors are the JVM's own (see OwnDescriptors).
        OwnDescriptors.snapshot();
        // Any fatal signal ends mcp as SIGINT does: exit 128 + n through the shutdown hooks, which
        // stop the workers and remove the scratch files.
        FatalSignals.install(signal -> System.exit(FatalSignals.EXIT_STATUS_BASE + signal));
        // Standard output straight to descriptor 1, so that a failed write (a full disk, a closed
        // pipe) is seen: System.out and PrintWriter both swallow it.
        FailedWrites stdout = new FailedWrites(new FileOutputStream(FileDescriptor.out));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout), true);
        PrintWriter err = new PrintWriter(System.err, true);
        // The arguments are file names: take them as bytes, not as the JVM decoded them.
        int status = McpCommand.execute(RawArguments.of(args), out, err, started);
        out.flush();
        if (stdout.failure != null) {
            // As cp does for --help or --version written to a full disk.
            err.println("mcp: write error: " + Messages.reason(stdout.failure));
            if (status == McpCommand.EXIT_OK) {
                status = McpCommand.EXIT_FAILED;
            }
        }
        System.exit(status);
    }

    /** An output stream that remembers the first write that failed. */
    static final class FailedWrites extends FilterOutputStream {
        IOException failure;

        FailedWrites(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        private void remember(IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }
}
