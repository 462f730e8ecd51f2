package dev.av.proxy;

import dev.av.testing.net.RawProxyClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bare HTTP/2 client through a proxy tunnel, built on Netty's client codec, for what the JDK
 * client and curl cannot send (a CONNECT inside h2) or cannot show (which connection a stream used,
 * and that the connection closed). Offers only {@code h2} in ALPN.
 */
final class H2TunnelClient implements AutoCloseable {

    record Response(Http2Headers headers, String body) {
        int status() {
            return Integer.parseInt(headers.status().toString());
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel connection;

    /** CONNECTs to {@code host:port} through the proxy with {@code token}, then TLS with ALPN h2, trusting {@code caPem}. */
    static H2TunnelClient open(int proxyPort, String host, int port, String token, String caPem) throws Exception {
        H2TunnelClient c = new H2TunnelClient();
        try {
            c.start(proxyPort, host, port, token, caPem);
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private void start(int proxyPort, String host, int port, String token, String caPem) throws Exception {
        CompletableFuture<Integer> connected = new CompletableFuture<>();
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpClientCodec());
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(64 * 1024));
                        ch.pipeline().addLast("connect", new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                connected.complete(r.status().code());
                            }
                        });
                    }
                })
                .connect("127.0.0.1", proxyPort).sync().channel();
        DefaultFullHttpRequest connect = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, host + ":" + port);
        connect.headers().set(HttpHeaderNames.HOST, host + ":" + port);
        connect.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, RawProxyClient.basic(token));
        connection.writeAndFlush(connect);
        int status = connected.get(30, TimeUnit.SECONDS);
        if (status != 200) {
            throw new IOException("CONNECT answered " + status);
        }
        SslHandler tls = SslContextBuilder.forClient()
                .trustManager(new ByteBufInputStream(Unpooled.wrappedBuffer(caPem.getBytes(StandardCharsets.US_ASCII)), true))
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build().newHandler(connection.alloc(), host, port);
        connection.eventLoop().submit(() -> {
            var p = connection.pipeline();
            p.remove("connect");
            p.remove("aggregate");
            p.remove("http");
            p.addLast("tls", tls);
            p.addLast("h2", Http2FrameCodecBuilder.forClient().build());
            p.addLast("streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        }).sync();
        tls.handshakeFuture().get(30, TimeUnit.SECONDS);
        if (!ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
            throw new IOException("the proxy did not choose h2 but " + tls.applicationProtocol());
        }
    }

    /** Sends {@code headers} (ending the stream) on a new stream and waits for the whole answer. */
    Response request(Http2Headers headers) throws Exception {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        StringBuilder body = new StringBuilder();
        Http2Headers[] head = new Http2Headers[1];
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                boolean end = false;
                if (frame instanceof Http2HeadersFrame h) {
                    if (head[0] == null || head[0].status().charAt(0) == '1') {
                        head[0] = h.headers();
                    }
                    end = h.isEndStream();
                } else if (frame instanceof Http2DataFrame d) {
                    body.append(d.content().toString(StandardCharsets.UTF_8));
                    end = d.isEndStream();
                }
                if (end) {
                    answer.complete(new Response(head[0], body.toString()));
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                answer.completeExceptionally(new IOException("the stream was closed before its answer ended"));
            }
        }).open().get(30, TimeUnit.SECONDS);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true)).get(30, TimeUnit.SECONDS);
        return answer.get(30, TimeUnit.SECONDS);
    }

    /** True when the proxy closed the connection within {@code timeout}. */
    boolean closedWithin(Duration timeout) throws InterruptedException {
        return connection.closeFuture().await(timeout.toMillis());
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
