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
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * The socket transport: Linux epoll (Netty's native transport: fewer syscalls and no selector
 * wake-ups, so less CPU per proxied request) where it loads, Java NIO elsewhere or when
 * {@code -Dav.proxy.transport=nio} asks for it. Upstream connections use the transport of the client
 * connection whose event loop they share.
 */
public final class Transport {

    /** True when the native epoll transport is in use. */
    public static final boolean EPOLL = !"nio".equals(System.getProperty("av.proxy.transport")) && Epoll.isAvailable();

    private Transport() {
    }

    public static IoHandlerFactory ioHandler() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client socket type that runs on the same event loop as {@code peer} (an HTTP/2 stream: its connection). */
    static Class<? extends Channel> socketChannelLike(Channel peer) {
        Channel socket = peer instanceof Http2StreamChannel stream ? stream.parent() : peer;
        return socket instanceof EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
