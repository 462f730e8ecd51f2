package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 pipelining inside a tunnel: requests sent back to back in one write are each authorized,
 * injected and answered in order, including while the proxy reads ahead of an exchange in progress.
 */
class PipeliningTest {

    private ProxyFixture fx;
    private ScriptedUpstream up;
    private String token;

    @BeforeEach
    void start() throws Exception {
        fx = new ProxyFixture().start();
        token = fx.token("agent-a");
        up = fx.upstream((req, ex) -> ex.respond(200, "text/plain", "seen " + req.target() + " "
                + ("Bearer " + ProxyFixture.SECRET).equals(req.header("Authorization"))));
        fx.service("github", Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token"));
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void pipelinedRequestsAreEachAuthorizedInjectedAndAnsweredInOrder() throws Exception {
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(fx.proxy.ca().trustBundlePem()));
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                String method = i == 2 ? "POST" : "GET";
                String body = i == 2 ? "payload-2" : "";
                burst.append(method).append(" /p/").append(i).append(" HTTP/1.1\r\nHost: localhost:").append(up.port()).append("\r\n")
                        .append(i == 2 ? "Content-Length: " + body.length() + "\r\n" : "").append("\r\n").append(body);
            }
            c.send(burst.toString().getBytes(StandardCharsets.ISO_8859_1));
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RawProxyClient.Response r = c.readResponse(false);
                assertThat(r.status()).isEqualTo(200);
                bodies.add(r.body());
            }
            assertThat(bodies).containsExactly("seen /p/0 true", "seen /p/1 true", "seen /p/2 true", "seen /p/3 true", "seen /p/4 true");
            assertThat(String.join(" ", bodies)).doesNotContain(ProxyFixture.SECRET);
            // and the connection is still good for one more
            assertThat(c.request("GET", "/after", "localhost:" + up.port(), null, null).body()).isEqualTo("seen /after true");
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ScriptedUpstream.RecordedRequest r = up.takeRequest();
            seen.add(r.method() + " " + r.target() + (r.body().length > 0 ? " " + r.bodyText() : ""));
        }
        assertThat(seen).containsExactly("GET /p/0", "GET /p/1", "POST /p/2 payload-2", "GET /p/3", "GET /p/4", "GET /after");
    }
}
