package dev.av.cli.proxy;

import dev.av.cli.ClientCommand;
import dev.av.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code av run [-agent NAME] [-ttl D] -- <command>}: runs a program with its HTTP(S) going through
 * av's proxy under a fresh session token. The child gets HTTPS_PROXY/HTTP_PROXY (and lower-case
 * twins), NO_PROXY (the user's entries kept, av's API host added), CA trust for every common
 * runtime and JAVA_TOOL_OPTIONS; never AV_TOKEN or VAULT_TOKEN. SIGINT, SIGTERM and SIGHUP are
 * forwarded; the exit code is the child's; the session (and every lease under it) is revoked when
 * the child exits, and also when {@code av run} itself is terminated.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command with its HTTPS going through av's proxy under a new session token.", "",
            "  av run -agent my-agent -- curl https://api.github.com/user",
            "  av run -ttl 30m -- python3 agent.py"})
public final class RunCommand extends ClientCommand {

    @Mixin
    SessionOptions options;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override
    protected String action() {
        return "running " + (command.isEmpty() ? "the command" : command.get(0));
    }

    @Override
    protected int execute() throws Exception {
        if (command.isEmpty()) {
            throw new UsageException("Error: no command given (av run -- <command> [args...])");
        }
        ProxySession session = options.create(client());
        Path dir = Files.createTempDirectory("av-run-");
        AtomicBoolean revoked = new AtomicBoolean();
        Runnable cleanUp = () -> {
            if (revoked.compareAndSet(false, true)) {
                try {
                    session.revoke(client());
                } catch (RuntimeException e) {
                    err().println("Warning: could not revoke the session (it expires with its TTL): " + e.getMessage());
                }
                ProxyEnvironment.delete(dir);
            }
        };
        Process child = null;
        Thread hook = null;
        List<Object> oldHandlers = new ArrayList<>();
        try {
            ProxyEnvironment.writeTrust(dir, session.caBundle());
            Map<String, String> env = new HashMap<>(cli().env());
            ProxyEnvironment.TOKEN_VARIABLES.forEach(env::remove);
            env.putAll(options.environment(session, dir, cli(), client()));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().clear();
            pb.environment().putAll(env);
            boolean realProcess = cli().in() == System.in;
            if (realProcess) {
                pb.inheritIO();
            }
            try {
                child = pb.start();
            } catch (IOException e) {
                throw new UsageException("Error: cannot run " + command.get(0) + ": " + e.getMessage());
            }
            Process running = child;
            hook = new Thread(() -> {
                if (running.isAlive()) {
                    running.destroy();
                }
                cleanUp.run();
            }, "av-run-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            forwardSignals(child, oldHandlers);
            List<Thread> pumps = new ArrayList<>();
            if (!realProcess) {
                pumps.add(pump(child.getInputStream(), cli().out()));
                pumps.add(pump(child.getErrorStream(), cli().err()));
                feed(cli().in(), child.getOutputStream());
            }
            int code = child.waitFor();
            for (Thread t : pumps) {
                t.join(10_000);
            }
            return code;
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
            }
            restoreSignals(oldHandlers);
            cleanUp.run();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down already
                }
            }
        }
    }

    private static Thread pump(InputStream from, PrintWriter to) {
        return Thread.ofPlatform().daemon().name("av-run-pump").start(() -> {
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = from.read(buf)) >= 0) {
                    to.print(new String(buf, 0, n, StandardCharsets.UTF_8));
                    to.flush();
                }
            } catch (IOException ignored) {
                // the child closed its stream
            }
        });
    }

    private static void feed(InputStream from, OutputStream to) {
        Thread.ofPlatform().daemon().name("av-run-stdin").start(() -> {
            try (to) {
                if (from != null) {
                    from.transferTo(to);
                }
            } catch (IOException ignored) {
                // the child exited
            }
        });
    }

    /** Forwards INT, TERM and HUP to the child (sun.misc.Signal: the only portable hook in the JDK). */
    @SuppressWarnings("removal")
    private static void forwardSignals(Process child, List<Object> old) {
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                sun.misc.SignalHandler prev = sun.misc.Signal.handle(sig, s -> {
                    try {
                        new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).start();
                    } catch (IOException e) {
                        child.destroy();
                    }
                });
                old.add(new Object[] {sig, prev});
            } catch (IllegalArgumentException | UnsupportedOperationException ignored) {
                // the signal is reserved by the JVM here: the shutdown hook still stops the child
            }
        }
    }

    @SuppressWarnings("removal")
    private static void restoreSignals(List<Object> old) {
        for (Object o : old) {
            Object[] pair = (Object[]) o;
            sun.misc.Signal.handle((sun.misc.Signal) pair[0], (sun.misc.SignalHandler) pair[1]);
        }
    }
}
