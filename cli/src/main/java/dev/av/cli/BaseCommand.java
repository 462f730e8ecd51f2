package dev.av.cli;

import dev.av.api.ApiException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every {@code av} command: access to the {@link Cli} (streams, environment) and
 * Vault's error handling. A subclass implements {@link #execute()}; an {@link ApiException} becomes
 * {@code Error <action>: <server message>} and exit code 2, a {@link UsageException} a one-line
 * message and exit code 1.
 */
public abstract class BaseCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    /** Does the work; returns the exit code. */
    protected abstract int execute() throws Exception;

    /** Checks options before any work is done (a bad one throws {@link UsageException}). */
    protected void validate() {
    }

    /**
     * What the command was doing, for error lines ({@code "writing secret/data/x"}); null gives a
     * plain {@code Error: <message>}.
     */
    protected String action() {
        return null;
    }

    @Override
    public final Integer call() throws Exception {
        try {
            validate();
            return execute();
        } catch (ApiException e) {
            String action = action();
            err().println("Error" + (action == null ? "" : " " + action) + ": " + e.getMessage());
            return ExitCodes.SERVER;
        } catch (UsageException e) {
            err().println(e.getMessage());
            return ExitCodes.USAGE;
        } catch (dev.av.core.AvException e) {
            err().println("Error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (UncheckedIOException e) {
            err().println("Error: " + e.getMessage()
                    + (e.getCause() != null && e.getCause().getMessage() != null ? ": " + e.getCause().getMessage() : ""));
            return ExitCodes.USAGE;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** The outside world this run sees. */
    protected Cli cli() {
        Object root = spec.root().userObject();
        if (root instanceof AvCommand av) {
            return av.cli();
        }
        return Cli.system();
    }

    protected PrintWriter out() {
        return cli().out();
    }

    protected PrintWriter err() {
        return cli().err();
    }
}
