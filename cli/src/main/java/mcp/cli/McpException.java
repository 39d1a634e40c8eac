package mcp.cli;

/**
 * A failure to report to the user in one line, without a stack trace, e.g. {@code cannot stat
 * 'x': No such file or directory}; the command prefixes it with {@code mcp: }.
 */
public final class McpException extends Exception {
    private static final long serialVersionUID = 1L;

    public McpException(String message) {
        super(message);
    }

    public McpException(String message, Throwable cause) {
        super(message, cause);
    }
}
