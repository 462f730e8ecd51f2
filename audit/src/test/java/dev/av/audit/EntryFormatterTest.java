package dev.av.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.core.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // Values that must never appear in clear in any entry.
    private static final List<String> SECRETS = List.of("s3cr3t-client-token", "s3cr3t-accessor", "hunter2-password",
            "s3cr3t-nested-in-list", "s3cr3t-new-token", "s3cr3t-new-accessor", "s3cr3t-wrap-token",
            "s3cr3t-header-value", "s3cr3t-query", "s3cr3t-response-value", "s3cr3t-ephemeral-accessor",
            "s3cr3t-secret-type", "s3cr3t-wrapped-accessor");

    static AuditEvent oboRequestWithSecrets() {
        return AuditEvent.request("req-1")
                .time(Instant.parse("2026-05-20T10:11:12.123456789Z"))
                .auth(new AuditEvent.Auth("s3cr3t-client-token", "s3cr3t-accessor", "agent-ci-bot",
                        List.of("default", "dev"), List.of("default", "dev"), List.of(), Map.of("team", "infra"),
                        "ent-1", "service", 3600, Instant.parse("2026-05-20T10:00:00Z")))
                .actor(new AuditEvent.Actor("ephemeral", "ci-bot", "alice", "del-42", List.of("repo:read"),
                        "s3cr3t-ephemeral-accessor"))
                .decision(AuditEvent.Decision.allow(List.of("dev")))
                .operation("update").path("secret/data/app").mount("secret/", "kv", "kv_8010ac81")
                .requestData(Map.of("data", Map.of("password", "hunter2-password", "list",
                        List.of("s3cr3t-nested-in-list", 7, true)), "typed", Secret.of("s3cr3t-secret-type")))
                .remote("10.0.0.5", 51234)
                .requestHeaders(Map.of("X-Correlation-Id", List.of("s3cr3t-header-value")))
                .proxy(ProxyRequestInfo.before("GET", "api.github.com", 443, "/repos/x", "token=s3cr3t-query", "github"))
                .build();
    }

    static AuditEvent responseWithSecrets(AuditEvent request) {
        return request.toResponse()
                .time(Instant.parse("2026-05-20T10:11:12.2Z"))
                .responseData(Map.of("value", "s3cr3t-response-value", "count", 3))
                .responseAuth(new AuditEvent.ResponseAuth("s3cr3t-new-token", "s3cr3t-new-accessor", "eph",
                        List.of("default"), 60, "service", Map.of()))
                .wrapInfo(new AuditEvent.WrapInfo(300, "s3cr3t-wrap-token", "s3cr3t-accessor", Instant.EPOCH,
                        "secret/data/app", "s3cr3t-wrapped-accessor"))
                .proxy(request.proxy().after(200, 120, 4096))
                .statusCode(200)
                .build();
    }

    @Test
    void requestEntryHasVaultsShapeAndAvsAdditions() throws Exception {
        EntryFormatter f = new EntryFormatter(AuditHasher.withSalt("foo"), false, true, false);
        JsonNode e = JSON.readTree(f.format(oboRequestWithSecrets()));
        assertThat(e.fieldNames()).toIterable().startsWith("time", "type", "auth", "request", "error");
        assertThat(e.get("time").asText()).isEqualTo("2026-05-20T10:11:12.123456789Z");
        assertThat(e.get("type").asText()).isEqualTo("request");
        assertThat(e.at("/auth/client_token").asText()).isEqualTo(AuditHasher.withSalt("foo").hash("s3cr3t-client-token"));
        assertThat(e.at("/auth/policy_results/allowed").asBoolean()).isTrue();
        assertThat(e.at("/auth/policy_results/granting_policies/0/name").asText()).isEqualTo("dev");
        assertThat(e.at("/request/path").asText()).isEqualTo("secret/data/app");
        assertThat(e.at("/request/mount_type").asText()).isEqualTo("kv");
        assertThat(e.at("/request/data/data/password").asText()).startsWith("hmac-sha256:");
        assertThat(e.at("/request/data/data/list/1").asInt()).isEqualTo(7);
        assertThat(e.at("/request/data/data/list/2").asBoolean()).isTrue();
        assertThat(e.at("/request/remote_port").asInt()).isEqualTo(51234);
        assertThat(e.at("/av/agent").asText()).isEqualTo("ci-bot");
        assertThat(e.at("/av/delegate").asText()).isEqualTo("alice");
        assertThat(e.at("/av/consent_scopes/0").asText()).isEqualTo("repo:read");
        assertThat(e.at("/av/ephemeral_token_accessor").asText()).startsWith("hmac-sha256:");
        assertThat(e.at("/av/decision/granting_acl_policies/0").asText()).isEqualTo("dev");
        assertThat(e.at("/av/proxy/host").asText()).isEqualTo("api.github.com");
        assertThat(e.at("/av/proxy/service").asText()).isEqualTo("github");
        assertThat(e.at("/av/proxy/query").asText()).startsWith("hmac-sha256:");
    }

    @Test
    void deniedEntryNamesTheForbiddingCedarPolicies() throws Exception {
        EntryFormatter f = new EntryFormatter(AuditHasher.withSalt("foo"), false, true, false);
        AuditEvent denied = AuditEvent.request("r").operation("read").path("secret/data/x")
                .decision(AuditEvent.Decision.deny("cedar forbids", List.of("no-prod-after-hours")))
                .error("permission denied").build();
        JsonNode e = JSON.readTree(f.format(denied.toResponse().statusCode(403).build()));
        assertThat(e.at("/auth/policy_results/allowed").asBoolean()).isFalse();
        assertThat(e.at("/auth/policy_results/allowed").isMissingNode()).isFalse();
        assertThat(e.at("/av/decision/forbidding_cedar_policies/0").asText()).isEqualTo("no-prod-after-hours");
        assertThat(e.at("/error").asText()).isEqualTo("permission denied");
        assertThat(e.at("/response").isObject()).isTrue();
    }

    @Test
    void noInjectedSecretAppearsInAnyEntryWrittenToAFile(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("audit.log");
        AuditBroker broker = new AuditBroker(java.time.Clock.systemUTC());
        broker.enable(Devices.file("file", log, Map.of("checkpoint_entries", "1")));
        AuditEvent req = oboRequestWithSecrets();
        broker.logRequest(req);
        broker.logResponse(responseWithSecrets(req));
        broker.record(AuditEvent.request("adm").auth(AuditEvent.Auth.of("s3cr3t-client-token", "s3cr3t-accessor",
                        "root", List.of("root"))).operation("update").path("sys/policies/acl/dev")
                .admin(new AuditEvent.AdminAction("update", "acl_policy", "dev")).build());
        broker.close();
        String all = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(all.lines().count()).isGreaterThanOrEqualTo(3);
        for (String secret : SECRETS) {
            assertThat(all).as("entries must not contain %s", secret).doesNotContain(secret);
        }
        assertThat(all).contains("\"admin\":{\"action\":\"update\",\"object_type\":\"acl_policy\",\"target\":\"dev\"");
        assertThat(all).contains("\"display_name\":\"root\"");
    }

    @Test
    void logRawLeavesValuesInClearAndHmacAccessorFalseLeavesAccessorsInClear() throws Exception {
        EntryFormatter raw = new EntryFormatter(AuditHasher.withSalt("foo"), true, true, false);
        assertThat(new String(raw.format(oboRequestWithSecrets()), StandardCharsets.UTF_8))
                .contains("hunter2-password", "s3cr3t-client-token");
        EntryFormatter plainAccessor = new EntryFormatter(AuditHasher.withSalt("foo"), false, false, false);
        JsonNode e = JSON.readTree(plainAccessor.format(oboRequestWithSecrets()));
        assertThat(e.at("/auth/accessor").asText()).isEqualTo("s3cr3t-accessor");
        assertThat(e.at("/auth/client_token").asText()).startsWith("hmac-sha256:");
    }

    @Test
    void elideListResponsesReplacesKeysWithTheirCount() throws Exception {
        EntryFormatter f = new EntryFormatter(AuditHasher.withSalt("foo"), false, true, true);
        AuditEvent list = AuditEvent.request("r").operation("list").path("secret/metadata/").build().toResponse()
                .responseData(Map.of("keys", List.of("a", "b", "c"), "key_info", Map.of("a", 1))).build();
        JsonNode e = JSON.readTree(f.format(list));
        assertThat(e.at("/response/data/keys").asInt()).isEqualTo(3);
        assertThat(e.at("/response/data/key_info").asInt()).isEqualTo(1);
    }

    @Test
    void nonHmacKeysOfTheMountStayInClear() throws Exception {
        EntryFormatter f = new EntryFormatter(AuditHasher.withSalt("foo"), false, true, false);
        AuditEvent e = AuditEvent.request("r").operation("update").path("secret/data/x")
                .requestData(Map.of("ttl", "1h", "password", "p")).nonHmacRequestKeys(List.of("ttl")).build();
        JsonNode n = JSON.readTree(f.format(e));
        assertThat(n.at("/request/data/ttl").asText()).isEqualTo("1h");
        assertThat(n.at("/request/data/password").asText()).startsWith("hmac-sha256:");
    }
}
