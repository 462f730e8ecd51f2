package dev.av.proxy.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an accepted proxy connection, in order:
 * <pre>
 *   [listener-tls]  only on the TLS listener: TLS to the proxy itself
 *   idle            closes connections idle (no read, no write) for idle_timeout
 *   codec           HTTP/1.1 server codec (CONNECT, absolute-form http://)
 *   client          {@link ClientHandler}: auth, plan, forward; after a CONNECT it inserts
 *                   mitm-tls (SniHandler with a leaf for the CONNECT host), alpn and a fresh codec
 *                   before itself, or replaces itself with a relay for plain tunnels; when the
 *                   client picks h2 in ALPN, alpn swaps codec and client for {@link Http2Mitm}'s
 *                   HTTP/2 pipeline (a ClientHandler per stream)
 * </pre>
 * Upstream connections get: idle, tls (client, host name verified), codec, {@link UpstreamHandler}.
 */
public final class ProxyInitializer extends ChannelInitializer<SocketChannel> {

    private final ProxyRuntime rt;
    private final boolean tlsListener;

    public ProxyInitializer(ProxyRuntime rt, boolean tlsListener) {
        this.rt = rt;
        this.tlsListener = tlsListener;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        rt.track(ch);
        if (tlsListener) {
            ch.pipeline().addLast("listener-tls", rt.listenerTls.get().newHandler(ch.alloc()));
        }
        long idle = rt.planner.settings().idleTimeout().toSeconds();
        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.SECONDS));
        ch.pipeline().addLast("codec", new HttpServerCodec());
        ch.pipeline().addLast("client", new ClientHandler(rt));
    }
}
