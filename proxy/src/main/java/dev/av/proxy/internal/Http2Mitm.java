package dev.av.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/2 towards clients inside a MITM tunnel, chosen by ALPN on the tunnel's leaf.
 *
 * <p>{@link ClientHandler#startMitm} puts the {@linkplain #negotiator negotiator} between the
 * tunnel's TLS handler and its HTTP/1.1 codec. When the handshake settles on {@code http/1.1} (or no
 * ALPN) the negotiator just leaves: the pipeline is exactly the HTTP/1.1 one. On {@code h2} it
 * replaces the codec and the connection's {@link ClientHandler} with:
 * <pre>
 *   h2             Http2FrameCodec (server; at most {@value #MAX_CONCURRENT_STREAMS} concurrent streams)
 *   h2-streams     Http2MultiplexHandler: one child channel per stream, each with
 *                    codec   Http2StreamFrameToHttpObjectCodec (frames to HTTP/1.1 objects and back)
 *                    shim    {@link RequestShim}: a request as head + last content, no x-http2-* headers
 *                    client  a {@link ClientHandler} in MITM mode for the tunnel: one exchange per stream
 *   h2-connection  closes the connection when it idles
 * </pre>
 * So every stream goes through the very same planning, injection, scrubbing, audit and refusals as
 * an HTTP/1.1 request. Upstreams stay HTTP/1.1 and pooled.
 *
 * <p><b>Flow control.</b> The connection reads freely (auto-read on): HTTP/2 flow control bounds
 * what a client may send. A stream channel reads only when its {@link ClientHandler} asks (after
 * the previous upstream write completed), and Netty returns window to the client only for what
 * was read, so an upload holds about one window per stream. Responses wait for each child write to
 * complete, which waits for the client's window, before the next upstream read.
 *
 * <p><b>Threading.</b> Stream channels run on the connection's event loop, so the upstream pool
 * (keyed by loop) and the single-threaded rules of {@link ClientHandler} hold unchanged.
 */
final class Http2Mitm {

    static final int MAX_CONCURRENT_STREAMS = 100;

    private Http2Mitm() {
    }

    /** The ALPN switch for a tunnel to {@code host:port} authenticated with {@code token}. */
    static ChannelHandler negotiator(ProxyRuntime rt, String host, int port, String token) {
        return new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                // not the protocol handed in: Netty takes it from the first SslHandler, which on the TLS
                // listener is the one to the proxy itself; the tunnel's is the last one before this handler
                if (ApplicationProtocolNames.HTTP_2.equals(tunnelProtocol(ctx))) {
                    useHttp2(ctx.pipeline(), rt, host, port, token);
                }
                // http/1.1: the codec and ClientHandler behind this handler carry on as they are
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // a client that distrusts the leaf: nothing to log per connection
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        };
    }

    private static String tunnelProtocol(ChannelHandlerContext ctx) {
        SslHandler tunnelTls = null;
        for (Map.Entry<String, ChannelHandler> e : ctx.pipeline()) {
            if (e.getValue() == ctx.handler()) {
                break;
            }
            if (e.getValue() instanceof SslHandler tls) {
                tunnelTls = tls;
            }
        }
        return tunnelTls == null ? null : tunnelTls.applicationProtocol();
    }

    private static void useHttp2(ChannelPipeline p, ProxyRuntime rt, String host, int port, String token) {
        p.remove(HttpServerCodec.class);
        p.remove(ClientHandler.class);
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
                // closing means closing (revocation, idle, 407), as on HTTP/1.1: no grace period for open streams
                .gracefulShutdownTimeoutMillis(0)
                .build());
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(false);
                ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(true));
                ch.pipeline().addLast("shim", RequestShim.INSTANCE);
                ch.pipeline().addLast("client", new ClientHandler(rt, host, port, token));
            }
        }));
        p.addLast("h2-connection", new ConnectionHandler());
        p.channel().config().setAutoRead(true);
    }

    /** The connection a handler's channel belongs to: the parent of a stream channel, else itself. */
    static Channel connectionOf(Channel ch) {
        return ch instanceof Http2StreamChannel stream ? stream.parent() : ch;
    }

    /**
     * Makes a stream's request look like what {@link HttpServerCodec} produces: a request whose
     * HEADERS ended the stream arrives as a {@link FullHttpRequest}, handed on as head plus last
     * content; the codec's extension headers ({@code x-http2-stream-id}, ...) never go upstream.
     */
    @ChannelHandler.Sharable
    static final class RequestShim extends ChannelInboundHandlerAdapter {

        static final RequestShim INSTANCE = new RequestShim();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpRequest req)) {
                ctx.fireChannelRead(msg);
                return;
            }
            dropExtensionHeaders(req.headers());
            if (msg instanceof FullHttpRequest full) {
                ctx.fireChannelRead(new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers()));
                ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
                return;
            }
            ctx.fireChannelRead(req);
        }

        private static void dropExtensionHeaders(HttpHeaders h) {
            List<String> names = null;
            for (String name : h.names()) {
                if (name.toLowerCase(Locale.ROOT).startsWith("x-http2-")) {
                    (names == null ? names = new ArrayList<>() : names).add(name);
                }
            }
            if (names != null) {
                names.forEach(h::remove);
            }
        }
    }

    /** Last on an HTTP/2 connection: idle connections close, as HTTP/1.1 ones do in {@link ClientHandler}. */
    private static final class ConnectionHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
