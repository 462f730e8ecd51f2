package dev.av.secrets.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.secrets.EngineRequest;
import dev.av.secrets.EngineResponse;
import dev.av.secrets.Migrations;
import dev.av.secrets.Operation;
import dev.av.secrets.TestSealer;
import dev.av.secrets.lease.LeaseManager;
import dev.av.testing.TestDatabase;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.vault.VaultContainer;

/**
 * The vault engine against a real HashiCorp Vault in a container. Runs where a Docker engine exists;
 * skipped cleanly elsewhere (the same engine is tested against a second av in the server module).
 */
@Testcontainers(disabledWithoutDocker = true)
class HashiCorpVaultContainerTest {

    @Container
    static final VaultContainer<?> VAULT = new VaultContainer<>("hashicorp/vault:1.18")
            .withVaultToken("root")
            .withInitCommand(
                    "kv put secret/app api_key=k-123",
                    "secrets enable -path=kv1 -version=1 kv",
                    "kv put kv1/app api_key=v1-456",
                    "auth enable approle",
                    "write auth/approle/role/av token_policies=root token_ttl=1h",
                    "write auth/approle/role/av/role-id role_id=av-role",
                    "write auth/approle/role/av/custom-secret-id secret_id=av-secret");

    private static EngineResponse read(VaultEngine engine, String path) {
        return engine.handle(EngineRequest.of(Operation.READ, path, Map.of(), "tok"));
    }

    @Test
    void kvVersionTwoAndOneAreDetectedAndReadWithATokenAndWithAppRole() {
        try (TestDatabase db = TestDatabase.h2()) {
            Migrations.apply(db.dataSource());
            LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), Clock.systemUTC());
            try (VaultEngine engine = new VaultEngine("corp", "u1", db.dataSource(), TestSealer.shared(), leases,
                    UpstreamEvents.NONE)) {
                engine.handle(EngineRequest.of(Operation.UPDATE, "config",
                        Map.of("address", VAULT.getHttpHostAddress(), "token", "root"), null));
                assertThat(read(engine, "secret/app").data()).containsEntry("api_key", "k-123");
                assertThat(read(engine, "kv1/app").data()).containsEntry("api_key", "v1-456");
            }
            try (VaultEngine engine = new VaultEngine("approle", "u2", db.dataSource(), TestSealer.shared(), leases,
                    UpstreamEvents.NONE)) {
                engine.handle(EngineRequest.of(Operation.UPDATE, "config", Map.of("address", VAULT.getHttpHostAddress(),
                        "auth_method", "approle", "role_id", "av-role", "secret_id", "av-secret"), null));
                assertThat(read(engine, "secret/app").data()).containsEntry("api_key", "k-123");
            }
        }
    }
}
