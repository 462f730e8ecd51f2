package dev.av.cli.server;

import dev.av.api.TokenHelper;
import dev.av.cli.BaseCommand;
import dev.av.cli.Commands;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import dev.av.server.AvServer;
import dev.av.server.ConfigLoader;
import dev.av.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code av server}: runs the av server in this process until Ctrl-C, like {@code vault server}.
 * {@code -dev} runs in memory, initialised and unsealed, with the {@code secret/} KV v2 mount and a
 * root token that is printed and stored in the token helper file, and a {@code file} audit device
 * named {@code stdout} that streams every entry to standard output after the banner
 * ({@code -dev-no-audit} starts without it; {@code av audit disable stdout} stops it).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run the av server (until Ctrl-C).", "",
            "  av server -dev                                  in memory, unsealed, root token printed, audit to stdout",
            "  av server -dev -dev-no-audit                    the same without the stdout audit device",
            "  av server -dev -dev-root-token-id=root -dev-listen-address=127.0.0.1:8200",
            "  av server -config=/etc/av/config.json          persistent (H2 files or PostgreSQL)", "",
            "Without -dev or -config, the settings come from the environment (AV_LISTEN_ADDRESS, AV_DATA_DIR,",
            "AV_STORAGE_URL, AV_UNSEAL_KEY_FILE, ...; see docs/architecture.md) and data lives in ~/.av/data."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:usage or configuration error", "2:the server failed to start"})
public final class ServerCommand extends BaseCommand {

    @Option(names = {"-dev", "--dev"}, description = "Development mode: in memory, unsealed, root token printed.")
    boolean dev;

    @Option(names = {"-dev-root-token-id", "--dev-root-token-id"}, paramLabel = "ID",
            description = "Use ID as the dev root token (for scripts).")
    String devRootTokenId;

    @Option(names = {"-dev-listen-address", "--dev-listen-address"}, paramLabel = "ADDR",
            description = "Address for the API in dev mode (default 127.0.0.1:14321; port 0 picks a free port).")
    String devListenAddress;

    @Option(names = {"-dev-proxy-listen-address", "--dev-proxy-listen-address"}, paramLabel = "ADDR",
            description = "Address for the credential proxy in dev mode (default 127.0.0.1:14322).")
    String devProxyListenAddress;

    @Option(names = {"-dev-no-audit", "--dev-no-audit"},
            description = "Dev mode without the audit device that streams every entry to stdout.")
    boolean devNoAudit;

    @Option(names = {"-config", "--config"}, paramLabel = "FILE", description = "Server configuration file (JSON).")
    Path config;

    @Override
    protected String action() {
        return "starting the server";
    }

    @Override
    protected int execute() throws InterruptedException {
        if (!dev && (devRootTokenId != null || devListenAddress != null || devProxyListenAddress != null || devNoAudit)) {
            throw new UsageException("Error: -dev-* options need -dev");
        }
        ServerConfig cfg;
        try {
            if (dev) {
                ServerConfig.Builder b = config != null ? ConfigLoader.load(config, cli().env()).toBuilder()
                        : ServerConfig.builder();
                b.dev(true);
                b.devAuditStdout(!devNoAudit);
                b.listenAddress(devListenAddress != null ? devListenAddress : ServerConfig.DEFAULT_LISTEN);
                if (devProxyListenAddress != null) {
                    b.proxyListenAddress(devProxyListenAddress);
                }
                if (devRootTokenId != null) {
                    b.devRootTokenId(devRootTokenId);
                }
                cfg = b.build();
            } else {
                cfg = ConfigLoader.load(config, cli().env());
            }
        } catch (dev.av.core.AvException e) {
            throw new UsageException("Error loading configuration: " + e.getMessage());
        }
        AvServer server;
        try {
            server = AvServer.start(cfg);
        } catch (RuntimeException e) {
            err().println("Error starting the server: " + describe(e));
            return ExitCodes.SERVER;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C and SIGTERM: stop cleanly and exit 0 (as vault does); other exits still close via the hook
        for (String sig : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> stop.countDown());
            } catch (IllegalArgumentException unavailable) {
                // the platform has no such signal: the shutdown hook still closes the server
            }
        }
        Thread hook = new Thread(() -> {
            if (stopped.getCount() > 0) {
                server.close();
            }
        }, "av-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        banner(server, cfg);
        out().flush();
        stop.await();
        err().println("==> av shutdown triggered, stopping...");
        err().flush();
        try {
            server.close();
        } finally {
            stopped.countDown();
        }
        err().println("==> av server stopped");
        return ExitCodes.OK;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        Throwable c = e;
        while ((m == null || m.isBlank()) && c.getCause() != null) {
            c = c.getCause();
            m = c.getMessage();
        }
        if (m != null && m.contains("Address already in use")) {
            return m + " (another av or program is using that port; try -dev-listen-address=127.0.0.1:0)";
        }
        return m == null ? e.toString() : m;
    }

