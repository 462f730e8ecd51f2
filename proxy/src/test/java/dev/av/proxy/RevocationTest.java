package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Revocation cuts live traffic: the next request on a tunnel, and open WebSockets at once. */
class RevocationTest {

    private ProxyFixture fx;
    private String token;
    private ScriptedUpstream up;

    @BeforeEach
    void start() throws Exception {
        fx = new ProxyFixture().start();
        token = fx.token("agent-a");
        up = fx.upstream((req, ex) -> {
            if ("websocket".equalsIgnoreCase(req.header("Upgrade"))) {
                ex.raw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: test\r\n\r\n");
                byte[] buf = new byte[1024];
                int n;
                while ((n = ex.rawIn().read(buf)) > 0) {
                    ex.rawOut().write(buf, 0, n);
                    ex.rawOut().flush();
                }
                ex.closeAfter();
            } else {
                ex.respond(200, "text/plain", "ok");
            }
        });
        fx.service("github", new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token")));
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private RawProxyClient tunnel() throws IOException {
        RawProxyClient c = RawProxyClient.open(fx.port());
        assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
        c.startTls("localhost", TestCa.trusting(fx.proxy.ca().trustBundlePem()));
        return c;
    }

    @Test
    void revokedTokenIsRefusedOnTheNextRequestOfAnOpenTunnel() throws Exception {
        try (RawProxyClient c = tunnel()) {
            assertThat(c.request("GET", "/one", "localhost:" + up.port(), null, null).status()).isEqualTo(200);
            fx.tokens.remove(token);
            RawProxyClient.Response r = c.request("GET", "/two", "localhost:" + up.port(), null, null);
            assertThat(r.status()).isEqualTo(407);
            assertThat(r.body()).contains("\"code\":\"token_invalid\"");
            assertThat(c.closedByPeer()).as("the tunnel is closed after the refusal").isTrue();
        }
        up.takeRequest();
        assertThat(up.pendingRequests()).isZero();
    }

    @Test
    void webSocketIsRelayedAndClosedWhenTheSessionIsRevoked() throws Exception {
        try (RawProxyClient c = tunnel()) {
            RawProxyClient.Response r = c.request("GET", "/socket", "localhost:" + up.port(),
                    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n", null);
            assertThat(r.status()).isEqualTo(101);
            assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
            c.send("frame-bytes".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(c.in().readNBytes(11), StandardCharsets.UTF_8)).isEqualTo("frame-bytes");
            assertThat(fx.proxy.closeSession(fx.sessionOf(token))).isEqualTo(1);
            assertThat(c.closedByPeer()).isTrue();
        }
    }
}
