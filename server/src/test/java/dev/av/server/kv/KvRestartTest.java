package dev.av.server.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.keyring.KdfParams;
import dev.av.registry.storage.StorageSettings;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Secrets written before a stop are there after start and unseal: on H2 files and on PostgreSQL. */
class KvRestartTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void secretsSurviveStopStartAndUnseal(TestDatabase.Kind kind) {
        TestDatabase pg = kind == TestDatabase.Kind.POSTGRES ? TestDatabase.postgres() : null;
        try {
            StorageSettings storage = pg != null ? StorageSettings.postgres(pg.jdbcUrl(), pg.user(), "")
                    : StorageSettings.h2Files(temp.resolve("data"));
            ServerConfig config = ServerConfig.builder().listenAddress("127.0.0.1:0").proxyListenAddress("127.0.0.1:0")
                    .storage(storage).kdf(KdfParams.DEV).build();
            String key;
            String root;
            try (AvServer av = AvServer.start(config)) {
                Http anon = new Http(av.apiAddress(), null);
                Http.Reply init = anon.call("PUT", "sys/init", Map.of("secret_shares", 1, "secret_threshold", 1));
                key = ((List<?>) init.body().get("keys")).get(0).toString();
                root = init.body().get("root_token").toString();
                anon.call("PUT", "sys/unseal", Map.of("key", key));
                Http http = anon.withToken(root);
                assertThat(http.call("POST", "sys/mounts/secret", Map.of("type", "kv")).status()).isEqualTo(204);
                http.call("PUT", "secret/data/keep/db", Map.of("data", Map.of("password", "one")));
                http.call("PUT", "secret/data/keep/db", Map.of("data", Map.of("password", "two")));
                http.call("POST", "secret/metadata/keep/db", Map.of("custom_metadata", Map.of("owner", "ops")));
                http.call("DELETE", "secret/data/keep/db", null);
                http.call("POST", "secret/undelete/keep/db", Map.of("versions", List.of(2)));
            }
            try (AvServer av = AvServer.start(config)) {
                Http http = new Http(av.apiAddress(), root);
                assertThat(http.call("GET", "secret/data/keep/db", null).status()).as("sealed after start").isEqualTo(503);
                assertThat(http.call("PUT", "sys/unseal", Map.of("key", key)).status()).isEqualTo(200);
                Http.Reply latest = http.call("GET", "secret/data/keep/db", null);
                assertThat(latest.status()).isEqualTo(200);
                assertThat(latest.data().get("data")).isEqualTo(Map.of("password", "two"));
                assertThat(http.call("GET", "secret/data/keep/db?version=1", null).data().get("data"))
                        .isEqualTo(Map.of("password", "one"));
                Http.Reply meta = http.call("GET", "secret/metadata/keep/db", null);
                assertThat(meta.data()).containsEntry("current_version", 2)
                        .containsEntry("custom_metadata", Map.of("owner", "ops"));
                assertThat(http.call("LIST", "secret/metadata/keep", null).data().get("keys")).isEqualTo(List.of("db"));
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }
}
