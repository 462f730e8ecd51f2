package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.av.testing.net.RealClients;
import dev.av.testing.net.ScriptedUpstream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * curl, python3 (urllib) and node through the proxy, configured only by environment variables.
 * The upstream echoes the Authorization it received: it must hold the secret, and the client must
 * only ever see it scrubbed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientsTest {

    private ProxyFixture fx;
    private ScriptedUpstream up;
    private Map<String, String> env;

    @BeforeAll
    void start() throws Exception {
        fx = new ProxyFixture().start();
        up = fx.upstream((req, ex) -> ex.respond(200, "text/plain", "echo:" + req.header("Authorization")));
        fx.service("github", new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token")));
        String ca = fx.caFile().toString();
        env = new HashMap<>();
        env.put("HTTPS_PROXY", fx.proxyUrl(fx.token("agent-a")));
        env.put("SSL_CERT_FILE", ca);
        env.put("CURL_CA_BUNDLE", ca);
        env.put("NODE_EXTRA_CA_CERTS", ca);
        env.put("NODE_USE_ENV_PROXY", "1");
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    private void check(String program, List<String> command) throws Exception {
        assumeTrue(RealClients.available(program), program + " is not installed");
        RealClients.Result r = RealClients.run(command, env, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(program + " stderr: " + r.stderr()).isZero();
        assertThat(r.stdout()).contains("200").contains("echo:" + "*".repeat(("Bearer " + ProxyFixture.SECRET).length())).doesNotContain(ProxyFixture.SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
    }

    private String url() {
        return "https://localhost:" + up.port() + "/user";
    }

    @Test
    void curlGetsTheResponseAndNeverTheSecret() throws Exception {
        check("curl", RealClients.curl(url()));
    }

    @Test
    void pythonUrllibGetsTheResponseAndNeverTheSecret() throws Exception {
        check("python3", RealClients.python(url()));
    }

    @Test
    void nodeGetsTheResponseAndNeverTheSecret() throws Exception {
        check("node", RealClients.node(url()));
    }
}
