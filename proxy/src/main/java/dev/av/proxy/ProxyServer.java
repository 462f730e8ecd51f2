package dev.av.proxy;

import dev.av.proxy.internal.CredentialCache;
import dev.av.proxy.internal.Planner;
import dev.av.proxy.internal.ProxyInitializer;
import dev.av.proxy.internal.ProxyRuntime;
import dev.av.proxy.internal.Transport;
import dev.av.proxy.tls.LeafCache;
import dev.av.proxy.tls.ProxyCa;
import dev.av.proxy.tls.TlsProviders;
import dev.av.proxy.tls.UpstreamTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * av's credential-injecting forward proxy: its own Netty server (Micronaut's HTTP server has no
 * CONNECT mode), a plain listener and an optional TLS listener. See {@link ProxyInitializer} for the
 * pipeline and {@code docs/proxy.md} for threading, problem codes and settings.
 *
 * <p>Lifecycle: {@link #start} binds; {@link #close} unbinds and closes every connection. Thread-safe.
 */
public final class ProxyServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ProxyServer.class.getName());
    private static final long STOP_WAIT_MILLIS = 5000;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final int eventLoops;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Channel listener;
    private final Channel tlsListener;
    private final ProxyRuntime runtime;
    private final AtomicReference<ProxyCa> ca = new AtomicReference<>();
    private final java.util.function.Supplier<ProxyCa> caSource;
    private final LeafCache leaves;
    private final CredentialCache credentials;
    private final SslProvider provider;

    private ProxyServer(ProxyOptions o) throws InterruptedException {
        this.caSource = o.ca();
        this.provider = TlsProviders.choose(o.preferNativeTls());
        this.leaves = new LeafCache(this::ca, provider, o.blocking(), o.clock());
        this.credentials = new CredentialCache(o.credentials(), o.clock());
        Planner planner = new Planner(o.authenticator(), o.policy(), o.services(), credentials, o.settings(), o.audit(),
                o.resolver(), new UpstreamTls(provider), o.clock(), o.fastPath());
        java.util.function.Supplier<SslContext> listenerTls = o.tlsBind() == null ? null : memo(() -> listenerContext(o));
        this.runtime = new ProxyRuntime(planner, leaves, o.audit(), o.blocking(), listenerTls);
        this.boss = new MultiThreadIoEventLoopGroup(1, Transport.ioHandler());
        // one event loop per core on io_uring, two on epoll and NIO (Transport.defaultEventLoops),
        // unless configured (ProxyOptions, or -Dav.proxy.eventLoops=N)
        int loops = o.eventLoopThreads() > 0 ? o.eventLoopThreads() : Integer.getInteger("av.proxy.eventLoops", 0);
        this.eventLoops = loops > 0 ? loops : Transport.CURRENT.defaultEventLoops(io.netty.util.NettyRuntime.availableProcessors());
        this.workers = new MultiThreadIoEventLoopGroup(eventLoops, Transport.ioHandler());
        try {
            this.listener = bootstrap(false).bind(o.bind()).sync().channel();
            this.tlsListener = o.tlsBind() == null ? null : bootstrap(true).bind(o.tlsBind()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdownGroups();
            throw e;
        }
    }

    /** Binds the listeners; throws if a port is taken. */
    public static ProxyServer start(ProxyOptions options) {
        try {
            return new ProxyServer(options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the proxy", e);
        }
    }

    private ServerBootstrap bootstrap(boolean tls) {
        return new ServerBootstrap().group(boss, workers).channel(Transport.serverChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ProxyInitializer(runtime, tls));
    }

    private SslContext listenerContext(ProxyOptions o) {
        String host = o.tlsBind().getHostString();
        ProxyCa.Leaf leaf = ca().issueLeaf(host);
        try {
            return SslContextBuilder.forServer(leaf.key(), leaf.chain()).sslProvider(provider).build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException("cannot build the TLS listener context", e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The TLS listener's address, or null when there is none. */
    public InetSocketAddress tlsAddress() {
        return tlsListener == null ? null : (InetSocketAddress) tlsListener.localAddress();
    }

    /** The signing CA, fetched from the source on first need. */
    public ProxyCa ca() {
        ProxyCa c = ca.get();
        return c != null ? c : ca.updateAndGet(x -> x != null ? x : caSource.get());
    }

    /** How many event loops serve the connections. */
    public int eventLoops() {
        return eventLoops;
    }

    /** The socket transport in use: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transport() {
        return Transport.CURRENT.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The TLS engine in use: {@code OPENSSL} (BoringSSL via netty-tcnative) or {@code JDK}. */
    public SslProvider tlsProvider() {
        return provider;
    }

    /** Signs new leaves with {@code next} from now on (e.g. after {@link ProxyCa#rotate(Duration)}). */
    public void replaceCa(ProxyCa next) {
        ca.set(next);
        leaves.invalidateAll();
    }

    /** Closes every open tunnel and WebSocket of a session (call on token revocation); returns how many. */
    public int closeSession(String sessionId) {
        return runtime.closeSession(sessionId);
    }

    /** Forgets cached credentials, e.g. after a service's credential changed. */
    public void invalidateCredentials() {
        credentials.invalidateAll();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close().syncUninterruptibly();
        if (tlsListener != null) {
            tlsListener.close().syncUninterruptibly();
        }
        runtime.closeAll(Duration.ofSeconds(2));
        shutdownGroups();
    }

    private static <T> java.util.function.Supplier<T> memo(java.util.function.Supplier<T> s) {
        AtomicReference<T> ref = new AtomicReference<>();
        return () -> {
            T v = ref.get();
            return v != null ? v : ref.updateAndGet(x -> x != null ? x : s.get());
        };
    }

    /**
     * Stops the loops once they have been quiet for 100 ms (at most 2 s): io_uring finishes a close
     * that still had operations in flight only when their completions arrive, and the loop must
     * still run to take them; with no quiet period it stops first and Netty logs the rejected task.
     * Waits at most {@link #STOP_WAIT_MILLIS} for the loops to end: Netty's io_uring loop waits in its
     * last step for every operation still in flight, and once (in a test) one never completed, so
     * an unbounded wait hung {@code close()} for good.
     */
    private void shutdownGroups() {
        Future<?> bossStopped = boss.shutdownGracefully(0, 2000, TimeUnit.MILLISECONDS);
        Future<?> workersStopped = workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS);
        boolean stopped = bossStopped.awaitUninterruptibly(STOP_WAIT_MILLIS);
        stopped &= workersStopped.awaitUninterruptibly(STOP_WAIT_MILLIS);
        if (!stopped) {
            LOG.log(System.Logger.Level.WARNING, "a proxy event loop did not stop within " + STOP_WAIT_MILLIS
                    + " ms (an io_uring operation still in flight); its thread is left behind");
        }
    }
}
