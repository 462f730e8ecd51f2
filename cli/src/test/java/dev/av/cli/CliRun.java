package dev.av.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code av} in-process with captured streams, a chosen environment and home directory. */
public final class CliRun {

    public record Result(int code, String out, String err) {
    }

    private final Map<String, String> env = new HashMap<>();
    private final Path home;

    public CliRun(Path home, String address) {
        this.home = home;
        env.put("AV_ADDR", address);
    }

    public CliRun env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    public Result run(String... args) {
        return runWithStdin("", args);
    }

    public Result runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, home, false);
        int code = Main.run(args, cli);
        return new Result(code, out.toString(), err.toString());
    }
}
