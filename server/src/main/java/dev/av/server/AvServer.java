package dev.av.server;

import dev.av.core.AvException;
import dev.av.registry.keyring.Keyring;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenStore;
import dev.av.server.mount.MountTable;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts av in-process: {@code AvServer.start(config)} opens storage (running migrations), prepares
 * dev mode or unseals from the configured key, and starts the HTTP API. The returned handle tells the
 * address and (dev mode) the root token, and stops everything on {@link #close()}.
 *
 * <pre>{@code
 * try (AvServer av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build())) {
 *     String addr = av.apiAddress();   // http://127.0.0.1:43817
 *     String root = av.rootToken();
 * }
 * }</pre>
 */
public final class AvServer implements AutoCloseable {

    /** The name of the audit device {@code av server -dev} enables ({@code file_path=stdout}). */
    public static final String DEV_AUDIT_DEVICE = "stdout";

    private static final Logger LOG = LoggerFactory.getLogger(AvServer.class);

    private final ApplicationContext context;
    private final EmbeddedServer http;
    private final ServerConfig config;
    private final String rootToken;
    private final String unsealKey;
    private final ScheduledExecutorService tidy;

    private AvServer(ApplicationContext context, EmbeddedServer http, ServerConfig config, String rootToken,
                     String unsealKey, ScheduledExecutorService tidy) {
        this.context = context;
        this.http = http;
        this.config = config;
        this.rootToken = rootToken;
        this.unsealKey = unsealKey;
        this.tidy = tidy;
    }

    public static AvServer start(ServerConfig config) {
        long t0 = System.nanoTime();
        ServerConfig.HostPort listen = ServerConfig.hostPort(config.listenAddress(), "listen address");
        Map<String, Object> props = new HashMap<>(config.properties());
        props.put("micronaut.server.host", listen.host());
        props.put("micronaut.server.port", listen.port());
        props.put("micronaut.server.max-request-size", config.maxRequestBytes());
        props.put("micronaut.server.netty.server-header", "av");
        props.put("micronaut.server.date-header", false);
        props.put("micronaut.application.name", "av");
        props.put("av.proxy.listen-address", config.proxyListenAddress());
        props.put("av.dev", config.isDev());
        ApplicationContext ctx = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(props)
                .singletons(config)
                .start();
        long tContext = System.nanoTime();
        try {
            Keyring keyring = ctx.getBean(Keyring.class);
            long tStorage = System.nanoTime();
            TokenStore tokens = ctx.getBean(TokenStore.class);
            String root = null;
            String key = null;
            if (config.isDev()) {
                if (!keyring.isInitialized()) {
                    key = keyring.init(null).key();
                    keyring.unseal(key);
                    IssuedToken t = tokens.createRoot(config.devRootTokenId(), "root");
                    root = t.token();
                } else if (config.unsealKey() != null) {
                    keyring.unseal(config.unsealKey());
                }
                ctx.getBean(MountTable.class).ensureMounted("secret/", "kv", "key/value secret storage",
                        Map.of("version", "2"));
                if (config.devAuditStdout() && !keyring.isSealed()) {
                    enableDevAudit(ctx.getBean(dev.av.server.audit.AuditService.class));
                }
            } else if (config.unsealKey() != null && keyring.isInitialized()) {
                keyring.unseal(config.unsealKey());
            }
            long tReady = System.nanoTime();
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class);
            server.start();
            long tHttp = System.nanoTime();
            LOG.info("av started in {} ms (context {} ms, storage and migrations {} ms, keyring/dev setup {} ms, http {} ms)",
                    ms(tHttp - t0), ms(tContext - t0), ms(tStorage - tContext), ms(tReady - tStorage), ms(tHttp - tReady));
            ScheduledExecutorService tidy = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "av-token-tidy");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1, config.tidyInterval().toSeconds());
            tidy.scheduleWithFixedDelay(() -> {
                try {
                    if (!keyring.isSealed()) {
                        tokens.tidy();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("expired-token clean-up failed: {}", e.toString());
                }
            }, every, every, TimeUnit.SECONDS);
            return new AvServer(ctx, server, config, root, key, tidy);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    /** The dev server's audit device: every entry to standard output, unless one named stdout exists already. */
    private static void enableDevAudit(dev.av.server.audit.AuditService audit) {
        if (audit.devices().stream().noneMatch(d -> d.name().equals(DEV_AUDIT_DEVICE))) {
            audit.enable(DEV_AUDIT_DEVICE, "file", "dev mode: audit entries to standard output",
                    Map.of("file_path", "stdout"));
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** The API base address, e.g. {@code http://127.0.0.1:14321}. */
    public String apiAddress() {
        String host = http.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + http.getPort();
    }

    public int port() {
        return http.getPort();
    }

    /** The root token in dev mode (null otherwise). */
    public String rootToken() {
        return rootToken;
    }

    /** The unseal key in dev mode (null otherwise); Vault's dev server prints it too. */
    public String unsealKey() {
        return unsealKey;
    }

    public ServerConfig config() {
        return config;
    }

    /** A bean from the running application (tests and the CLI's in-process server only). */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        tidy.shutdownNow();
        try {
            http.stop();
        } finally {
            context.close();
        }
    }

    /** Refuses with a clear message when a configuration cannot be served. */
    static AvException configError(String message) {
        return AvException.badRequest(message);
    }
}
