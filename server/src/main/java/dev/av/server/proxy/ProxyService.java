package dev.av.server.proxy;

import dev.av.proxy.ProxyAuditSink;
import dev.av.proxy.ProxyOptions;
import dev.av.proxy.ProxyServer;
import dev.av.registry.keyring.Barrier;
import dev.av.registry.token.TokenStore;
import dev.av.server.ServerConfig;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.PolicyStore;
import dev.av.server.auth.RequestGuard;
import dev.av.server.http.RequestPipeline;
import jakarta.inject.Provider;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The proxy as part of the server: started with it on {@link ServerConfig#proxyListenAddress()},
 * wired to the token store (authentication, revocation closing live tunnels), the authorizer and
 * guards (policy), the API pipeline (credential reads with ephemeral tokens), the audit broker and
 * the proxy store (services, settings, CA). Stopped with the application context.
 */
public final class ProxyService implements AutoCloseable {

    private final ProxyServer server;
    private final ProxyCaKeeper ca;
    private final ServerConfig.HostPort configured;

    ProxyService(ServerConfig config, ProxyStore store, ProxyCaKeeper ca, TokenStore tokens, Barrier barrier, Clock clock,
                 Authorizer authorizer, List<RequestGuard> guards, Provider<RequestPipeline> pipeline, PolicyStore policies,
                 ProxyAuditSink audit) {
        this.ca = ca;
        this.configured = bindAddress(config);
        TokenAuthenticator authenticator = new TokenAuthenticator(tokens, barrier, clock);
        this.server = ProxyServer.start(ProxyOptions.builder()
                .bind(new InetSocketAddress(configured.host(), configured.port()))
                .caSource(ca::current)
                .authenticator(authenticator)
                .policy(new AclAccessPolicy(authorizer, guards))
                .services(store::services)
                .credentials(new PipelineCredentialSource(tokens, pipeline, policies))
                .settings(store::settings)
                .audit(audit)
                .clock(clock)
                .build());
        store.onChange(server::invalidateCredentials);
        tokens.addRevocationListener(entry -> {
            authenticator.forget(entry.id());
            server.closeSession(entry.accessor());
        });
    }

    /**
     * The configured proxy address; when the API listens on an ephemeral port (tests, embedded use)
     * and the proxy address was left at its default, the proxy takes an ephemeral port too, so that
     * several servers can run side by side.
     */
    static ServerConfig.HostPort bindAddress(ServerConfig config) {
        ServerConfig.HostPort proxy = ServerConfig.hostPort(config.proxyListenAddress(), "proxy listen address");
        ServerConfig.HostPort api = ServerConfig.hostPort(config.listenAddress(), "listen address");
        if (api.port() == 0 && config.proxyListenAddress().equals(ServerConfig.DEFAULT_PROXY_LISTEN)) {
            return new ServerConfig.HostPort(proxy.host(), 0);
        }
        return proxy;
    }

    /** The bound address (the real port when configured with port 0). */
    public InetSocketAddress address() {
        return server.address();
    }

    /**
     * The engines in use, as the server banner prints them: the socket transport ({@code io_uring},
     * {@code epoll} or {@code nio}), how many event loops, and the TLS engine ({@code BoringSSL}
     * through netty-tcnative, or {@code JDK} when the native library did not load).
     */
    public String engines() {
        String tls = server.tlsProvider() == io.netty.handler.ssl.SslProvider.JDK ? "JDK" : "BoringSSL";
        int loops = server.eventLoops();
        return server.transport() + " sockets, " + loops + (loops == 1 ? " event loop, " : " event loops, ") + tls + " TLS";
    }

    /** {@code host:port} as clients should use it. */
    public String hostPort() {
        InetSocketAddress a = server.address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    public ProxyCaKeeper ca() {
        return ca;
    }

    /** Rotates the CA and makes the proxy sign with the new root at once. */
    public void rotateCa(Duration overlap) {
        server.replaceCa(ca.rotate(overlap));
    }

    ProxyServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
