package dev.av.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.audit.chain.ChainVerifier;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.server.proxy.ProxyService;
import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proxied requests reach the audit devices, with av's proxy block, HMAC'd, and fail closed. */
class ProxyAuditTest {

    static final String SECRET = "ghp_IntegrationSecret0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    AvServer av;
    Api api;
    ScriptedUpstream up;
    final TestCa upstreamCa = TestCa.create("audit upstream CA");
    int proxyPort;
    String caPem;
    Path log;

    @BeforeEach
    void start() throws Exception {
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0")
                .properties(Map.of("av.test.fixed-secrets", "true")).build());
        api = new Api(av.apiAddress(), av.rootToken());
        up = ScriptedUpstream.https(upstreamCa.serverContext("localhost"),
                (req, ex) -> ex.respond(200, "text/plain", "hello from upstream"));
        proxyPort = av.bean(ProxyService.class).address().getPort();
        assertThat(api.put("proxy/settings", "{\"upstream_allow_cidrs\":[\"127.0.0.0/8\"]}").status()).isEqualTo(200);
        Api.Res w = api.put("proxy/services/github", JSON.writeValueAsString(Map.of("host", "localhost", "port", up.port(),
                "credential", "fixed-secrets/github#token", "upstream_ca", upstreamCa.rootPem())));
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        caPem = api.as(null).get("proxy/ca").data().get("ca_bundle").asText();
        log = dir.resolve("audit.log");
        Api.Res on = api.put("sys/audit/file", JSON.writeValueAsString(Map.of("type", "file",
                "options", Map.of("file_path", log.toString()))));
        assertThat(on.status()).as(on.toString()).isEqualTo(204);
    }

    @AfterEach
    void stop() throws Exception {
        up.close();
        av.close();
    }

    private List<JsonNode> proxyEntries() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            JsonNode n = JSON.readTree(l);
            if (n.at("/av/proxy").isObject()) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void proxiedRequestsAreAuditedWithMethodHostPathStatusBytesAndServiceButNoSecrets() throws Exception {
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            assertThat(c.connect("localhost:" + up.port(), av.rootToken()).status()).isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(caPem));
            RawProxyClient.Response r = c.request("GET", "/repos/x?access_token=q-s3cr3t", "localhost:" + up.port(),
                    null, null);
            assertThat(r.status()).isEqualTo(200);
        }
        String created = api.post("auth/token/create", "{\"policies\":[\"default\"]}").auth().get("client_token").asText();
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            assertThat(c.connect("localhost:" + up.port(), created).status()).isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(caPem));
            assertThat(c.request("GET", "/admin", "localhost:" + up.port(), null, null).status()).isEqualTo(403);
        }
        List<JsonNode> es = proxyEntries();
        JsonNode response = es.stream().filter(e -> e.get("type").asText().equals("response")
                && e.at("/av/proxy/path").asText().equals("/repos/x")).findFirst().orElseThrow();
        assertThat(response.at("/av/proxy/method").asText()).isEqualTo("GET");
        assertThat(response.at("/av/proxy/host").asText()).isEqualTo("localhost");
        assertThat(response.at("/av/proxy/upstream_status").asInt()).isEqualTo(200);
        assertThat(response.at("/av/proxy/bytes_received").asLong()).isPositive();
        assertThat(response.at("/av/proxy/service").asText()).isEqualTo("github");
        assertThat(response.at("/av/proxy/query").asText()).startsWith("hmac-sha256:");
        assertThat(es.stream().filter(e -> e.at("/av/proxy/path").asText().equals("/repos/x"))
                .map(e -> e.get("type").asText()).toList()).contains("request", "response");

        JsonNode denied = es.stream().filter(e -> e.at("/av/proxy/path").asText().equals("/admin")).findFirst().orElseThrow();
        assertThat(denied.at("/av/decision/allowed").asBoolean()).isFalse();

        // like API entries: the client token and accessor HMAC'd with the device's salt, the granting policies
        String rootHash = hash(av.rootToken());
        for (JsonNode e : es.stream().filter(e -> e.at("/av/proxy/path").asText().equals("/repos/x")).toList()) {
            assertThat(e.at("/auth/client_token").asText()).isEqualTo(rootHash);
            assertThat(e.at("/request/client_token").asText()).isEqualTo(rootHash);
            assertThat(e.at("/auth/accessor").asText()).startsWith("hmac-sha256:");
            assertThat(e.at("/auth/policies").toString()).contains("root");
            assertThat(e.at("/av/decision/granting_acl_policies").toString()).contains("root");
            assertThat(e.at("/auth/policy_results/granting_policies/0/name").asText()).isEqualTo("root");
        }
        assertThat(denied.at("/auth/client_token").asText()).isEqualTo(hash(created));

        String all = Files.readString(log);
        assertThat(all).doesNotContain(SECRET).doesNotContain("q-s3cr3t").doesNotContain(av.rootToken()).doesNotContain(created);
        av.close();
        assertThat(ChainVerifier.verify(log, null).brokenLink()).isNull();
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build());
    }

    private String hash(String input) throws Exception {
        return api.post("sys/audit-hash/file", JSON.writeValueAsString(Map.of("input", input))).data().get("hash").asText();
    }

    private void ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 204);
    }

    @Test
    void aProxiedRequestOnBehalfOfAUserCarriesTheDelegateTheConsentScopesAndTheEphemeralAccessor() throws Exception {
        String grant = "path \"proxy/localhost/*\" { capabilities = [\"read\"] }";
        ok(api.put("sys/policies/acl/px-agent", JSON.writeValueAsString(Map.of("policy", grant))));
        ok(api.put("sys/policies/acl/px-human", JSON.writeValueAsString(Map.of("policy", grant))));
        ok(api.put("agent-registry/users/alice", JSON.writeValueAsString(Map.of("oidc_subject", "alice@example.com",
                "policies", "px-human"))));
        ok(api.put("agent-registry/agents/ci-bot", JSON.writeValueAsString(Map.of("type", "autonomous"))));
        ok(api.put("agent-registry/agents/ci-bot/policy", JSON.writeValueAsString(Map.of("policy", "px-agent"))));
        ok(api.put("agent-registry/agents/ci-bot/delegate", JSON.writeValueAsString(Map.of("user", "alice"))));
        ok(api.put("agent-registry/agents/ci-bot/ephemeral", JSON.writeValueAsString(Map.of("enabled", true,
                "max_ttl", "10m"))));
        ok(api.put("agent-registry/scopes/repo-read", JSON.writeValueAsString(Map.of("description", "Read repos",
                "policy", grant))));
        ok(api.put("agent-registry/delegations/d-1", JSON.writeValueAsString(Map.of("agent", "ci-bot",
                "delegate_user", "alice", "scopes", "repo-read"))));
        String agentToken = api.put("agent-registry/agents/ci-bot/token", "{}").auth().get("client_token").asText();
        Api.Res eph = api.as(agentToken).put("agent-registry/ephemeral-token", JSON.writeValueAsString(Map.of(
                "paths", Map.of("proxy/localhost/repos/obo", List.of("read")), "on_behalf_of", "alice")));
        assertThat(eph.status()).as(eph.toString()).isEqualTo(200);
        String token = eph.auth().get("client_token").asText();

        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
            c.startTls("localhost", TestCa.trusting(caPem));
            RawProxyClient.Response r = c.request("GET", "/repos/obo", "localhost:" + up.port(), null, null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        List<JsonNode> es = proxyEntries().stream().filter(e -> e.at("/av/proxy/path").asText().equals("/repos/obo")).toList();
        assertThat(es).extracting(e -> e.get("type").asText()).containsExactly("request", "response");
        for (JsonNode e : es) {
            assertThat(e.at("/auth/client_token").asText()).isEqualTo(hash(token));
            assertThat(e.at("/av/agent").asText()).isEqualTo("ci-bot");
            assertThat(e.at("/av/delegate").asText()).isEqualTo("alice");
            assertThat(e.at("/av/delegation_id").asText()).isEqualTo("d-1");
            assertThat(e.at("/av/consent_scopes").toString()).contains("repo-read");
            assertThat(e.at("/av/ephemeral_token_accessor").asText()).startsWith("hmac-sha256:")
                    .isEqualTo(e.at("/auth/accessor").asText());
            assertThat(e.at("/av/decision/allowed").asBoolean()).isTrue();
            assertThat(e.at("/av/decision/granting_acl_policies").isArray()).isTrue();
            assertThat(e.at("/av/decision/granting_acl_policies").size()).isPositive();
        }
        assertThat(Files.readString(log)).doesNotContain(token).doesNotContain(agentToken).doesNotContain(SECRET);
    }

    @Test
    void aProxiedRequestThatCannotBeAuditedIsNotForwarded() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        Path link = dir.resolve("link.log");
        Files.createSymbolicLink(link, dir.resolve("real.log"));
        assertThat(api.delete("sys/audit/file").status()).isEqualTo(204);
        assertThat(api.put("sys/audit/file", JSON.writeValueAsString(Map.of("type", "file",
                "options", Map.of("file_path", link.toString())))).status()).isEqualTo(204);
        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("/dev/full"));
        av.bean(AuditService.class).broker().reopen();
        try (RawProxyClient c = RawProxyClient.open(proxyPort)) {
            RawProxyClient.Response connect = c.connect("localhost:" + up.port(), av.rootToken());
            if (connect.status() == 200) {
                c.startTls("localhost", TestCa.trusting(caPem));
                RawProxyClient.Response r = c.request("GET", "/repos/y", "localhost:" + up.port(), null, null);
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.body()).contains("audit_unavailable");
            } else {
                assertThat(connect.status()).isEqualTo(503);
            }
        }
        // nothing reached the upstream: the scripted upstream fails when no request arrives
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> up.takeRequest(Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no request");
    }
}
