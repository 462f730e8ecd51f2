package dev.av.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code av}'s entry point. {@link #run(String[], Cli)} is the whole CLI without
 * {@code System.exit}, so tests run commands in-process with captured streams.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Cli cli = Cli.system();
        int code = run(args, cli);
        cli.out().flush();
        cli.err().flush();
        System.exit(code);
    }

    /** Runs one {@code av} command line; returns the exit code. */
    public static int run(String[] args, Cli cli) {
        CommandLine cl = commandLine(cli, args.length > 0 ? args[0] : null);
        try {
            return cl.execute(args);
        } finally {
            cli.out().flush();
            cli.err().flush();
        }
    }

    /**
     * The command tree. When {@code first} names a top-level command, only that command's picocli
     * model is built (a large part of a short command's start-up otherwise); anything else (help,
     * an unknown word, an option) gets the full tree.
     */
    public static CommandLine commandLine(Cli cli, String first) {
        CommandLine cl = new CommandLine(new AvCommand(cli));
        Class<?> only = first == null ? null : find(first);
        for (Class<?> c : only != null ? List.of(only) : Commands.TOP_LEVEL) {
            cl.addSubcommand(c);
        }
        cl.setOut(cli.out());
        cl.setErr(cli.err());
        cl.setPosixClusteredShortOptionsAllowed(false);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            line.getErr().println("Error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return ExitCodes.USAGE;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println("Error: " + ex.getMessage());
            bad.getErr().println("Run '" + bad.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        return cl;
    }

    private static Class<?> find(String name) {
        for (Class<?> c : Commands.TOP_LEVEL) {
            Command a = c.getAnnotation(Command.class);
            if (a == null) {
                continue;
            }
            if (a.name().equals(name)) {
                return c;
            }
            for (String alias : a.aliases()) {
                if (alias.equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }
}
