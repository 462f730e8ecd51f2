package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceRuleTest {

    private static ServiceRule rule(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return ServiceRule.fromMap("svc", m);
    }

    @Test
    void wildcardMatchesExactlyOneLeadingLabel() {
        ServiceRule r = rule("host", "*.example.com", "credential", "secret/data/x#token");
        assertThat(r.matchesHost("api.example.com")).isTrue();
        assertThat(r.matchesHost("a.b.example.com")).isFalse();
        assertThat(r.matchesHost("example.com")).isFalse();
        assertThat(r.matchesHost("evilexample.com")).isFalse();
    }

    @Test
    void defaultsAreHttpsPort443AndBearer() {
        ServiceRule r = rule("host", "API.GitHub.com", "credential", "secret/data/github#token");
        assertThat(r.host()).isEqualTo("api.github.com");
        assertThat(r.port()).isEqualTo(443);
        assertThat(r.scheme()).isEqualTo("https");
        assertThat(r.auth()).isEqualTo(AuthType.BEARER);
        assertThat(r.credential()).isEqualTo(new CredentialRef("secret/data/github", "token"));
    }

    @Test
    void theApiFormRoundTrips() {
        ServiceRule r = rule("host", "api.example.com", "port", 8443, "methods", "get,post", "paths", List.of("/v1/*"),
                "auth", "template", "template", "token {{ credential }}", "credential", "kv/data/x#t",
                "substitutions", List.of(Map.of("placeholder", "__X_TOKEN__", "credential", "kv/data/x#t", "surfaces", List.of("body", "path"))));
        assertThat(ServiceRule.fromMap("svc", r.toMap())).isEqualTo(r);
        assertThat(r.methods()).containsExactlyInAnyOrder("GET", "POST");
    }

    @Test
    void invalidServicesAreRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> rule("credential", "a#b")).isInstanceOf(AvException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> rule("host", "*.com", "credential", "a#b")).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> rule("host", "a.*.com", "credential", "a#b")).hasMessageContaining("host");
        assertThatThrownBy(() -> rule("host", "h.com", "scheme", "http", "credential", "a#b")).hasMessageContaining("allow_plaintext");
        assertThatThrownBy(() -> rule("host", "h.com", "credential", "secret/data/github")).hasMessageContaining("#");
        assertThatThrownBy(() -> rule("host", "h.com")).hasMessageContaining("credential");
        assertThatThrownBy(() -> rule("host", "h.com", "auth", "basic", "credential", "a#b")).hasMessageContaining("username_credential");
        assertThatThrownBy(() -> rule("host", "h.com", "auth", "header", "credential", "a#b")).hasMessageContaining("header");
        assertThatThrownBy(() -> rule("host", "h.com", "auth", "header", "header", "Proxy-Authorization", "credential", "a#b"))
                .hasMessageContaining("hop-by-hop");
        assertThatThrownBy(() -> rule("host", "h.com", "auth", "template", "template", "x", "credential", "a#b")).hasMessageContaining("{{ credential }}");
        assertThatThrownBy(() -> rule("host", "h.com", "port", 70000, "credential", "a#b")).hasMessageContaining("port");
        assertThatThrownBy(() -> rule("host", "h.com", "paths", List.of("/a/../b"), "credential", "a#b")).hasMessageContaining("paths");
        assertThatThrownBy(() -> rule("host", "h.com", "credential", "a#b", "upstream_ca", "not pem")).hasMessageContaining("upstream_ca");
        assertThatThrownBy(() -> rule("host", "h.com", "credential", "a#b", "colour", "blue")).hasMessageContaining("colour");
        assertThatThrownBy(() -> rule("host", "h.com", "auth", "passthrough", "substitutions",
                List.of(Map.of("placeholder", "TOKEN", "credential", "a#b")))).hasMessageContaining("__NAME__");
    }

    @Test
    void settingsParseDurationsAndRanges() {
        ProxySettings s = ProxySettings.fromMap(ProxySettings.DEFAULTS, Map.of("unmatched_hosts", "tunnel",
                "tunnel_hosts", "*.internal.example", "upstream_allow_cidrs", List.of("127.0.0.0/8"), "connect_timeout", "3s"));
        assertThat(s.unmatchedHosts()).isEqualTo("tunnel");
        assertThat(s.connectTimeout()).hasSeconds(3);
        assertThat(s.toMap().get("upstream_allow_cidrs")).isEqualTo(List.of("127.0.0.0/8"));
        assertThatThrownBy(() -> ProxySettings.fromMap(ProxySettings.DEFAULTS, Map.of("unmatched_hosts", "allow")))
                .hasMessageContaining("deny or tunnel");
        assertThatThrownBy(() -> ProxySettings.fromMap(ProxySettings.DEFAULTS, Map.of("upstream_allow_cidrs", "10.0.0.0/33")))
                .hasMessageContaining("CIDR");
    }
}
