package dev.av.proxy.internal;

import dev.av.proxy.Headers;
import dev.av.proxy.Problem;
import dev.av.proxy.ProblemException;
import dev.av.proxy.Problems;
import dev.av.proxy.ProxyAuditEvent;
import dev.av.proxy.ProxySettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of one proxy connection, and the heart of the proxy.
 *
 * <p><b>Modes.</b> A connection starts in PROXY mode: a {@code CONNECT} authenticates the token and
 * either turns the connection into a MITM tunnel (TLS terminated with a leaf for the CONNECT host,
 * a fresh HTTP codec, MITM mode) or, for unmatched hosts the settings allow, into a plain byte
 * relay. An absolute-form {@code http://} request is proxied in place; {@code https://} absolute
 * form is refused so TLS is never silently stripped. A tunnel whose client picks {@code h2} in ALPN
 * gets a ClientHandler per HTTP/2 stream instead ({@link Http2Mitm}), born in MITM mode, which
 * handles one exchange, ends only its stream, and registers the connection (the channel's parent)
 * for revocation; a 407 there closes the whole connection, as it closes an HTTP/1.1 tunnel.
 *
 * <p><b>Per request</b> (MITM or absolute-form), an {@link Exchange}: the head is planned off the
 * loop by {@link Planner} (auth, normalise, service, policy, credentials, egress, audit); body
 * pieces that arrive meanwhile are queued. Then the rewritten head goes to a pooled or new upstream
 * connection and the body streams with backpressure: the next client read is requested only when
 * the previous upstream write completed, and the next upstream read only when the previous client
 * write completed, so a 100 MiB upload or an endless SSE stream holds one chunk at a time.
 *
 * <p><b>Threading.</b> Everything here runs on the connection's event loop; upstream channels are
 * registered on the same loop, so no field needs synchronisation. Blocking work happens only in the
 * planner and audit calls, on the runtime's executor, and resumes on the loop; a request whose every
 * planning step is answered from memory is planned on the loop itself ({@link Planner#planIfCached}).
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {

    private enum Mode { PROXY, MITM }

    private enum State { PLANNING, FORWARDING, REFUSED, DONE }

    private final ProxyRuntime rt;
    private ChannelHandlerContext ctx;
    private Mode mode = Mode.PROXY;
    private String tunnelHost;
    private int tunnelPort;
    private String tunnelToken;
    private Exchange ex;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    /** The session this connection is already registered for (revocation closes it); most requests repeat it. */
    private String registeredSession;
    /** One HTTP/2 stream of a tunnel ({@link Http2Mitm}): the connection is the channel's parent. */
    private final boolean h2;

    ClientHandler(ProxyRuntime rt) {
        this.rt = rt;
        this.h2 = false;
    }

    /** The handler of one HTTP/2 stream inside the tunnel to {@code host:port}: one exchange, then the stream ends. */
    ClientHandler(ProxyRuntime rt, String host, int port, String token) {
        this.rt = rt;
        this.h2 = true;
        this.mode = Mode.MITM;
        this.tunnelHost = host;
        this.tunnelPort = port;
        this.tunnelToken = token;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ex == null && pipelined.isEmpty()) {
            dispatch(msg);
        } else if (ex != null && pipelined.isEmpty() && msg instanceof HttpContent c) {
            ex.onClientContent(c);
        } else {
            pipelined.add(msg);
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest req) {
            begin(req);
        } else if (ex != null && msg instanceof HttpContent c) {
            ex.onClientContent(c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Called when an exchange is over and the connection stays open. */
    private void next() {
        while (ex == null && !pipelined.isEmpty()) {
            dispatch(pipelined.poll());
        }
        // the rest of the request that just began (while it is planned, its exchange buffers it)
        while (ex != null && !pipelined.isEmpty() && !(pipelined.peek() instanceof HttpRequest)) {
            dispatch(pipelined.poll());
        }
        if (ex == null || ex.state != State.PLANNING && !ex.requestDone) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ex != null) {
            ex.abort();
        }
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---- request start -------------------------------------------------------------------------

    private void begin(HttpRequest req) {
        ex = new Exchange(req);
        if (req.decoderResult().isFailure()) {
            ex.refuse(Problems.badRequest("bad_request", "the request could not be parsed", null), true);
            return;
        }
        if (mode == Mode.PROXY && req.method().equals(HttpMethod.CONNECT)) {
            connect(req);
            return;
        }
        String scheme;
        String host;
        int port;
        String target;
        String token;
        if (mode == Mode.MITM) {
            if (req.method().equals(HttpMethod.CONNECT)) {
                ex.refuse(h2 ? Problems.connectInTunnel() : Problems.badRequest("bad_request", "CONNECT inside a tunnel is not supported", null), true);
                return;
            }
            String hostHeader = req.headers().get(HttpHeaderNames.HOST);
            if (hostHeader != null && !hostOf(hostHeader).equals(tunnelHost)) {
                ex.refuse(Problems.misdirected(tunnelHost), false);
                return;
            }
            scheme = "https";
            host = tunnelHost;
            port = tunnelPort;
            target = req.uri();
            token = tunnelToken;
        } else {
            String uri = req.uri();
            String lower = uri.toLowerCase(Locale.ROOT);
            if (lower.startsWith("https://")) {
                ex.refuse(Problems.badRequest("use_connect", "absolute-form https:// requests are refused: TLS would be stripped",
                        "send https requests through a tunnel (CONNECT), which every HTTPS_PROXY client does"), true);
                return;
            }
            if (!lower.startsWith("http://")) {
                ex.refuse(Problems.badRequest("not_a_proxy_request", "this is av's proxy port; send proxy requests (CONNECT or http://...)",
                        "use the API port for the av API"), true);
                return;
            }
            try {
                int pathStart = uri.indexOf('/', "http://".length());
                String authority = pathStart < 0 ? uri.substring(7) : uri.substring(7, pathStart);
                URI parsed = new URI("http://" + authority + "/");
                if (parsed.getHost() == null || authority.contains("@")) {
                    throw new IllegalArgumentException();
                }
                host = stripBrackets(parsed.getHost().toLowerCase(Locale.ROOT));
                port = parsed.getPort() < 0 ? 80 : parsed.getPort();
                target = pathStart < 0 ? "/" : uri.substring(pathStart);
            } catch (Exception e) {
                ex.refuse(Problems.badRequest("bad_request", "the request URI is not a valid http:// URI", null), true);
                return;
            }
            scheme = "http";
            token = tokenFrom(req.headers());
        }
        Planner.Incoming in = new Planner.Incoming(ex.id, token, req.method().name(), scheme, host, port, target, remote());
        ex.incoming = in;
        Exchange current = ex;
        Plan fast;
        try {
            fast = rt.planner.planIfCached(in);
        } catch (RuntimeException e) {
            ctx.executor().execute(() -> current.planned(null, e));
            return;
        }
        if (fast != null) {
            CompletableFuture<Void> recorded = fast.recorded();
            if (recorded == null) {
                // planned on this loop; resumes after this read, as a plan from the executor would
                ctx.executor().execute(() -> current.planned(fast, null));
            } else {
                // fail closed: forwarded only once the request entry is recorded
                recorded.whenComplete((v, err) -> ctx.executor().execute(() -> current.planned(err == null ? fast : null,
                        err == null ? null : Problems.auditUnavailable().exception())));
            }
            return;
        }
        CompletableFuture.supplyAsync(() -> rt.planner.plan(in), rt.blocking)
                .whenComplete((plan, err) -> ctx.executor().execute(() -> current.planned(plan, err)));
    }

    private void connect(HttpRequest req) {
        String authority = req.uri();
        int colon = authority.lastIndexOf(':');
        String host;
        int port;
        try {
            host = stripBrackets(authority.substring(0, colon).toLowerCase(Locale.ROOT));
            port = Integer.parseInt(authority.substring(colon + 1));
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException();
            }
        } catch (RuntimeException e) {
            ex.refuse(Problems.badRequest("bad_request", "CONNECT needs host:port", null), true);
            return;
        }
        String token = tokenFrom(req.headers());
        Exchange current = ex;
        current.incoming = new Planner.Incoming(current.id, null, "CONNECT", "https", host, port, null, remote());
        Planner.ConnectPlan fast = rt.planner.planConnectIfCached(token, host, port);
        if (fast != null) {
            // token cached, host served: no hop to the executor (resumes after this read, as below)
            ctx.executor().execute(() -> connectPlanned(current, host, port, token, fast, null));
            return;
        }
        CompletableFuture.supplyAsync(() -> {
            try {
                return rt.planner.planConnect(token, host, port);
            } catch (ProblemException e) {
                auditConnectRefusal(current.incoming, e.problem());
                throw e;
            }
        }, rt.blocking).whenComplete((plan, err) -> ctx.executor().execute(() -> connectPlanned(current, host, port, token, plan, err)));
    }

    private void connectPlanned(Exchange current, String host, int port, String token, Planner.ConnectPlan plan, Throwable err) {
        if (ex != current || !ctx.channel().isActive()) {
            return;
        }
        current.releaseBuffered();
        if (err != null) {
            current.refuse(problemOf(err), true);
            return;
        }
        registerSession(plan.principal().sessionId());
        switch (plan) {
            case Planner.ConnectPlan.Mitm m -> startMitm(host, port, token);
            case Planner.ConnectPlan.Tunnel t -> startTunnel(t, port, current);
        }
    }

    /** Registers this connection under {@code sessionId} once (not on every request of a keep-alive connection). */
    private void registerSession(String sessionId) {
        if (sessionId != null && !sessionId.equals(registeredSession)) {
            rt.register(sessionId, h2 ? Http2Mitm.connectionOf(ctx.channel()) : ctx.channel());
            registeredSession = sessionId;
        }
    }

    private void auditConnectRefusal(Planner.Incoming in, Problem p) {
        try {
            rt.audit.record(Planner.denial(in, null, null, null, p.code()));
        } catch (RuntimeException ignored) {
            // the CONNECT is refused anyway
        }
    }

    private void startMitm(String host, int port, String token) {
        mode = Mode.MITM;
        tunnelHost = host;
        tunnelPort = port;
        tunnelToken = token;
        ex = null;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection Established")));
        ctx.pipeline().remove(HttpServerCodec.class);
        ctx.pipeline().addBefore(ctx.name(), "mitm-tls", new SniHandler((sni, promise) -> {
            rt.leaves.get(host).whenComplete((ssl, err) -> {
                if (err != null) {
                    promise.tryFailure(err);
                } else {
                    promise.trySuccess(ssl);
                }
            });
            return promise;
        }));
        // ALPN decides after the handshake: it leaves for http/1.1 or swaps the codec and this handler for HTTP/2
        ctx.pipeline().addBefore(ctx.name(), "alpn", Http2Mitm.negotiator(rt, host, port, token));
        ctx.pipeline().addBefore(ctx.name(), "codec", new HttpServerCodec());
        next();
    }

    private void startTunnel(Planner.ConnectPlan.Tunnel t, int port, Exchange current) {
        ProxySettings s = rt.planner.settings();
        new Bootstrap().group(ctx.channel().eventLoop()).channel(Transport.socketChannelLike(ctx.channel()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) s.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        rt.track(ch);
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, s.idleTimeout().toSeconds(), TimeUnit.SECONDS),
                                new RelayHandler(ctx.channel()));
                    }
                })
                .connect(new InetSocketAddress(t.address(), port)).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        current.refuse(Problems.upstreamUnreachable(t.address().getHostAddress(), "connect failed"), true);
                        return;
                    }
                    ex = null;
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection Established")));
                    ctx.pipeline().remove(HttpServerCodec.class);
                    ctx.pipeline().replace(this, "relay", new RelayHandler(f.channel()));
                    ctx.channel().read();
                    f.channel().read();
                });
    }

    // ---- one request ---------------------------------------------------------------------------

    /** One request/response on this connection. Event-loop confined. */
    final class Exchange implements UpstreamHandler.Owner {
        final String id = rt.nextRequestId();
        final HttpRequest req;
        Planner.Incoming incoming;
        final long started = System.nanoTime();
        boolean keepAlive;
        State state = State.PLANNING;
        Plan plan;
        final ArrayDeque<HttpContent> buffered = new ArrayDeque<>();
        boolean requestDone;
        Channel upstream;
        UpstreamHandler upstreamHandler;
        boolean reused;
        boolean retried;
        boolean responseStarted;
        /** The upstream's whole response has been read (its last piece may still be on its way to the client). */
        boolean responseDone;
        boolean skipInformational;
        int status;
        StreamReplacer bodyReplacer;
        StreamReplacer scrubber;
        BodyInflater inflater;
        long requestBytes;
        long responseBytes;
        ScheduledFuture<?> timeout;
        int headerScrubs;
        /** The last body piece written to the client but not flushed yet (null when none). */
        io.netty.channel.ChannelFuture unflushed;
        boolean lastUseDone;

        Exchange(HttpRequest req) {
            this.req = req;
            this.keepAlive = HttpUtil.isKeepAlive(req);
            ProxySettings s = rt.planner.settings();
            this.timeout = ctx.executor().schedule(this::onTimeout, s.totalTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        void onClientContent(HttpContent c) {
            if (c instanceof LastHttpContent) {
                requestDone = true;
                readAhead();
            }
            switch (state) {
                case PLANNING -> buffered.add(c);
                case FORWARDING -> writeUpstream(c, true);
                case REFUSED, DONE -> c.release();
            }
        }

        void planned(Plan p, Throwable err) {
            if (ex != this || !ctx.channel().isActive()) {
                releaseBuffered();
                return;
            }
            if (err != null) {
                refuse(problemOf(err), false);
                return;
            }
            plan = p;
            if (p.lastUse()) {
                keepAlive = false; // the token is spent: Connection: close, then it is revoked
            }
            registerSession(p.principal().sessionId());
            state = State.FORWARDING;
            bodyReplacer = p.bodyRules().isEmpty() ? null : new StreamReplacer(p.bodyRules());
            scrubber = p.scrubRules().isEmpty() ? null : new StreamReplacer(p.scrubRules());
            if (HttpUtil.is100ContinueExpected(req)) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            UpstreamPool.Key key = new UpstreamPool.Key(ctx.channel().eventLoop(), p.host(), p.port(), p.address(), p.tls());
            Channel pooled = rt.pool.acquire(key);
            if (pooled != null) {
                attach(pooled, true);
                send();
            } else {
                dial(key);
            }
        }

        private void dial(UpstreamPool.Key key) {
            ProxySettings s = rt.planner.settings();
            Plan p = plan;
            new Bootstrap().group(ctx.channel().eventLoop()).channel(Transport.socketChannelLike(ctx.channel()))
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) s.connectTimeout().toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            rt.track(ch);
                            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, s.idleTimeout().toSeconds(), TimeUnit.SECONDS));
                            if (p.tls() != null) {
                                ch.pipeline().addLast("tls", p.tls().newHandler(ch.alloc(), p.host(), p.port()));
                            }
                            // chunks up to 64 KiB: a body piece is forwarded as decoded, in fewer writes
                            ch.pipeline().addLast("codec", new HttpClientCodec(4096, 8192, 64 * 1024));
                            ch.pipeline().addLast("upstream", new UpstreamHandler(rt.pool, key));
                        }
                    })
                    .connect(new InetSocketAddress(p.address(), p.port())).addListener((ChannelFutureListener) f -> {
                        if (ex != this || state != State.FORWARDING) {
                            f.channel().close();
                            return;
                        }
                        if (!f.isSuccess()) {
                            refuse(Problems.upstreamUnreachable(p.host(), describe(f.cause())), false);
                            return;
                        }
                        attach(f.channel(), false);
                        send();
                    });
        }

        private void attach(Channel ch, boolean wasPooled) {
            upstream = ch;
            reused = wasPooled;
            upstreamHandler = ch.pipeline().get(UpstreamHandler.class);
            upstreamHandler.owner = this;
        }

        private void send() {
            upstream.write(upstreamHead());
            while (!buffered.isEmpty()) {
                writeUpstream(buffered.poll(), false);
            }
            upstream.flush();
            upstream.read();
            if (!requestDone) {
                ctx.read();
            }
        }

        private HttpRequest upstreamHead() {
            Plan p = plan;
            HttpRequest up = new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), p.uri());
            HttpHeaders h = up.headers();
            boolean upgrade = isUpgrade(req);
            boolean chunked = HttpUtil.isTransferEncodingChunked(req);
            boolean hasBody = chunked || HttpUtil.isContentLengthSet(req);
            java.util.Set<String> connectionNamed = Headers.connectionOptions(req.headers().getAll(HttpHeaderNames.CONNECTION));
            for (Map.Entry<String, String> e : req.headers()) {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if (Headers.isHopByHopOrProxyScoped(name) || connectionNamed.contains(name) || name.equals("host")
                        || name.equals("expect") || injects(p, name)
                        || name.equals("content-length") && bodyReplacer != null) {
                    continue;
                }
                h.add(e.getKey(), replaceAll(e.getValue(), p.headerRules()));
            }
            h.set(HttpHeaderNames.HOST, hostHeader(p));
            p.setHeaders().forEach(e -> h.set(e.getKey(), e.getValue()));
            if (scrubber != null) {
                h.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
            }
            if (upgrade) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
                h.set(HttpHeaderNames.UPGRADE, req.headers().get(HttpHeaderNames.UPGRADE));
            }
            if (hasBody && (chunked || bodyReplacer != null)) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            return up;
        }

        /**
         * Once the whole request is in, the connection keeps one read pending while the request is
         * planned and answered: its read interest stays registered (with epoll, otherwise removed and
         * added again around every request) and a client that goes away is noticed at once. What a
         * pipelining client sends meanwhile waits in {@code pipelined}, and no further read is asked
         * for until this exchange ends. Not for CONNECT or an upgrade, whose next bytes belong to
         * another protocol, nor for an HTTP/2 stream, which has no next request.
         */
        private void readAhead() {
            if (!h2 && pipelined.isEmpty() && !req.method().equals(HttpMethod.CONNECT) && !isUpgrade(req)) {
                ctx.read();
            }
        }

        private void writeUpstream(HttpContent c, boolean thenRead) {
            boolean last = c instanceof LastHttpContent;
            requestBytes += c.content().readableBytes();
            HttpContent out = c;
            if (bodyReplacer != null) {
                byte[] in = ByteBufUtil.getBytes(c.content());
                c.release();
                byte[] replaced = bodyReplacer.feed(in);
                if (last) {
                    replaced = concat(replaced, bodyReplacer.finish());
                }
                ByteBuf buf = Unpooled.wrappedBuffer(replaced);
                out = last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf);
            }
            if (!thenRead) {
                upstream.write(out);
                return;
            }
            upstream.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    f.channel().close();
                } else if (ex == this && !requestDone) {
                    ctx.read();
                }
            });
        }

        // ---- upstream events (same event loop) ----

        @Override
        public void onUpstreamMessage(Object msg) {
            if (ex != this || state != State.FORWARDING) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (responseDone) {
                // more than the one response it owed: never forwarded, and the connection is not reused
                ReferenceCountUtil.release(msg);
                dropUpstream();
                return;
            }
            if (msg instanceof HttpResponse r) {
                onResponseHead(r);
            }
            if (msg instanceof HttpContent c) {
                onResponseContent(c);
            }
        }

        private void onResponseHead(HttpResponse r) {
            int code = r.status().code();
            if (code == 101 && isUpgrade(req)) {
                switchToRelay(r);
                return;
            }
            if (code >= 100 && code < 200) {
                skipInformational = true;
                upstream.read();
                return;
            }
            boolean bodyless = req.method().equals(HttpMethod.HEAD) || code == 204 || code == 304;
            String encoding = r.headers().get(HttpHeaderNames.CONTENT_ENCODING);
            if (scrubber != null && !bodyless && !BodyInflater.isIdentity(encoding)) {
                // av asked for identity; the upstream compressed anyway: inflate to scan, or refuse
                inflater = BodyInflater.forEncoding(encoding);
                if (inflater == null) {
                    refuse(Problems.upstreamEncoding(plan.host(), encoding), false);
                    return;
                }
            }
            status = code;
            boolean chunkedOut = !bodyless && (inflater != null || HttpUtil.isTransferEncodingChunked(r) || !HttpUtil.isContentLengthSet(r));
            // the upstream's head is edited in place and forwarded (no copy of every header)
            HttpResponse out = r;
            out.setProtocolVersion(HttpVersion.HTTP_1_1);
            HttpHeaders h = out.headers();
            java.util.Set<String> connectionNamed = Headers.connectionOptions(h.getAll(HttpHeaderNames.CONNECTION));
            List<String> drop = null;
            List<String> scrub = null;
            for (Map.Entry<String, String> e : h) {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if (Headers.isHopByHopOrProxyScoped(name) || connectionNamed.contains(name)
                        || inflater != null && (name.equals("content-encoding") || name.equals("content-length"))) {
                    drop = addTo(drop, e.getKey());
                } else if (scrubber != null && scrubber.mayMatch(e.getValue())) {
                    if (scrub == null || !scrub.contains(e.getKey())) {
                        scrub = addTo(scrub, e.getKey()); // a name with several values: once
                    }
                }
            }
            if (drop != null) {
                drop.forEach(h::remove);
            }
            if (scrub != null) {
                for (String name : scrub) {
                    List<String> values = h.getAll(name);
                    h.remove(name);
                    for (String v : values) {
                        h.add(name, scrubHeader(v));
                    }
                }
            }
            if (chunkedOut) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            if (!keepAlive) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            responseStarted = true;
            ctx.write(out);
            upstream.read();
        }

        private void onResponseContent(HttpContent c) {
            boolean last = c instanceof LastHttpContent;
            if (skipInformational) {
                c.release();
                if (last) {
                    skipInformational = false;
                }
                upstream.read();
                return;
            }
            HttpContent out = c;
            if (scrubber != null && inflater == null) {
                ByteBuf clean = scrubber.feed(c.content().retain());
                c.release();
                if (last) {
                    byte[] rest = scrubber.finish();
                    clean = rest.length == 0 ? clean : Unpooled.wrappedBuffer(clean, Unpooled.wrappedBuffer(rest));
                }
                out = last ? new DefaultLastHttpContent(clean) : new DefaultHttpContent(clean);
            } else if (scrubber != null) {
                byte[] in;
                try {
                    in = inflate(c.content(), last);
                } catch (RuntimeException badBody) {
                    // not valid gzip/deflate: nothing more can be scanned, so nothing more is forwarded
                    c.release();
                    state = State.DONE;
                    timeout.cancel(false);
                    dropUpstream();
                    auditResponse(status, "upstream_bad_encoding");
                    ctx.close();
                    return;
                }
                c.release();
                byte[] clean = scrubber.feed(in);
                if (last) {
                    clean = concat(clean, scrubber.finish());
                }
                ByteBuf buf = Unpooled.wrappedBuffer(clean);
                out = last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf);
            } else if (last && !((LastHttpContent) c).trailingHeaders().isEmpty()) {
                out = new DefaultLastHttpContent(c.content());
            }
            responseBytes += out.content().readableBytes();
            if (!last) {
                // flushed once per upstream read (onUpstreamReadComplete), which then asks for the next
                unflushed = ctx.write(out);
                return;
            }
            unflushed = null;
            responseDone = true;
            ctx.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    ctx.close();
                } else {
                    responseComplete();
                }
            });
        }

        @Override
        public void onUpstreamReadComplete() {
            io.netty.channel.ChannelFuture w = unflushed;
            if (ex != this || w == null) {
                return;
            }
            unflushed = null;
            ctx.flush();
            if (ctx.channel().isWritable()) {
                // the client's outbound buffer is below its high-water mark: read on now rather than one
                // event-loop turn later, when the write completes (a 64 KiB body is several reads)
                w.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                upstream.read();
                return;
            }
            // a slow client: the next read waits until what was written has gone out
            w.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    ctx.close();
                } else if (ex == this && upstream.isActive()) {
                    upstream.read();
                }
            });
        }

        private byte[] inflate(ByteBuf content, boolean last) {
            byte[] plain = inflater.feed(content);
            if (last) {
                plain = concat(plain, inflater.finish());
                inflater.close();
                inflater = null;
            }
            return plain;
        }

        private void dropUpstream() {
            if (inflater != null) {
                inflater.close();
                inflater = null;
            }
            if (upstream != null && upstreamHandler != null) {
                upstreamHandler.owner = null;
                upstream.close();
            }
        }

        private void responseComplete() {
            if (ex != this) {
                return;
            }
            state = State.DONE;
            timeout.cancel(false);
            if (upstreamHandler != null) {
                upstreamHandler.owner = null;
            }
            if (requestDone && upstream.isActive()) {
                rt.pool.release(upstreamHandler.key, upstream);
            } else {
                upstream.close();
            }
            auditResponse(status, null);
            finish(!keepAlive || !requestDone);
        }

        private void switchToRelay(HttpResponse r) {
            status = 101;
            timeout.cancel(false);
            HttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status());
            for (Map.Entry<String, String> e : r.headers()) {
                if (!Headers.PROXY_SCOPED.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                    out.headers().add(e.getKey(), scrubHeader(e.getValue()));
                }
            }
            ctx.writeAndFlush(out);
            state = State.DONE;
            upstreamHandler.owner = null;
            Channel up = upstream;
            up.pipeline().replace(UpstreamHandler.class, "relay", new RelayHandler(ctx.channel()));
            up.pipeline().remove(HttpClientCodec.class);
            ex = null;
            auditResponse(101, null);
            ctx.pipeline().replace(ClientHandler.this, "relay", new RelayHandler(up));
            ctx.pipeline().remove(HttpServerCodec.class);
            pipelined.forEach(ReferenceCountUtil::release);
            pipelined.clear();
            ctx.channel().read();
            up.read();
        }

        @Override
        public void onUpstreamTlsFailure(Throwable cause) {
            if (ex == this && state == State.FORWARDING && !responseStarted) {
                upstream.close();
                refuse(Problems.upstreamTls(plan.host(), "the upstream certificate was not accepted"), false);
            }
        }

        @Override
        public void onUpstreamInactive() {
            if (ex != this || state != State.FORWARDING || responseDone) {
                // (a complete response still being written to the client: responseComplete drops the closed connection)
                return;
            }
            if (!responseStarted && reused && !retried && requestBytes == 0 && requestDone) {
                // a pooled connection the upstream had closed meanwhile: retry once on a fresh one
                retried = true;
                dial(new UpstreamPool.Key(ctx.channel().eventLoop(), plan.host(), plan.port(), plan.address(), plan.tls()));
                return;
            }
            if (!responseStarted) {
                refuse(Problems.upstreamUnreachable(plan.host(), "the upstream closed the connection before answering"), false);
            } else {
                state = State.DONE;
                dropUpstream();
                auditResponse(status, "upstream_truncated");
                ctx.close();
            }
        }

        private void onTimeout() {
            if (ex != this || state == State.DONE || state == State.REFUSED) {
                return;
            }
            dropUpstream();
            if (!responseStarted) {
                refuse(Problems.upstreamTimeout(plan == null ? "the request" : plan.host()), true);
            } else {
                state = State.DONE;
                auditResponse(status, "upstream_timeout");
                ctx.close();
            }
        }

        /** Answers with a problem; {@code close} forces the connection closed afterwards. */
        void refuse(Problem problem, boolean close) {
            if (state == State.REFUSED || state == State.DONE) {
                return;
            }
            state = State.REFUSED;
            status = problem.status();
            timeout.cancel(false);
            releaseBuffered();
            dropUpstream();
            if (responseStarted) {
                ctx.close();
                return;
            }
            boolean closeAfter = close || !keepAlive || !requestDone || problem.status() == 407 && mode == Mode.MITM;
            byte[] body = problem.toJson(id);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(problem.status()),
                    Unpooled.wrappedBuffer(body));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
            resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (problem.status() == 407) {
                resp.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"av\"");
            }
            if (closeAfter) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            io.netty.channel.ChannelFuture written = ctx.writeAndFlush(resp);
            auditResponse(problem.status(), problem.code());
            if (h2 && closeAfter) {
                // an HTTP/2 stream ends once the answer is out; a 407 (revoked or expired token) ends the connection
                Channel target = problem.status() == 407 ? Http2Mitm.connectionOf(ctx.channel()) : ctx.channel();
                written.addListener((ChannelFutureListener) f -> target.close());
                ex = null;
                return;
            }
            finish(closeAfter);
        }

        void abort() {
            timeout.cancel(false);
            releaseBuffered();
            dropUpstream();
            if (state == State.FORWARDING) {
                state = State.DONE;
                auditResponse(status, "client_closed");
            }
        }

        private void finish(boolean close) {
            ex = null;
            if (close) {
                if (h2) {
                    ctx.close(); // the stream only (its answer is complete); never the connection
                    return;
                }
                RelayHandler.closeOnFlush(ctx.channel());
                return;
            }
            next();
        }

        void releaseBuffered() {
            buffered.forEach(ReferenceCountUtil::release);
            buffered.clear();
        }

        private void auditResponse(int code, String problemCode) {
            if (plan == null && problemCode == null) {
                return;
            }
            ProxyAuditEvent.Request request = plan != null ? plan.audit()
                    : incoming != null ? Planner.denial(incoming, null, null, null, problemCode)
                    : new ProxyAuditEvent.Request(id, null, remote(), req.method().name(), null, null, 0, null, null, null, "deny", problemCode);
            ProxyAuditEvent.Response e = new ProxyAuditEvent.Response(request, code, requestBytes, responseBytes,
                    headerScrubs + (scrubber == null ? 0 : scrubber.replacements()), problemCode,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            Channel ch = ctx.channel();
            Plan spent = plan != null && plan.lastUse() && !lastUseDone ? plan : null;
            lastUseDone = lastUseDone || spent != null;
            if (spent == null && rt.planner.recordsOnLoop()) {
                try {
                    rt.audit.record(e); // no audit device: returns at once, no hop to the executor
                } catch (RuntimeException failure) {
                    ch.close();
                }
                return;
            }
            if (spent == null && rt.planner.recordsAsyncOnLoop()) {
                // handed to the devices' writers; a failure to record closes the connection (fail closed)
                rt.audit.recordAsync(e).whenComplete((v, failure) -> {
                    if (failure != null) {
                        ch.close();
                    }
                });
                return;
            }
            rt.blocking.execute(() -> {
                try {
                    rt.audit.record(e);
                } catch (RuntimeException failure) {
                    ch.close();
                }
                if (spent != null) {
                    try {
                        rt.planner.lastUseDone(spent);
                    } catch (RuntimeException stillSpent) {
                        // the token has no use left whatever happens here: it is refused from now on
                    }
                }
            });
        }

        private String scrubHeader(String value) {
            if (plan == null || scrubber == null || !scrubber.mayMatch(value)) {
                return value;
            }
            StreamReplacer one = new StreamReplacer(plan.scrubRules());
            byte[] b = concat(one.feed(value.getBytes(StandardCharsets.UTF_8)), one.finish());
            headerScrubs += one.replacements();
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String replaceAll(String value, List<StreamReplacer.Rule> rules) {
        if (rules.isEmpty()) {
            return value;
        }
        StreamReplacer r = new StreamReplacer(rules);
        return new String(concat(r.feed(value.getBytes(StandardCharsets.UTF_8)), r.finish()), StandardCharsets.UTF_8);
    }

    /** Whether the plan sets header {@code lowerCaseName} itself (a service sets one or two: no set needed). */
    private static boolean injects(Plan p, String lowerCaseName) {
        for (Map.Entry<String, String> e : p.setHeaders()) {
            if (e.getKey().equalsIgnoreCase(lowerCaseName)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> addTo(List<String> list, String name) {
        List<String> l = list == null ? new java.util.ArrayList<>(2) : list;
        l.add(name);
        return l;
    }

    private static boolean isUpgrade(HttpRequest req) {
        String up = req.headers().get(HttpHeaderNames.UPGRADE);
        return up != null && up.equalsIgnoreCase("websocket")
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private static String hostHeader(Plan p) {
        String h = p.host().contains(":") ? "[" + p.host() + "]" : p.host();
        boolean defaultPort = p.scheme().equals("https") ? p.port() == 443 : p.port() == 80;
        return defaultPort ? h : h + ":" + p.port();
    }

    static String hostOf(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The token in {@code Proxy-Authorization}: Basic (password, or user when the password is empty) or Bearer. */
    static String tokenFrom(HttpHeaders headers) {
        String v = headers.get(HttpHeaderNames.PROXY_AUTHORIZATION);
        if (v == null) {
            return null;
        }
        v = v.trim();
        int sp = v.indexOf(' ');
        if (sp < 0) {
            return null;
        }
        String scheme = v.substring(0, sp).toLowerCase(Locale.ROOT);
        String cred = v.substring(sp + 1).trim();
        if (scheme.equals("bearer")) {
            return cred;
        }
        if (scheme.equals("basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(cred), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    return decoded;
                }
                String pass = decoded.substring(colon + 1);
                return pass.isEmpty() ? decoded.substring(0, colon) : pass;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private String remote() {
        return (h2 ? Http2Mitm.connectionOf(ctx.channel()) : ctx.channel()).remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : null;
    }

    static Problem problemOf(Throwable err) {
        Throwable t = err;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof ProblemException p ? p.problem() : Problems.internal();
    }

    private static String describe(Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return "connect failed";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b.length == 0) {
            return a;
        }
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
