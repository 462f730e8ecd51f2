package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.keyring.Barrier;
import dev.av.registry.keyring.KdfParams;
import dev.av.registry.storage.StorageSettings;
import dev.av.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Write tokens, policies and sealed data; stop; start; unseal; read everything back. H2 files and PostgreSQL. */
class RestartTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void stateSurvivesARestartAndNeedsTheUnsealKey(TestDatabase.Kind kind) throws Exception {
        TestDatabase pg = kind == TestDatabase.Kind.POSTGRES ? TestDatabase.postgres() : null;
        try {
            StorageSettings storage = pg != null ? StorageSettings.postgres(pg.jdbcUrl(), pg.user(), "")
                    : StorageSettings.h2Files(dir);
            ServerConfig config = ServerConfig.builder().listenAddress("127.0.0.1:0").kdf(KdfParams.DEV)
                    .storage(storage).build();
            String unsealKey;
            String rootToken;
            String childToken;
            byte[] ciphertext;
            try (AvServer av = AvServer.start(config)) {
                Api anon = new Api(av.apiAddress(), null);
                Api.Res init = anon.put("sys/init", "{}");
                unsealKey = init.json().get("keys").get(0).asText();
                rootToken = init.json().get("root_token").asText();
                assertThat(anon.put("sys/unseal", "{\"key\":\"" + unsealKey + "\"}").status()).isEqualTo(200);
                Api root = anon.as(rootToken);
                assertThat(root.put("sys/policies/acl/app", "{\"policy\":\"path \\\"auth/token/lookup-self\\\" "
                        + "{ capabilities = [\\\"read\\\"] }\"}").status()).isEqualTo(204);
                Api.Res child = root.post("auth/token/create", "{\"policies\":[\"app\"],\"ttl\":\"2h\",\"meta\":{\"k\":\"v\"}}");
                childToken = child.auth().get("client_token").asText();
                ciphertext = av.bean(Barrier.class).encrypt("restart", "x", 1, "sealed value".getBytes(StandardCharsets.UTF_8));
            }
            if (pg == null) {
                assertThat(Files.list(dir).map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("av"));
            }
            // restart without the key: sealed until unsealed over the API
            try (AvServer av = AvServer.start(config)) {
                Api anon = new Api(av.apiAddress(), null);
                assertThat(anon.get("sys/seal-status").json().get("initialized").asBoolean()).isTrue();
                assertThat(anon.as(childToken).get("auth/token/lookup-self").status()).isEqualTo(503);
                assertThat(anon.put("sys/unseal", "{\"key\":\"" + unsealKey + "\"}").status()).isEqualTo(200);
                Api.Res self = anon.as(childToken).get("auth/token/lookup-self");
                assertThat(self.status()).as(self.toString()).isEqualTo(200);
                assertThat(self.data().get("meta")).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper()
                        .valueToTree(Map.of("k", "v")));
                assertThat(self.data().get("policies").toString()).isEqualTo("[\"app\",\"default\"]");
                Api.Res policy = anon.as(rootToken).get("sys/policies/acl/app");
                assertThat(policy.data().get("policy").asText()).contains("lookup-self");
                assertThat(new String(av.bean(Barrier.class).decrypt("restart", "x", 1, ciphertext),
                        StandardCharsets.UTF_8)).isEqualTo("sealed value");
            }
            // restart with the key configured (automation): unsealed at start
            try (AvServer av = AvServer.start(config.toBuilder().unsealKey(unsealKey).build())) {
                Api anon = new Api(av.apiAddress(), null);
                assertThat(anon.get("sys/health").status()).isEqualTo(200);
                assertThat(anon.as(rootToken).get("auth/token/lookup-self").status()).isEqualTo(200);
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }
}
