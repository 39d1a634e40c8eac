package mcp.cli;

import java.util.HexFormat;
import mcp.nativebridge.FileNames;

/**
 * Run in a child JVM by {@link RawArgumentsTest}: prints, one line each, the bytes of every
 * argument as {@link RawArguments} reads them, in hex between brackets (so that an empty
 * argument still makes a line that shows).
 */
public final class RawArgumentsProbe {
    private RawArgumentsProbe() {
    }

    public static void main(String[] args) {
        for (String argument : RawArguments.of(args)) {
            System.out.println("[" + HexFormat.of().formatHex(FileNames.encode(argument)) + "]");
        }
    }
}
