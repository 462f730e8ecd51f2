package dev.av.policy.cedar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CedarPolicySetTest {

    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    static CedarRequest agentRequest(String action, String path) {
        return new CedarRequest(CedarRequest.Principal.agent("bot-1", "autonomous", Map.of("team", "payments")),
                action, action, path, NOW, "10.1.2.3", null, Set.of(), null, null);
    }

    @Test
    void theNativeLibraryLoads() {
        Cedar.ensureLoaded();
        assertThat(Cedar.languageVersion()).isNotBlank();
    }

    @Test
    void theDefaultSetPermitsEverythingWithoutCallingCedar() {
        CedarPolicySet set = CedarPolicySet.defaultSet();
        assertThat(set.isTriviallyPermitting()).isTrue();
        CedarDecision d = set.authorize(agentRequest("read", "secret/data/x"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.evaluated()).isFalse();
    }

    @Test
    void aForbidNamesItselfInTheDecision() {
        CedarPolicySet set = CedarPolicySet.compile(Map.of(
                "default", CedarPolicySet.DEFAULT_TEXT,
                "guardrails", """
                        // autonomous agents never delete
                        @id("no-autonomous-delete")
                        forbid(principal is Agent, action == Action::"delete", resource)
                        when { principal.agent_type == "autonomous" };

                        forbid(principal, action, resource in Path::"secret/data/prod/");
                        """));
        assertThat(set.isTriviallyPermitting()).isFalse();
        assertThat(set.policyIds()).containsExactly("default/0", "no-autonomous-delete", "guardrails/1");
        CedarDecision del = set.authorize(agentRequest("delete", "secret/data/x"));
        assertThat(del.allowed()).isFalse();
        assertThat(del.evaluated()).isTrue();
        assertThat(del.policyIds()).containsExactly("no-autonomous-delete");
        CedarDecision prod = set.authorize(agentRequest("read", "secret/data/prod/db"));
        assertThat(prod.allowed()).isFalse();
        assertThat(prod.policyIds()).containsExactly("guardrails/1");
        assertThat(set.authorize(agentRequest("read", "secret/data/dev/db")).allowed()).isTrue();
    }

    @Test
    void contextCarriesTagsScopesDelegateTimeAddressAndProxyFields() {
        CedarPolicySet set = CedarPolicySet.compile(Map.of("p", """
                permit(principal is Agent, action == Action::"read", resource in Service::"api.github.com")
                when {
                  principal.hasTag("team") && principal.getTag("team") == "payments" &&
                  context has delegate && context.delegate == "alice" &&
                  context.scopes.contains("repo:read") &&
                  context has remote_addr && context.remote_addr.isInRange(ip("10.0.0.0/8")) &&
                  context has http_method && context.http_method == "GET" &&
                  context.proxied && context.time > 0
                };
                """));
        CedarRequest ok = new CedarRequest(CedarRequest.Principal.agent("bot", "assisted", Map.of("team", "payments")),
                "read", "read", "proxy/api.github.com/repos/x", NOW, "10.9.9.9", "alice", Set.of("repo:read"), "GET", "api.github.com");
        assertThat(set.authorize(ok).allowed()).isTrue();
        CedarRequest otherUser = new CedarRequest(ok.principal(), "read", "read", ok.path(), NOW, "10.9.9.9", "bob",
                Set.of("repo:read"), "GET", "api.github.com");
        CedarDecision d = set.authorize(otherUser);
        assertThat(d.allowed()).isFalse();
        assertThat(d.policyIds()).isEmpty();
        CedarRequest outside = new CedarRequest(ok.principal(), "read", "read", ok.path(), NOW, "192.168.1.1", "alice",
                Set.of("repo:read"), "GET", "api.github.com");
        assertThat(set.authorize(outside).allowed()).isFalse();
    }

    @Test
    void parseErrorsNameThePolicyAndLine() {
        assertThatThrownBy(() -> CedarPolicySet.check("bad", "permit(principal, action, resource);\n\nforbid(principal, action, resource) when { context.x == };\n"))
                .isInstanceOf(CedarPolicyException.class)
                .hasMessageContaining("cedar policy \"bad/1\" in \"bad\" (line 3)");
    }

    @Test
    void schemaValidationErrorsNameThePolicyAndLine() {
        assertThatThrownBy(() -> CedarPolicySet.check("typed", """
                permit(principal, action, resource);
                forbid(principal, action, resource)
                when {
                  context.host == "x"
                };
                """))
                .isInstanceOf(CedarPolicyException.class)
                .hasMessageContaining("cedar policy \"typed/1\" in \"typed\" (line 4)")
                .hasMessageContaining("host");
        assertThatThrownBy(() -> CedarPolicySet.check("unknown", "permit(principal is Robot, action, resource);"))
                .isInstanceOf(CedarPolicyException.class)
                .hasMessageContaining("unknown/0");
    }

    @Test
    void duplicateIdsAreRejected() {
        assertThatThrownBy(() -> CedarPolicySet.compile(Map.of("a", "@id(\"x\") permit(principal, action, resource);",
                "b", "@id(\"x\") permit(principal, action, resource);")))
                .hasMessageContaining("duplicate policy id");
    }

    @Test
    void anEmptySetDeniesEverything() {
        CedarPolicySet set = CedarPolicySet.compile(Map.of());
        assertThat(set.isTriviallyPermitting()).isFalse();
        assertThat(set.authorize(agentRequest("read", "x")).allowed()).isFalse();
    }
}
