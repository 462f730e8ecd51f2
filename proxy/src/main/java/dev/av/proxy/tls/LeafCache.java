package dev.av.proxy.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Server {@link SslContext}s with a leaf per host, minted on demand. A miss installs a future for
 * that host only ({@code computeIfAbsent} on one key) and mints on {@code executor}: concurrent
 * handshakes for the same host wait for one mint, different hosts mint in parallel, and no lock is
 * held while a key is generated. Entries are replaced once less than {@link #LEAF_MIN_REMAINING} of
 * their validity is left, and all at once after a CA rotation ({@link #invalidateAll()}). Every leaf
 * context offers ALPN {@code h2} and {@code http/1.1}; the tunnel's pipeline follows the choice.
 */
public final class LeafCache {

    public static final Duration LEAF_MIN_REMAINING = Duration.ofDays(1);
    private static final int MAX_ENTRIES = 10_000;
    /**
     * ALPN on every leaf: {@code h2} first, then {@code http/1.1}. A client that offers neither (or no
     * ALPN at all) still gets its handshake and speaks HTTP/1.1 (NO_ADVERTISE, ACCEPT: the only
     * behaviours both JSSE and BoringSSL support).
     */
    static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private record Entry(CompletableFuture<SslContext> context, Instant replaceAfter) {
    }

    private final Supplier<ProxyCa> ca;
    private final SslProvider provider;
    private final Executor executor;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public LeafCache(Supplier<ProxyCa> ca, SslProvider provider, Executor executor, InstantSource clock) {
        this.ca = ca;
        this.provider = provider;
        this.executor = executor;
        this.clock = clock;
    }

    public CompletableFuture<SslContext> get(String host) {
        Entry e = entries.get(host);
        if (e != null && (clock.instant().isBefore(e.replaceAfter()) && !e.context().isCompletedExceptionally())) {
            return e.context();
        }
        if (e != null) {
            entries.remove(host, e);
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        return entries.computeIfAbsent(host, this::mint).context();
    }

    public void invalidateAll() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    private Entry mint(String host) {
        ProxyCa authority = ca.get();
        Instant replaceAfter = clock.instant().plus(ProxyCa.LEAF_VALIDITY).minus(LEAF_MIN_REMAINING);
        CompletableFuture<SslContext> f = CompletableFuture.supplyAsync(() -> {
            ProxyCa.Leaf leaf = authority.issueLeaf(host);
            try {
                return SslContextBuilder.forServer(leaf.key(), leaf.chain()).sslProvider(provider)
                        .applicationProtocolConfig(ALPN).build();
            } catch (javax.net.ssl.SSLException ex) {
                throw new IllegalStateException("cannot build TLS context for " + host, ex);
            }
        }, executor);
        return new Entry(f, replaceAfter);
    }
}
