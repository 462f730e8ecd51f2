package dev.av.secrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamConfigTest {

    @Test
    void aTokenConfigKeepsItsTokenOutOfResponsesAndToString() {
        UpstreamConfig c = UpstreamConfig.parse(Map.of("address", "https://vault.example.com:8200/", "token", "hvs.secret-token",
                "namespace", "team-a"), null);
        assertThat(c.address()).isEqualTo("https://vault.example.com:8200");
        assertThat(c.toResponse()).containsEntry("has_token", true).containsEntry("namespace", "team-a");
        assertThat(c.toResponse().toString()).doesNotContain("hvs.secret-token");
        assertThat(c.toString()).doesNotContain("hvs.secret-token");
        assertThat(c.toStored()).containsEntry("token", "hvs.secret-token");
    }

    @Test
    void anUpdateKeepsWhatItDoesNotChange() {
        UpstreamConfig first = UpstreamConfig.parse(Map.of("address", "http://a:8200", "token", "t1"), null);
        UpstreamConfig second = UpstreamConfig.parse(Map.of("namespace", "ns"), first);
        assertThat(second.token().reveal()).isEqualTo("t1");
        assertThat(second.address()).isEqualTo("http://a:8200");
        assertThat(second.namespace()).isEqualTo("ns");
    }

    @Test
    void badConfigsAreRefusedClearly() {
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("token", "t"), null))
                .isInstanceOf(AvException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("address", "ftp://x", "token", "t"), null))
                .isInstanceOf(AvException.class).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("address", "http://x:1"), null))
                .isInstanceOf(AvException.class).hasMessageContaining("needs \"token\"");
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("address", "http://x:1", "auth_method", "approle"), null))
                .isInstanceOf(AvException.class).hasMessageContaining("role_id");
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("address", "http://x:1", "auth_method", "kubernetes"), null))
                .isInstanceOf(AvException.class).hasMessageContaining("kubernetes_role");
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("address", "http://x:1", "token", "t", "ca_cert", "nope"), null))
                .isInstanceOf(AvException.class).hasMessageContaining("PEM");
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("address", "http://x:1", "token", "t", "bogus", "1"), null))
                .isInstanceOf(AvException.class).hasMessage("unknown field \"bogus\"");
        assertThatThrownBy(() -> UpstreamConfig.parse(Map.of("address", "http://x:1", "token", "t",
                "client_cert", "-----BEGIN CERTIFICATE-----"), null))
                .isInstanceOf(AvException.class).hasMessageContaining("go together");
    }
}
