package dev.av.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch of the outside world: its streams, environment and home directory.
 * {@link Main} builds it from the process; tests build one with captured streams, so a command
 * runs in-process exactly as it would from a shell.
 *
 * @param terminal whether stdout is a terminal (Vault prints {@code -field} values without a
 *                 trailing newline when it is not)
 */
public record Cli(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path home,
                  boolean terminal) {

    public Cli {
        env = Map.copyOf(env);
    }

    /** The real process: System streams, environment and {@code user.home}. */
    public static Cli system() {
        return new Cli(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                System.in, System.getenv(), Path.of(System.getProperty("user.home")), System.console() != null);
    }

    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
