package dev.av.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle HTTP/1.1 keep-alive connections to upstreams. A key includes the event loop, so each deque
 * is only touched from that loop (no locking; an upstream channel always lives on its client's
 * loop), and the validated address and TLS context, so a connection is only reused for the same
 * dial target and trust.
 */
final class UpstreamPool {

    static final int MAX_IDLE_PER_KEY = 32;

    record Key(EventLoop loop, String host, int port, InetAddress address, SslContext tls) {
    }

    private final ConcurrentHashMap<Key, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    /** An idle, open connection for {@code key}, or null. Call on {@code key.loop()}. */
    Channel acquire(Key key) {
        ArrayDeque<Channel> q = idle.get(key);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollFirst()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /**
     * Returns a connection after a complete exchange. Call on {@code key.loop()}. The idle connection
     * keeps a read pending: the upstream closing it (or sending what nobody asked for) is seen at once
     * and the connection dropped, and its read interest stays registered between exchanges (with
     * epoll, otherwise two {@code epoll_ctl} calls per proxied request).
     */
    void release(Key key, Channel ch) {
        ArrayDeque<Channel> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (!ch.isActive() || q.size() >= MAX_IDLE_PER_KEY) {
            ch.close();
            return;
        }
        q.addFirst(ch);
        ch.read();
    }

    /** Forgets a closed connection. Call on {@code key.loop()}. */
    void remove(Key key, Channel ch) {
        ArrayDeque<Channel> q = idle.get(key);
        if (q != null) {
            q.remove(ch);
        }
    }

}
