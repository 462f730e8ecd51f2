package dev.av.proxy;

import dev.av.core.Secret;
import dev.av.proxy.tls.ProxyCa;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The proxy core for the shared benchmark harness ({@code /work/shared/bench}): one service for
 * {@code localhost:8443} injecting {@code Authorization: Bearer <secret>}, token {@code bench-token},
 * every request allowed, audit entries appended as JSON lines to a file (like a file audit device).
 * Not a test; run by hand, see {@code docs/perf.md}:
 * <pre>
 * java -cp ... dev.av.proxy.BenchProxyMain 14399 perfkit-secret /tmp/av-bench/pki/upstream-ca.pem /tmp/av-ca.pem /tmp/av-audit.log
 * </pre>
 */
public final class BenchProxyMain {

    private BenchProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String secret = args[1];
        String upstreamCa = Files.readString(Path.of(args[2]));
        Path caOut = Path.of(args[3]);
        BufferedWriter audit = Files.newBufferedWriter(Path.of(args[4]), StandardCharsets.UTF_8);
        ServiceRule service = ServiceRule.fromMap("bench", Map.of("host", "localhost", "port", 8443,
                "credential", "bench/secret#token", "upstream_ca", upstreamCa));
        ProxyServer proxy = ProxyServer.start(ProxyOptions.builder()
                .bind(new InetSocketAddress("127.0.0.1", port))
                .ca(ProxyCa.generate(InstantSource.system()))
                .authenticator(token -> {
                    if (!token.equals("bench-token")) {
                        throw Problems.tokenInvalid().exception();
                    }
                    return new ProxyPrincipal("bench-session", "bench-agent", null);
                })
                .policy((p, r) -> AccessDecision.allow())
                .services(() -> List.of(service))
                .credentials((p, path) -> new SecretData(Map.of("token", Secret.of(secret)), Duration.ofMinutes(10)))
                .settings(() -> ProxySettings.DEFAULTS.withAllowCidrs("127.0.0.0/8"))
                .audit(e -> {
                    String line = switch (e) {
                        case ProxyAuditEvent.Request r -> "{\"type\":\"request\",\"id\":\"" + r.requestId() + "\",\"path\":\"" + r.path()
                                + "\",\"decision\":\"" + r.decision() + "\"}\n";
                        case ProxyAuditEvent.Response r -> "{\"type\":\"response\",\"id\":\"" + r.requestId() + "\",\"status\":"
                                + r.status() + ",\"bytes\":" + r.responseBytes() + "}\n";
                    };
                    synchronized (audit) {
                        try {
                            audit.write(line);
                            audit.flush();
                        } catch (IOException ex) {
                            throw new IllegalStateException("audit write failed", ex);
                        }
                    }
                })
                .build());
        Files.writeString(caOut, proxy.ca().trustBundlePem());
        System.out.println("bench proxy on " + proxy.address() + " tls=" + proxy.tlsProvider() + " ca=" + caOut);
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close));
        Thread.currentThread().join();
    }
}
