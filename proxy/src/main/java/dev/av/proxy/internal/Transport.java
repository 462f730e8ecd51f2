package dev.av.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.Locale;

/**
 * The socket transport. Linux io_uring where the kernel allows it (one system call submits and reaps
 * the sends and receives of many connections: the least CPU per proxied request), else Linux epoll,
 * else Java NIO. {@code -Dav.proxy.transport=io_uring|epoll|nio} asks for one; a transport that does
 * not load falls back to the next. Upstream connections use the transport of the client connection
 * whose event loop they share.
 */
public enum Transport {
    IO_URING, EPOLL, NIO;

    /** The transport this process uses, chosen once. */
    public static final Transport CURRENT = choose(System.getProperty("av.proxy.transport", "io_uring"));

    static Transport choose(String asked) {
        String wanted = asked.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (!wanted.equals("io_uring") && !wanted.equals("epoll") && !wanted.equals("nio")) {
            throw new IllegalArgumentException("av.proxy.transport must be io_uring, epoll or nio, not '" + asked + "'");
        }
        if (wanted.equals("io_uring") && IoUring.isAvailable()) {
            return IO_URING;
        }
        if (!wanted.equals("nio") && Epoll.isAvailable()) {
            return EPOLL;
        }
        return NIO;
    }

    /**
     * Event loops when none are configured, for {@code cores} processors: one per two cores with
     * io_uring, whose loops each submit and reap many connections' operations per system call, so
     * fewer loops mean larger batches, fewer threads parking and waking, and cores left for the
     * kernel's TCP work and for the processes at either end (measured on 2 cores beside the load
     * generator and the upstream, 16 connections: 1 loop 20.5k req/s at 33 us of CPU per request
     * for small bodies and 6.7k at 98 us for 64 KiB, 2 loops 16.0k at 56 us and 4.1k at 206 us;
     * session 6 had 2 loops ahead of 4). Netty's two per core with epoll and NIO, where one per core
     * was ~20 % slower for 64 KiB bodies (docs/perf.md, sessions 4, 6 and 7).
     */
    public int defaultEventLoops(int cores) {
        int n = Math.max(1, cores);
        return this == IO_URING ? Math.max(1, n / 2) : 2 * n;
    }

    public static IoHandlerFactory ioHandler() {
        return switch (CURRENT) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return switch (CURRENT) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The client socket type that runs on the same event loop as {@code peer} (an HTTP/2 stream: its connection). */
    static Class<? extends Channel> socketChannelLike(Channel peer) {
        Channel socket = peer instanceof Http2StreamChannel stream ? stream.parent() : peer;
        if (socket instanceof IoUringSocketChannel) {
            return IoUringSocketChannel.class;
        }
        return socket instanceof EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
