package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DevServerSmokeTest {

    static AvServer av;
    static Api api;

    @BeforeAll
    static void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0").build());
        api = new Api(av.apiAddress(), av.rootToken());
    }

    @AfterAll
    static void stop() {
        av.close();
    }

    @Test
    void healthAnswersWithoutTokenInVaultsShape() {
        Api.Res r = api.as(null).get("sys/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("initialized").asBoolean()).isTrue();
        assertThat(r.json().get("sealed").asBoolean()).isFalse();
    }

    @Test
    void rootTokenLooksItselfUp() {
        Api.Res r = api.get("auth/token/lookup-self");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.data().get("policies").get(0).asText()).isEqualTo("root");
        assertThat(r.data().get("id").asText()).isEqualTo("root");
        assertThat(r.json().get("mount_type").asText()).isEqualTo("token");
    }

    @Test
    void devModeHasTheSecretMount() {
        Api.Res r = api.get("sys/mounts");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.data().get("secret/").get("type").asText()).isEqualTo("kv");
        assertThat(r.data().get("secret/").get("options").get("version").asText()).isEqualTo("2");
    }

    @Test
    void listMethodAndListQueryAreTheSame() {
        api.put("sys/policies/acl/p1", "{\"policy\":\"path \\\"secret/*\\\" { capabilities = [\\\"read\\\"] }\"}");
        Api.Res a = api.list("sys/policies/acl");
        Api.Res b = api.get("sys/policies/acl?list=true");
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.data()).isEqualTo(b.data());
        assertThat(a.data().get("keys").toString()).contains("p1", "default", "root");
    }

    @Test
    void unknownPathIs404WithErrors() {
        Api.Res r = api.get("nope/x");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).contains("no handler for route");
    }

    @Test
    void missingTokenIsDenied() {
        Api.Res r = api.as(null).get("auth/token/lookup-self");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.error()).isEqualTo("permission denied");
    }
}
