package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.RealClients;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plain tunnels for listed unmatched hosts, and the TLS listener (HTTPS to the proxy itself). */
class TunnelAndTlsListenerTest {

    private ProxyFixture fx;
    private ScriptedUpstream up;
    private String token;

    @BeforeEach
    void start() throws Exception {
        fx = new ProxyFixture().start();
        up = fx.upstream((req, ex) -> ex.respond(200, "text/plain", "auth=" + req.header("Authorization")));
        token = fx.token("agent-a");
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void listedUnmatchedHostsAreTunnelledWithoutMitmOrInjection() throws Exception {
        fx.settings.set(ProxySettings.fromMap(fx.settings.get(), Map.of("unmatched_hosts", "tunnel", "tunnel_hosts", List.of("localhost"))));
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(fx.upstreamCa.rootPem()));
            RawProxyClient.Response r = c.request("GET", "/", "localhost:" + up.port(), "Authorization: Bearer own\r\n", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("auth=Bearer own");
        }
    }

    @Test
    void unlistedUnmatchedHostsAreStillRefusedInTunnelMode() throws Exception {
        fx.settings.set(ProxySettings.fromMap(fx.settings.get(), Map.of("unmatched_hosts", "tunnel", "tunnel_hosts", List.of("other.example"))));
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(403);
        }
    }

    @Test
    void curlReachesTheProxyOverTlsAndGetsTheCredentialInjected() throws Exception {
        assumeTrue(RealClients.available("curl"));
        fx.service("github", new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token")));
        Path ca = fx.caFile();
        String proxy = "https://agent:" + token + "@127.0.0.1:" + fx.proxy.tlsAddress().getPort();
        RealClients.Result r = RealClients.run(List.of("curl", "-sS", "--max-time", "30", "--proxy", proxy, "--proxy-cacert", ca.toString(),
                "--cacert", ca.toString(), "https://localhost:" + up.port() + "/"), Map.of(), Duration.ofSeconds(60));
        assertThat(r.stdout()).as(r.stderr()).startsWith("auth=*").doesNotContain(ProxyFixture.SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
        assertThat(Files.exists(ca)).isTrue();
    }
}
