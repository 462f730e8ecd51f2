package dev.av.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.secrets.lease.Lease;
import dev.av.secrets.lease.LeaseManager;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.server.proxy.ProxyService;
import dev.av.testing.net.RealClients;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dynamic secret injected by the proxy, end to end: curl goes through av's proxy with an
 * {@code av run}-style session token; the proxy reads {@code database/creds/ro} with an ephemeral
 * child token; the upstream receives a header built from the leased password; ending the session
 * revokes the lease and drops the PostgreSQL login. ({@code av run} itself is the proxy area's
 * command; this test does what it does on exit: revoke the session token.)
 */
class DynamicSecretProxyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static AvServer av;
    static Api api;
    static ScriptedUpstream up;
    static final TestCa upstreamCa = TestCa.create("dynamic secret upstream CA");

    @BeforeAll
    static void start() throws Exception {
        av = AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0")
                .proxyListenAddress("127.0.0.1:0").build());
        api = new Api(av.apiAddress(), av.rootToken());
        DatabaseMountTest.enableDatabase(api, "database");
        up = ScriptedUpstream.https(upstreamCa.serverContext("localhost"),
                (req, ex) -> ex.respond(200, "text/plain", "ok"));
        assertThat(api.put("proxy/settings", "{\"upstream_allow_cidrs\":[\"127.0.0.0/8\"]}").status()).isEqualTo(200);
        Api.Res w = api.put("proxy/services/db-api", JSON.writeValueAsString(Map.of("host", "localhost", "port", up.port(),
                "credential", "database/creds/ro#password", "upstream_ca", upstreamCa.rootPem())));
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
    }

    @AfterAll
    static void stop() throws Exception {
        if (up != null) {
            up.close();
        }
        if (av != null) {
            av.close();
        }
    }

    static boolean roleExists(String name) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             var ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Test
    void curlGetsAHeaderFromALeaseThatIsRevokedWhenTheSessionEnds() throws Exception {
        assumeTrue(RealClients.available("curl"));
        TokenStore tokens = av.bean(TokenStore.class);
        TokenEntry root = tokens.lookup(av.rootToken()).orElseThrow();
        IssuedToken session = tokens.create(TokenRequest.builder().policies(List.of("root")).ttl(Duration.ofHours(1))
                .kind(TokenKind.SESSION).displayName("av-run").build(), root, true);
        Path ca = Files.createTempFile("av-ca", ".pem");
        Files.writeString(ca, api.as(null).get("proxy/ca").data().get("ca_bundle").asText());
        int proxyPort = av.bean(ProxyService.class).address().getPort();
        RealClients.Result r = RealClients.run(RealClients.curl("https://localhost:" + up.port() + "/query"),
                Map.of("HTTPS_PROXY", "http://av-run:" + session.token() + "@127.0.0.1:" + proxyPort,
                        "CURL_CA_BUNDLE", ca.toString()), Duration.ofSeconds(60));
        Files.delete(ca);
        assertThat(r.stdout()).as(r.stderr()).contains("200");

        LeaseManager leases = av.bean(LeaseManager.class);
        List<String> ids = leases.list("database/creds/ro");
        assertThat(ids).hasSize(1);
        Lease lease = leases.lookup("database/creds/ro/" + ids.get(0)).orElseThrow();
        assertThat(lease.owner()).as("the lease belongs to the session, not the one-use ephemeral token")
                .isEqualTo(session.entry().id());
        String user = lease.internalString("username");
        String header = up.takeRequest().header("Authorization");
        assertThat(header).startsWith("Bearer A1a-");
        assertThat(roleExists(user)).isTrue();

        tokens.revokeTree(session.entry()); // what `av run` does when its command exits
        assertThat(roleExists(user)).isFalse();
        assertThat(leases.list("database/creds/ro")).isEmpty();
    }
}
