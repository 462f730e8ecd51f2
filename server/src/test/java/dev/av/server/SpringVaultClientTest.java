package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.Policy;
import org.springframework.vault.support.VaultHealth;
import org.springframework.vault.support.VaultMount;
import org.springframework.vault.support.VaultToken;
import org.springframework.vault.support.VaultTokenRequest;
import org.springframework.vault.support.VaultTokenResponse;

/** spring-vault's VaultTemplate, an existing Vault client, on av's sys and token paths. */
class SpringVaultClientTest {

    static AvServer av;
    static VaultTemplate vault;

    @BeforeAll
    static void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build());
        vault = new VaultTemplate(VaultEndpoint.from(URI.create(av.apiAddress())),
                new TokenAuthentication(av.rootToken()));
    }

    @AfterAll
    static void stop() {
        av.close();
    }

    @Test
    void healthAndMountsReadLikeVaults() {
        VaultHealth health = vault.opsForSys().health();
        assertThat(health.isInitialized()).isTrue();
        assertThat(health.isSealed()).isFalse();
        assertThat(vault.opsForSys().getMounts()).containsKey("secret/");
        assertThat(vault.opsForSys().isInitialized()).isTrue();
    }

    @Test
    void mountsAreEnabledAndDisabled() {
        vault.opsForSys().mount("other", VaultMount.builder().type("kv").options(java.util.Map.of("version", "2")).build());
        assertThat(vault.opsForSys().getMounts()).containsKey("other/");
        vault.opsForSys().unmount("other");
        assertThat(vault.opsForSys().getMounts()).doesNotContainKey("other/");
    }

    @Test
    void policiesRoundTripThroughTheLegacyEndpoint() {
        Policy policy = Policy.of(Policy.Rule.builder().path("secret/data/app/*")
                .capabilities(Policy.BuiltinCapabilities.READ, Policy.BuiltinCapabilities.LIST).build());
        vault.opsForSys().createOrUpdatePolicy("spring-app", policy);
        Policy back = vault.opsForSys().getPolicy("spring-app");
        assertThat(back.getRule("secret/data/app/*")).isNotNull();
        assertThat(vault.opsForSys().getPolicyNames()).contains("spring-app", "default", "root");
        vault.opsForSys().deletePolicy("spring-app");
        assertThat(vault.opsForSys().getPolicyNames()).doesNotContain("spring-app");
    }

    @Test
    void tokensAreCreatedRenewedAndRevoked() {
        VaultTokenResponse created = vault.opsForToken().create(VaultTokenRequest.builder()
                .withPolicy("default").ttl(Duration.ofMinutes(30)).displayName("spring").renewable().build());
        VaultToken token = created.getToken();
        assertThat(token.getToken()).startsWith("avs.");
        assertThat(created.getAuth().get("lease_duration")).isEqualTo(1800);
        VaultTokenResponse renewed = vault.opsForToken().renew(token);
        assertThat(renewed.getAuth().get("renewable")).isEqualTo(true);
        vault.opsForToken().revoke(token);
        VaultTemplate asRevoked = new VaultTemplate(VaultEndpoint.from(URI.create(av.apiAddress())),
                new TokenAuthentication(token));
        assertThatThrownBy(() -> asRevoked.read("auth/token/lookup-self"))
                .hasMessageContaining("permission denied");
    }
}