    private void banner(AvServer server, ServerConfig cfg) {
        PrintWriter out = out();
        String addr = server.apiAddress();
        out.println("==> av server configuration:");
        out.println();
        out.println("             Api Address: " + addr);
        out.println("           Proxy Address: " + cfg.proxyListenAddress());
        out.println("            Proxy Engine: " + server.bean(dev.av.server.proxy.ProxyService.class).engines());
        out.println("                 Storage: " + cfg.storage().describe());
        out.println();
        out.println("==> av server started! Log data will stream in below:");
        out.println();
        if (!cfg.isDev()) {
            return;
        }
        String root = server.rootToken();
        boolean stored = false;
        if (root != null) {
            try {
                TokenHelper.forEnvironment(cli().env(), cli().home()).store(root);
                stored = true;
            } catch (RuntimeException e) {
                err().println("WARNING! could not store the root token in the token helper file: " + e.getMessage());
            }
        }
        out.println("WARNING! dev mode is enabled! In this mode, av runs entirely in memory and starts");
        out.println("unsealed with a single unseal key." + (stored
                ? " The root token is already stored in the token helper (~/.av-token),"
                + "\nso the CLI can be used right away." : ""));
        out.println();
        out.println("You may need to set the following environment variable:");
        out.println();
        out.println("    $ export AV_ADDR='" + addr + "'");
        out.println();
        out.println("The unseal key and root token are displayed below in case you want to");
        out.println("seal/unseal av or re-authenticate.");
        out.println();
        if (server.unsealKey() != null) {
            out.println("Unseal Key: " + server.unsealKey());
        }
        out.println("Root Token: " + (root == null ? "(kept from the existing data)" : root));
        out.println();
        out.println("Try:");
        out.println();
        boolean kv = Commands.TOP_LEVEL.stream().anyMatch(c -> {
            Command a = c.getAnnotation(Command.class);
            return a != null && a.name().equals("kv");
        });
        if (kv) {
            out.println("    $ ./av kv put secret/hello foo=world");
            out.println("    $ ./av kv get secret/hello");
        } else {
            out.println("    $ echo '{\"data\":{\"foo\":\"world\"}}' | ./av write secret/data/hello -");
            out.println("    $ ./av read secret/data/hello");
        }
        out.println("    $ ./av token create -policy=default -ttl=1h");
        out.println();
        if (cfg.devAuditStdout()) {
            out.println("Audit: every request and response is recorded by the file audit device \""
                    + AvServer.DEV_AUDIT_DEVICE + "/\"");
            out.println("(file_path=stdout; JSON lines below). 'av audit disable " + AvServer.DEV_AUDIT_DEVICE
                    + "' stops it, -dev-no-audit starts without it.");
            out.println();
        }
        out.println("Development mode should NOT be used in production installations!");
        out.println();
    }
}
