package dev.av.server.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.core.VaultVersionedKeyValueOperations;
import org.springframework.vault.support.Versioned;

/** spring-vault's own client ({@code VaultTemplate.opsForVersionedKeyValue}) against av's KV v2. */
class KvSpringVaultTest {

    private static AvServer server;
    private static VaultVersionedKeyValueOperations kv;
    private static VaultTemplate template;

    @BeforeAll
    static void start() {
        server = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0")
                .proxyListenAddress("127.0.0.1:0").build());
        template = new VaultTemplate(VaultEndpoint.from(URI.create(server.apiAddress())),
                new TokenAuthentication(server.rootToken()));
        kv = template.opsForVersionedKeyValue("secret");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void putGetAndVersionsWorkThroughVaultTemplate() {
        Versioned.Metadata first = kv.put("spring/app", Map.of("password", "one"));
        assertThat(first.getVersion().getVersion()).isEqualTo(1);
        kv.put("spring/app", Map.of("password", "two"));

        Versioned<Map<String, Object>> latest = kv.get("spring/app");
        assertThat(latest.getRequiredData()).containsEntry("password", "two");
        assertThat(latest.getVersion().getVersion()).isEqualTo(2);
        Versioned<Map<String, Object>> v1 = kv.get("spring/app", Versioned.Version.from(1));
        assertThat(v1.getRequiredData()).containsEntry("password", "one");
        assertThat(kv.get("spring/never-written")).isNull();
    }

    @Test
    void checkAndSetThroughVersionedPutIsEnforced() {
        kv.put("spring/cas", Versioned.create(Map.of("v", "1"), Versioned.Version.unversioned()));
        assertThatThrownBy(() -> kv.put("spring/cas", Versioned.create(Map.of("v", "x"), Versioned.Version.from(7))))
                .hasMessageContaining("check-and-set parameter did not match the current version");
        assertThat(kv.get("spring/cas").getRequiredData()).containsEntry("v", "1");
    }

    @Test
    void deleteAndUndeleteVersionsThroughVaultTemplate() {
        kv.put("spring/del", Map.of("v", "1"));
        kv.put("spring/del", Map.of("v", "2"));
        kv.delete("spring/del", Versioned.Version.from(2));
        Versioned<Map<String, Object>> deleted = kv.get("spring/del");
        assertThat(deleted == null || !deleted.hasData()).isTrue();

        kv.undelete("spring/del", Versioned.Version.from(2));
        assertThat(kv.get("spring/del").getRequiredData()).containsEntry("v", "2");

        kv.destroy("spring/del", Versioned.Version.from(1));
        Versioned<Map<String, Object>> destroyed = kv.get("spring/del", Versioned.Version.from(1));
        assertThat(destroyed == null || !destroyed.hasData()).isTrue();
        assertThat(kv.get("spring/del").getRequiredData()).containsEntry("v", "2");
    }

    @Test
    void listShowsKeysAndFolders() {
        kv.put("spring/list/a", Map.of("v", "1"));
        kv.put("spring/list/b/c", Map.of("v", "1"));
        List<String> keys = kv.list("spring/list");
        assertThat(keys).containsExactly("a", "b/");
    }
}
