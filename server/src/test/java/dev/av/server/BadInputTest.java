package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.token.TokenStore;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets a clear Vault error with the right status, and changes nothing. */
class BadInputTest {

    static AvServer av;
    static Api root;

    @BeforeAll
    static void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").maxRequestBytes(64 * 1024).build());
        root = new Api(av.apiAddress(), av.rootToken());
    }

    @AfterAll
    static void stop() {
        av.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("malformed JSON", "POST", "auth/token/create", "{\"policies\":", 400, "failed to parse JSON"),
                Arguments.of("JSON array body", "POST", "auth/token/create", "[1,2]", 400, "must be a JSON object"),
                Arguments.of("duplicate keys", "POST", "auth/token/create", "{\"ttl\":\"1h\",\"ttl\":\"2h\"}", 400, "failed to parse JSON"),
                Arguments.of("trailing garbage", "POST", "auth/token/create", "{} {}", 400, "failed to parse JSON"),
                Arguments.of("wrong type num_uses", "POST", "auth/token/create", "{\"num_uses\":\"many\"}", 400, "\"num_uses\""),
                Arguments.of("wrong type policies", "POST", "auth/token/create", "{\"policies\":5}", 400, "\"policies\""),
                Arguments.of("wrong type meta", "POST", "auth/token/create", "{\"meta\":{\"a\":1}}", 400, "\"meta\""),
                Arguments.of("wrong type renewable", "POST", "auth/token/create", "{\"renewable\":\"maybe\"}", 400, "\"renewable\""),
                Arguments.of("invalid duration", "POST", "auth/token/create", "{\"ttl\":\"5 fortnights\"}", 400, "invalid duration"),
                Arguments.of("negative num_uses", "POST", "auth/token/create", "{\"num_uses\":-1}", 400, "negative"),
                Arguments.of("bad cidr", "POST", "auth/token/create", "{\"bound_cidrs\":[\"300.1.1.1/8\"]}", 400, "bound_cidrs"),
                Arguments.of("empty segment", "GET", "sys//mounts", null, 400, "empty segment"),
                Arguments.of("dot-dot segment", "GET", "secret/data/../../sys/mounts", null, 400, "\"..\""),
                Arguments.of("encoded dot-dot", "GET", "secret/data/%2e%2e/x", null, 400, "\"..\""),
                Arguments.of("encoded slash", "GET", "secret/data/a%2Fb", null, 400, "encoded slash"),
                Arguments.of("unknown path", "GET", "nowhere/at/all", null, 404, "no handler for route"),
                Arguments.of("unknown sys path", "GET", "sys/nothing-here", null, 404, "no handler for route"),
                Arguments.of("unknown token path", "POST", "auth/token/frobnicate", "{}", 404, "no handler for route"),
                Arguments.of("policy without text", "PUT", "sys/policies/acl/x", "{}", 400, "missing required field"),
                Arguments.of("invalid policy", "PUT", "sys/policies/acl/x", "{\"policy\":\"path \\\"a\\\" { capabilities = [\\\"fly\\\"] }\"}", 400, "fly"),
                Arguments.of("invalid policy name", "PUT", "sys/policies/acl/Bad%20Name", "{\"policy\":\"path \\\"a\\\" {capabilities=[\\\"read\\\"]}\"}", 400, "invalid policy name"),
                Arguments.of("root policy write", "PUT", "sys/policies/acl/root", "{\"policy\":\"path \\\"a\\\" {capabilities=[\\\"read\\\"]}\"}", 400, "root"),
                Arguments.of("default policy delete", "DELETE", "sys/policies/acl/default", null, 400, "cannot delete"),
                Arguments.of("mount unknown type", "POST", "sys/mounts/foo", "{\"type\":\"nope\"}", 400, "unknown mount type"),
                Arguments.of("mount over sys", "POST", "sys/mounts/sys/x", "{\"type\":\"kv\"}", 400, "reserved"),
                Arguments.of("mount over existing", "POST", "sys/mounts/secret/inner", "{\"type\":\"kv\"}", 400, "already in use"),
                Arguments.of("mount without type", "POST", "sys/mounts/foo", "{}", 400, "missing required field"),
                Arguments.of("unsupported method on path", "DELETE", "sys/health", null, 405, "unsupported operation"),
                Arguments.of("PATCH without merge-patch", "PATCH", "auth/token/create", "{}", 400, "merge-patch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsRefusedClearlyAndChangesNothing(String name, String method, String path, String body,
                                                  int status, String message) {
        int tokensBefore = av.bean(TokenStore.class).count();
        String policiesBefore = root.list("sys/policies/acl").data().toString();
        String mountsBefore = root.get("sys/mounts").data().toString();
        Api.Res r = root.send(method, path, body, body == null ? null : "application/json");
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("errors").isArray()).isTrue();
        assertThat(r.error()).contains(message);
        assertThat(av.bean(TokenStore.class).count()).isEqualTo(tokensBefore);
        assertThat(root.list("sys/policies/acl").data().toString()).isEqualTo(policiesBefore);
        assertThat(root.get("sys/mounts").data().toString()).isEqualTo(mountsBefore);
    }

    @Test
    void oversizedBodyIsRefusedWith413() {
        String big = "{\"meta\":{\"a\":\"" + "x".repeat(200 * 1024) + "\"}}";
        int before = av.bean(TokenStore.class).count();
        Api.Res r = root.post("auth/token/create", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).contains("larger than the server's limit");
        assertThat(av.bean(TokenStore.class).count()).isEqualTo(before);
    }

    @Test
    void healthAnswersWhateverStatusTheCallerAsksFor() {
        assertThat(root.as(null).get("sys/health?activecode=299").status()).isEqualTo(299);
        assertThat(root.as(null).get("sys/health?activecode=9999").status()).isEqualTo(400);
    }

    @Test
    void unknownOrMalformedTokenIsDeniedWithoutEcho() {
        Api.Res r = root.as("avs.this-token-does-not-exist").get("auth/token/lookup-self");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("this-token-does-not-exist");
        assertThat(root.as("x".repeat(5000)).get("auth/token/lookup-self").status()).isEqualTo(403);
    }

    @Test
    void secretValuesInBadRequestsAreNotEchoed() {
        Api.Res r = root.post("auth/token/create", "{\"ttl\":\"hunter2-secret\"}");
        assertThat(r.status()).isEqualTo(400);
        Api.Res j = root.post("auth/token/create", "{\"password\": hunter2}");
        assertThat(j.status()).isEqualTo(400);
        assertThat(j.body()).doesNotContain("hunter2");
    }
}
