package dev.av.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.audit.chain.ChainFormat;
import dev.av.audit.chain.ChainVerifier;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit area through a real server and a real HTTP client. */
class AuditApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    AvServer av;

    record Res(int status, String body) {
        JsonNode json() {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError(body, e);
            }
        }
    }

    @BeforeEach
    void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build());
    }

    @AfterEach
    void stop() {
        av.close();
    }

    Res call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(av.apiAddress() + "/v1/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Vault-Token", token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Res(r.statusCode(), r.body());
    }

    Res root(String method, String path, String body) throws Exception {
        return call(method, path, av.rootToken(), body);
    }

    private Path enableFile(String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        Res r = root("PUT", "sys/audit/" + name, "{\"type\":\"file\",\"description\":\"main log\",\"options\":{\"file_path\":\""
                + log + "\",\"checkpoint_entries\":\"5\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        return log;
    }

    private static List<JsonNode> entries(Path log) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void enabledFileDeviceRecordsRequestAndResponseWithHmacAndNoSecretInClear() throws Exception {
        Path log = enableFile("file");
        Res list = root("GET", "sys/audit", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().at("/data/file~1/type").asText()).isEqualTo("file");
        assertThat(list.json().at("/data/file~1/options/file_path").asText()).isEqualTo(log.toString());

        String policy = "# hunter2-s3cr3t\\npath \\\"secret/data/app\\\" { capabilities = [\\\"read\\\"] }";
        Res put = root("PUT", "sys/policies/acl/app", "{\"policy\":\"" + policy + "\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(204);
        Res read = root("GET", "sys/policies/acl/app", null);
        assertThat(read.body()).contains("hunter2-s3cr3t");
        Res created = root("POST", "auth/token/create", "{\"policies\":[\"app\"]}");
        String token = created.json().at("/auth/client_token").asText();
        assertThat(token).isNotEmpty();

        String all = Files.readString(log);
        assertThat(all).doesNotContain("hunter2-s3cr3t").doesNotContain(av.rootToken()).doesNotContain(token);
        List<JsonNode> app = entries(log).stream()
                .filter(e -> "sys/policies/acl/app".equals(e.at("/request/path").asText())).toList();
        assertThat(app).extracting(e -> e.get("type").asText()).containsExactly("request", "response", "request", "response");
        assertThat(app.get(0).at("/request/data/policy").asText()).startsWith("hmac-sha256:");
        assertThat(app.get(3).at("/response/data/policy").asText()).startsWith("hmac-sha256:");
        assertThat(app.get(0).at("/auth/client_token").asText()).startsWith("hmac-sha256:");
        JsonNode tokenResponse = entries(log).stream().filter(e -> "auth/token/create".equals(e.at("/request/path").asText())
                && "response".equals(e.get("type").asText())).findFirst().orElseThrow();
        assertThat(tokenResponse.at("/response/auth/client_token").asText()).startsWith("hmac-sha256:");

        Res hash = root("POST", "sys/audit-hash/file", "{\"input\":\"" + token + "\"}");
        assertThat(hash.status()).as(hash.body()).isEqualTo(200);
        assertThat(tokenResponse.at("/response/auth/client_token").asText()).isEqualTo(hash.json().at("/data/hash").asText());
    }

    @Test
    void anEntryCarriesTheTtlTheCallersTokenWasGrantedNotTheTimeLeft() throws Exception {
        Path log = enableFile("ttl");
        Res created = root("POST", "auth/token/create", "{\"policies\":[\"default\"],\"ttl\":\"1h\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String token = created.json().at("/auth/client_token").asText();
        Thread.sleep(1100);   // the token has less than an hour left now
        assertThat(call("GET", "auth/token/lookup-self", token, null).status()).isEqualTo(200);
        JsonNode request = entries(log).stream().filter(e -> "auth/token/lookup-self".equals(e.at("/request/path").asText())
                && "request".equals(e.get("type").asText())).findFirst().orElseThrow();
        assertThat(request.at("/auth/token_ttl").asLong()).as("as Vault's token_ttl").isEqualTo(3600);
    }

    @Test
    void requestsWithoutAUsableTokenAreAuditedAsDenialsWithTheReason() throws Exception {
        Path log = enableFile("file");
        String guess = "hvs.not-a-token-at-all-0123456789";
        assertThat(call("GET", "secret/data/app", guess, null).status()).isEqualTo(403);
        assertThat(call("GET", "secret/data/app", null, null).status()).isEqualTo(403);
        Res once = root("POST", "auth/token/create", "{\"policies\":[\"default\"],\"num_uses\":1}");
        String single = once.json().at("/auth/client_token").asText();
        assertThat(call("GET", "auth/token/lookup-self", single, null).status()).isEqualTo(200);
        assertThat(call("GET", "auth/token/lookup-self", single, null).status()).isEqualTo(403);

        List<JsonNode> denials = entries(log).stream()
                .filter(e -> e.get("type").asText().equals("request") && !e.at("/av/decision/allowed").asBoolean(true))
                .toList();
        assertThat(denials).extracting(e -> e.at("/av/decision/reason").asText())
                .containsExactly("invalid or expired token", "missing client token", "invalid or expired token");
        assertThat(denials).allSatisfy(e -> assertThat(e.at("/error").asText()).isEqualTo("permission denied"));
        Res hash = root("POST", "sys/audit-hash/file", "{\"input\":\"" + guess + "\"}");
        assertThat(denials.getFirst().at("/auth/client_token").asText()).isEqualTo(hash.json().at("/data/hash").asText());
        assertThat(denials.get(1).at("/auth/client_token").isMissingNode()
                || denials.get(1).at("/auth/client_token").isNull()).isTrue();
        assertThat(Files.readString(log)).doesNotContain(guess).doesNotContain(single);
    }

    @Test
    void deniedRequestsAndAdminActionsAreAuditedWithWho() throws Exception {
        Path log = enableFile("file");
        Res policy = root("PUT", "sys/policies/acl/reader", "{\"policy\":\"path \\\"secret/data/other\\\" { capabilities = [\\\"read\\\"] }\"}");
        assertThat(policy.status()).as(policy.body()).isEqualTo(204);
        Res created = root("POST", "auth/token/create", "{\"policies\":[\"reader\"],\"display_name\":\"bob\"}");
        String bob = created.json().at("/auth/client_token").asText();
        Res denied = call("GET", "sys/mounts", bob, null);
        assertThat(denied.status()).isEqualTo(403);

        List<JsonNode> es = entries(log);
        JsonNode admin = es.stream().filter(e -> e.at("/av/admin/object_type").asText().equals("acl_policy")).findFirst()
                .orElseThrow();
        assertThat(admin.at("/av/admin/target").asText()).isEqualTo("reader");
        assertThat(admin.at("/av/admin/by/display_name").asText()).contains("root");
        List<JsonNode> deny = es.stream().filter(e -> e.at("/request/path").asText().equals("sys/mounts")).toList();
        assertThat(deny).extracting(e -> e.get("type").asText()).containsExactly("request", "response");
        assertThat(deny.getFirst().at("/auth/policy_results/allowed").asBoolean()).isFalse();
        assertThat(deny.getFirst().at("/error").asText()).isEqualTo("permission denied");
        assertThat(deny.getFirst().at("/auth/display_name").asText()).isEqualTo("token-bob");
        assertThat(Files.readString(log)).doesNotContain(bob);
    }

    @Test
    void aCedarDenialIsAuditedWithTheForbiddingCedarPolicyAndTheGrantingAclPolicy() throws Exception {
        Path log = enableFile("file");
        assertThat(root("PUT", "sys/policies/acl/blocked-reader",
                "{\"policy\":\"path \\\"secret/data/*\\\" { capabilities = [\\\"read\\\"] }\"}").status()).isEqualTo(204);
        Res forbid = root("PUT", "sys/policies/cedar/no-blocked", "{\"policy\":\"forbid(principal, action == Action::\\\"read\\\", "
                + "resource in Path::\\\"secret/data/blocked/\\\");\"}");
        assertThat(forbid.status()).as(forbid.body()).isEqualTo(204);
        try {
            String reader = root("POST", "auth/token/create", "{\"policies\":[\"blocked-reader\"]}").json()
                    .at("/auth/client_token").asText();
            assertThat(call("GET", "secret/data/blocked/x", reader, null).status()).isEqualTo(403);

            JsonNode entry = entries(log).stream().filter(e -> e.at("/request/path").asText().equals("secret/data/blocked/x")
                    && e.get("type").asText().equals("request")).findFirst().orElseThrow();
            assertThat(entry.at("/av/decision/allowed").asBoolean()).isFalse();
            assertThat(entry.at("/av/decision/forbidding_cedar_policies").toString()).contains("no-blocked");
            assertThat(entry.at("/av/decision/granting_acl_policies").toString()).contains("blocked-reader");
            assertThat(entry.at("/av/decision/reason").asText()).contains("Cedar");
        } finally {
            root("DELETE", "sys/policies/cedar/no-blocked", null);
        }
    }

    @Test
    void aDeviceThatCannotWriteRefusesRequestsBeforeTheyActAndRecoversAfterRotation() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        Path real = dir.resolve("real.log");
        Path link = dir.resolve("audit.log");
        Files.createSymbolicLink(link, real);
        Res r = root("PUT", "sys/audit/file", "{\"type\":\"file\",\"options\":{\"file_path\":\"" + link + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(204);

        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("/dev/full"));
        av.bean(AuditService.class).broker().reopen();
        Res refused = root("PUT", "sys/policies/acl/never", "{\"policy\":\"path \\\"x\\\" { capabilities = [\\\"read\\\"] }\"}");
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.body()).contains("no audit backend succeeded in logging the request");

        Files.delete(link);
        Files.createSymbolicLink(link, dir.resolve("rotated.log"));
        av.bean(AuditService.class).broker().reopen();
        Res missing = root("GET", "sys/policies/acl/never", null);
        assertThat(missing.status()).as("the refused write never happened").isEqualTo(404);
    }

    @Test
    void disablingWritesAFinalCheckpointAndTheFileVerifiesWithTheListedKey() throws Exception {
        Path log = enableFile("file");
        String key = root("GET", "sys/audit", null).json().at("/data/file~1/public_key").asText();
        for (int i = 0; i < 7; i++) {
            root("GET", "sys/mounts", null);
        }
        Res off = root("DELETE", "sys/audit/file", null);
        assertThat(off.status()).isEqualTo(204);
        assertThat(root("GET", "sys/audit", null).json().at("/data").size()).isZero();
        ChainVerifier.Report rep = ChainVerifier.verify(log, ChainFormat.decodePublicKey(key));
        assertThat(rep.brokenLink()).isNull();
        assertThat(rep.entries()).isGreaterThanOrEqualTo(14);
    }

    @Test
    void badDeviceConfigurationsAreRefusedWith400AndChangeNothing() throws Exception {
        Res noType = root("PUT", "sys/audit/x", "{\"options\":{}}");
        assertThat(noType.status()).isEqualTo(400);
        Res badOpt = root("PUT", "sys/audit/x", "{\"type\":\"file\",\"options\":{\"file_path\":\"" + dir.resolve("x.log")
                + "\",\"colour\":\"red\"}}");
        assertThat(badOpt.status()).isEqualTo(400);
        assertThat(badOpt.body()).contains("unknown option");
        assertThat(root("GET", "sys/audit", null).json().at("/data").size()).isZero();
        enableFile("file");
        Res twice = root("PUT", "sys/audit/file", "{\"type\":\"file\",\"options\":{\"file_path\":\"" + dir.resolve("y.log") + "\"}}");
        assertThat(twice.status()).isEqualTo(400);
    }

    @Test
    void sysAuditNeedsSudo() throws Exception {
        Res created = root("POST", "auth/token/create", "{\"policies\":[\"default\"]}");
        String plain = created.json().at("/auth/client_token").asText();
        assertThat(call("GET", "sys/audit", plain, null).status()).isEqualTo(403);
        assertThat(call("PUT", "sys/audit/x", plain, "{\"type\":\"file\",\"options\":{\"file_path\":\"/tmp/x\"}}").status())
                .isEqualTo(403);
    }

    @Test
    void tailReturnsRecentEntriesFilteredByDecision() throws Exception {
        enableFile("file");
        Res created = root("POST", "auth/token/create", "{\"policies\":[\"default\"]}");
        String plain = created.json().at("/auth/client_token").asText();
        call("GET", "sys/policies/acl/default", plain, null);
        Res tail = root("GET", "sys/audit-tail?last=5&decision=deny", null);
        assertThat(tail.status()).as(tail.body()).isEqualTo(200);
        JsonNode es = tail.json().at("/data/entries");
        assertThat(es.size()).isPositive();
        es.forEach(e -> assertThat(e.at("/auth/policy_results/allowed").asBoolean()).isFalse());
        long next = tail.json().at("/data/next").asLong();
        Res none = root("GET", "sys/audit-tail?after=" + next + "&wait=0s&decision=deny", null);
        assertThat(none.json().at("/data/entries").size()).isZero();
    }
}
