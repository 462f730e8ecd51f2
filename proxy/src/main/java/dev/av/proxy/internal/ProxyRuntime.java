package dev.av.proxy.internal;

import dev.av.proxy.ProxyAuditSink;
import dev.av.proxy.tls.LeafCache;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection of one proxy shares. All members are thread-safe; per-connection state
 * lives in the handlers and is confined to the connection's event loop.
 */
public final class ProxyRuntime {

    final Planner planner;
    final LeafCache leaves;
    final UpstreamPool pool = new UpstreamPool();
    final ProxyAuditSink audit;
    final Executor blocking;
    final java.util.function.Supplier<SslContext> listenerTls;
    private final ChannelGroup open = new DefaultChannelGroup("av-proxy", GlobalEventExecutor.INSTANCE);
    private final ConcurrentHashMap<String, Set<Channel>> sessions = new ConcurrentHashMap<>();
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();

    public ProxyRuntime(Planner planner, LeafCache leaves, ProxyAuditSink audit, Executor blocking,
                        java.util.function.Supplier<SslContext> listenerTls) {
        this.planner = planner;
        this.leaves = leaves;
        this.audit = audit;
        this.blocking = blocking;
        this.listenerTls = listenerTls;
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        this.idPrefix = "px-" + HexFormat.of().formatHex(r) + "-";
    }

    String nextRequestId() {
        return idPrefix + ids.incrementAndGet();
    }

    /** Remembers that {@code ch} carries traffic of {@code sessionId}, until it closes. */
    void register(String sessionId, Channel ch) {
        if (sessionId == null) {
            return;
        }
        // Adding and removing happen inside the map's per-key atomic compute, so a channel of the same
        // session closing at the same moment can never drop the set this channel was just added to.
        boolean[] added = new boolean[1];
        sessions.compute(sessionId, (k, s) -> {
            Set<Channel> set = s == null ? ConcurrentHashMap.newKeySet() : s;
            added[0] = set.add(ch);
            return set;
        });
        if (added[0]) {
            ch.closeFuture().addListener(f -> sessions.computeIfPresent(sessionId, (k, s) -> {
                s.remove(ch);
                return s.isEmpty() ? null : s;
            }));
        }
    }

    /** Closes every client connection (tunnels, WebSockets) of the session; returns how many. */
    public int closeSession(String sessionId) {
        Set<Channel> set = sessions.remove(sessionId);
        if (set == null) {
            return 0;
        }
        set.forEach(Channel::close);
        return set.size();
    }

    public int openSessions() {
        return sessions.size();
    }

    /** Remembers an open connection (client or upstream) until it closes, so that {@link #closeAll} reaches it. */
    void track(Channel ch) {
        open.add(ch);
    }

    /**
     * Closes every client and upstream connection and waits (up to {@code timeout}) for them to be
     * closed, so that the event loops can stop afterwards without connections still closing on them.
     */
    public void closeAll(Duration timeout) {
        open.close().awaitUninterruptibly(timeout.toMillis());
    }
}
