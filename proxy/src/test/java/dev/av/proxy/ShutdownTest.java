package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stopping the proxy closes its open connections first, then the event loops, quietly. */
class ShutdownTest {

    private static final int STREAMS = 4;
    private static final int LOOPS = 8;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // an upstream left open would block its writer
    void closingTheProxyClosesEveryClientAndUpstreamConnectionBeforeItsEventLoopsStop() throws Exception {
        // without an SLF4J binding on this module's test class path, Netty logs through java.util.logging
        Logger netty = Logger.getLogger("io.netty");
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        netty.addHandler(capture);
        try (ProxyFixture fx = new ProxyFixture().start()) {
            String token = fx.token("agent-a");
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch upstreamCut = new CountDownLatch(STREAMS);
            ScriptedUpstream up = fx.upstream((req, ex) -> {
                if (req.target().equals("/stream")) {   // streams until the proxy stops
                    ex.startChunked(200, Map.of("Content-Type", "text/plain"));
                    String piece = "x".repeat(16 * 1024);
                    try {
                        while (release.getCount() > 0) {
                            ex.chunk(piece);
                        }
                    } catch (IOException e) {
                        upstreamCut.countDown();   // the proxy closed this upstream connection
                    }
                } else {
                    ex.respond(200, "text/plain", "ok");
                }
            });
            fx.service("github", new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token")));
            List<RawProxyClient> streams = new ArrayList<>();
            ExecutorService readers = Executors.newCachedThreadPool();
            try (RawProxyClient tunnel = tunnel(fx, token, up);
                 Socket idle = new Socket()) {
                assertThat(tunnel.request("GET", "/one", "localhost:" + up.port(), null, null).status()).isEqualTo(200);
                List<Future<Long>> drained = new ArrayList<>();
                CountDownLatch looping = new CountDownLatch(LOOPS);
                for (int i = 0; i < STREAMS; i++) {
                    RawProxyClient s = tunnel(fx, token, up);
                    streams.add(s);
                    s.send(("GET /stream HTTP/1.1\r\nHost: localhost:" + up.port() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertThat(s.line()).startsWith("HTTP/1.1 200");
                    drained.add(readers.submit(() -> s.in().transferTo(OutputStream.nullOutputStream())));
                }
                for (int i = 0; i < LOOPS; i++) {   // request after request until the proxy stops
                    RawProxyClient s = tunnel(fx, token, up);
                    streams.add(s);
                    drained.add(readers.submit(() -> {
                        long n = 0;
                        try {
                            while (s.request("GET", "/one", "localhost:" + up.port(), null, null).status() == 200) {
                                if (n++ == 0) {
                                    looping.countDown();
                                }
                            }
                        } catch (IOException e) {
                            // cut by the stop
                        }
                        return n;
                    }));
                }
                idle.connect(new InetSocketAddress("127.0.0.1", fx.port()));
                idle.setSoTimeout(10_000);
                assertThat(up.connectionCount()).as("the streaming upstream connections (one may be the pooled one)").isGreaterThanOrEqualTo(STREAMS);
                assertThat(looping.await(10, TimeUnit.SECONDS)).as("every request loop has had an answer").isTrue();
                Thread.sleep(200);   // bodies in flight on every stream

                fx.proxy.close();

                assertThat(tunnel.closedByPeer()).as("the open tunnel is closed").isTrue();
                for (Future<Long> f : drained) {
                    assertThat(f.get(10, TimeUnit.SECONDS)).as("each stream or request loop is cut after it ran").isPositive();
                }
                assertThat(upstreamCut.await(10, TimeUnit.SECONDS)).as("every streaming upstream connection is closed").isTrue();
                InputStream in = idle.getInputStream();
                assertThat(in.read()).as("the idle client connection is closed").isEqualTo(-1);
            } finally {
                release.countDown();
                readers.shutdownNow();
                for (RawProxyClient s : streams) {
                    s.close();
                }
            }
        } finally {
            netty.removeHandler(capture);
        }
        assertThat(warnings).as("Netty warnings while stopping").isEmpty();
    }

    private static RawProxyClient tunnel(ProxyFixture fx, String token, ScriptedUpstream up) throws Exception {
        RawProxyClient c = RawProxyClient.open(fx.port());
        assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
        c.startTls("localhost", TestCa.trusting(fx.proxy.ca().trustBundlePem()));
        return c;
    }
}
