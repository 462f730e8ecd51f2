package dev.av.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.RealClients;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The proxy inside a real dev server: services and settings through the API, the CA published at
 * {@code proxy/ca}, credentials read through the API pipeline with an ephemeral token, per-request policy, and
 * token revocation cutting an open tunnel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyIntegrationTest {

    static final String SECRET = "ghp_IntegrationSecret0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    AvServer av;
    Api api;
    ScriptedUpstream up;
    TestCa upstreamCa = TestCa.create("integration upstream CA");
    int proxyPort;
    String caPem;

    @BeforeAll
    void start() throws Exception {
        av = AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0")
                .properties(Map.of("av.test.fixed-secrets", "true")).build());
        api = new Api(av.apiAddress(), av.rootToken());
        up = ScriptedUpstream.https(upstreamCa.serverContext("localhost"),
                (req, ex) -> ex.respond(200, "text/plain", "echo:" + req.header("Authorization")));
        proxyPort = av.bean(ProxyService.class).address().getPort();
        assertThat(api.put("proxy/settings", "{\"upstream_allow_cidrs\":[\"127.0.0.0/8\"]}").status()).isEqualTo(200);
        Api.Res w = api.put("proxy/services/github", JSON.writeValueAsString(Map.of("host", "localhost", "port", up.port(),
                "credential", "fixed-secrets/github#token", "upstream_ca", upstreamCa.rootPem())));
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        Api.Res ca = api.as(null).get("proxy/ca");
        assertThat(ca.status()).as(ca.toString()).isEqualTo(200);
        caPem = ca.data().get("ca_bundle").asText();
        assertThat(ca.data().get("proxy_address").asText()).isEqualTo("127.0.0.1:" + proxyPort);
    }

    @AfterAll
    void stop() throws Exception {
        up.close();
        av.close();
    }

    private String childToken(String policies) throws Exception {
        Api.Res r = api.post("auth/token/create", "{\"policies\":" + policies + ",\"ttl\":\"10m\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.auth().get("client_token").asText();
    }

    @Test
    void servicesAreReadBackWithoutSecretsAndValidated() {
        Api.Res r = api.get("proxy/services/github");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data().get("credential").asText()).isEqualTo("fixed-secrets/github#token");
        assertThat(r.body()).doesNotContain(SECRET);
        assertThat(api.list("proxy/services").data().get("keys").toString()).contains("github");
        Api.Res bad = api.put("proxy/services/bad", "{\"host\":\"*.com\",\"credential\":\"a#b\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).contains("wildcard");
    }

    @Test
    void curlThroughTheProxyGetsTheKvCredentialInjected() throws Exception {
        assumeTrue(RealClients.available("curl"));
        Path ca = Files.createTempFile("av-ca", ".pem");
        Files.writeString(ca, caPem);
        RealClients.Result r = RealClients.run(RealClients.curl("https://localhost:" + up.port() + "/user"),
                Map.of("HTTPS_PROXY", "http://agent:" + av.rootToken() + "@127.0.0.1:" + proxyPort, "CURL_CA_BUNDLE", ca.toString()),
                Duration.ofSeconds(60));
        Files.delete(ca);
        assertThat(r.stdout()).as(r.stderr()).contains("200").doesNotContain(SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + SECRET);
    }

    @Test
    void anAgentAllowedOnlyOnTheProxyPathGetsTheCredentialInjectedButCannotReadTheSecretItself() throws Exception {
        assumeTrue(RealClients.available("curl"));
        assertThat(api.put("sys/policies/acl/proxy-only", JSON.writeValueAsString(Map.of("policy",
                "path \"proxy/localhost/*\" { capabilities = [\"read\"] }"))).status()).isEqualTo(204);
        String token = childToken("[\"proxy-only\"]");
        assertThat(api.as(token).get("fixed-secrets/github").status())
                .as("the agent holds no grant on the secret path").isEqualTo(403);
        Path ca = Files.createTempFile("av-ca", ".pem");
        Files.writeString(ca, caPem);
        RealClients.Result r = RealClients.run(RealClients.curl("https://localhost:" + up.port() + "/user"),
                Map.of("HTTPS_PROXY", "http://agent:" + token + "@127.0.0.1:" + proxyPort, "CURL_CA_BUNDLE", ca.toString()),
                Duration.ofSeconds(60));
        Files.delete(ca);
        assertThat(r.stdout()).as(r.stderr()).contains("200").doesNotContain(SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(api.as(token).get("fixed-secrets/github").status())
                .as("injecting did not widen what the agent may read").isEqualTo(403);
    }

    @Test
    void aTokenWithoutAProxyPolicyIsDeniedWithASuggestion() throws Exception {
        String token = childToken("[\"default\"]");
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(caPem));
            RawProxyClient.Response r = c.request("GET", "/repos", "localhost:" + up.port(), null, null);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("\"code\":\"policy_denied\"").contains("proxy/localhost/repos");
        }
    }

    @Test
    void revokingTheTokenRefusesTheNextRequestOnAnOpenTunnel() throws Exception {
        String token = childToken("[\"root\"]");
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(caPem));
            assertThat(c.request("GET", "/one", "localhost:" + up.port(), null, null).status()).isEqualTo(200);
            assertThat(api.post("auth/token/revoke", JSON.writeValueAsString(Map.of("token", token))).status()).isEqualTo(204);
            assertThat(c.closedByPeer()).as("revocation closes the session's open tunnels").isTrue();
        }
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            RawProxyClient.Response r = c.connect("localhost:" + up.port(), token);
            assertThat(r.status()).isEqualTo(407);
            assertThat(r.body()).contains("token_invalid");
        }
    }

    @Test
    void anEphemeralTokenWithTwoUsesGetsTwoProxiedRequestsAndTheThirdIsRefused() throws Exception {
        assertThat(api.put("sys/policies/acl/proxy-eph", JSON.writeValueAsString(Map.of("policy",
                "path \"proxy/localhost/*\" { capabilities = [\"read\"] }"))).status()).isEqualTo(204);
        assertThat(api.put("agent-registry/agents/eph-agent", "{\"type\":\"autonomous\"}").status()).isIn(200, 204);
        assertThat(api.put("agent-registry/agents/eph-agent/policy", "{\"policy\":\"proxy-eph\"}").status()).isIn(200, 204);
        assertThat(api.put("agent-registry/agents/eph-agent/ephemeral", "{\"enabled\":true,\"max_ttl\":\"10m\"}").status())
                .isIn(200, 204);
        Api.Res id = api.put("agent-registry/agents/eph-agent/token", "{}");
        assertThat(id.status()).as(id.toString()).isEqualTo(200);
        Api.Res e = api.as(id.auth().get("client_token").asText()).put("agent-registry/ephemeral-token",
                "{\"paths\":{\"proxy/localhost/twice\":[\"read\"]},\"num_uses\":2,\"ttl\":\"5m\"}");
        assertThat(e.status()).as(e.toString()).isEqualTo(200);
        String token = e.auth().get("client_token").asText();
        while (up.pendingRequests() > 0) {
            up.takeRequest(); // left by other tests sharing the upstream
        }
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            assertThat(c.connect("localhost:" + up.port(), token).status()).as("the CONNECT costs no use").isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(caPem));
            RawProxyClient.Response first = c.request("GET", "/twice", "localhost:" + up.port(), null, null);
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(first.body()).startsWith("echo:").doesNotContain(SECRET);
            RawProxyClient.Response second = c.request("GET", "/twice", "localhost:" + up.port(), null, null);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.header("Connection")).as("the last use closes the tunnel").isEqualTo("close");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + SECRET);
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            RawProxyClient.Response third = c.connect("localhost:" + up.port(), token);
            assertThat(third.status()).isEqualTo(407);
            assertThat(third.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(third.body()).contains("\"code\":\"token_uses_exhausted\"");
        }
        assertThat(up.pendingRequests()).as("the upstream saw exactly two requests").isZero();
        assertThat(api.post("auth/token/lookup", JSON.writeValueAsString(Map.of("token", token))).status())
                .as("the spent token is revoked, as after its last API use").isNotEqualTo(200);
    }

    @Test
    void discoverListsUsableServicesWithoutCredentialReferences() {
        Api.Res r = api.get("proxy/discover");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.data().get("services").toString()).contains("github").doesNotContain("fixed-secrets");
        assertThat(api.as(null).get("proxy/discover").status()).isEqualTo(403);
    }

    @Test
    void settingsRefuseUnknownFields() {
        Api.Res r = api.put("proxy/settings", "{\"colour\":\"blue\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("colour");
        assertThat(api.get("proxy/settings").data().get("upstream_allow_cidrs").toString()).contains("127.0.0.0/8");
    }

    @Test
    void caRotationKeepsTheOldRootInTheBundle() {
        String before = api.as(null).get("proxy/ca").data().get("certificate").asText();
        Api.Res r = api.post("proxy/ca/rotate", "{\"overlap\":\"1h\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.data().get("certificate").asText()).isNotEqualTo(before);
        assertThat(r.data().get("ca_bundle").asText()).contains(before.trim());
        caPem = r.data().get("ca_bundle").asText();
    }
}
