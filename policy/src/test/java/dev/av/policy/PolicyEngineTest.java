package dev.av.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.policy.acl.Acl;
import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.AclRequest;
import dev.av.policy.acl.Operation;
import dev.av.policy.cedar.CedarPolicySet;
import dev.av.policy.cedar.CedarRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    static final CedarRequest CTX = new CedarRequest(CedarRequest.Principal.agent("bot", "autonomous", Map.of()),
            "ignored", null, "ignored", Instant.parse("2026-12-06T12:00:00Z"), "127.0.0.1", null, Set.of(), null, null);

    static Acl acl(String text) {
        return Acl.compile(List.of(AclPolicy.parse("dev", text)));
    }

    @Test
    void cedarNeverTurnsAnAclDenyIntoAnAllow() {
        PolicyEngine engine = new PolicyEngine(CedarPolicySet.compile(Map.of("all", "permit(principal, action, resource);\npermit(principal is Agent, action, resource);")));
        PolicyDecision d = engine.decide(acl("path \"secret/*\" { capabilities = [\"read\"] }"),
                AclRequest.of(Operation.DELETE, "secret/x"), CTX);
        assertThat(d.allowed()).isFalse();
        assertThat(d.cedar()).isNull();
        assertThat(d.reason()).contains("does not grant \"delete\"");
    }

    @Test
    void cedarNarrowsAnAclAllowAndTheDecisionNamesTheForbiddingPolicy() {
        PolicyEngine engine = PolicyEngine.withDefaultCedar();
        Acl acl = acl("path \"secret/*\" { capabilities = [\"read\", \"delete\"] }");
        assertThat(engine.decide(acl, AclRequest.of(Operation.DELETE, "secret/x"), CTX).allowed()).isTrue();
        engine.replaceCedar(CedarPolicySet.compile(Map.of(
                "default", CedarPolicySet.DEFAULT_TEXT,
                "guard", "@id(\"no-delete\")\nforbid(principal is Agent, action == Action::\"delete\", resource in Path::\"secret/\");")));
        PolicyDecision d = engine.decide(acl, AclRequest.of(Operation.DELETE, "/secret/x"), CTX);
        assertThat(d.allowed()).isFalse();
        assertThat(d.deniedByCedar()).isTrue();
        assertThat(d.forbiddenBy()).containsExactly("no-delete");
        assertThat(d.reason()).isEqualTo("forbidden by Cedar policy no-delete");
        assertThat(engine.decide(acl, AclRequest.of(Operation.READ, "secret/x"), CTX).allowed()).isTrue();
    }

    @Test
    void revokeIsAskedOfCedarAsUpdate() {
        PolicyEngine engine = new PolicyEngine(CedarPolicySet.compile(Map.of("p",
                "permit(principal, action, resource);\nforbid(principal, action == Action::\"update\", resource) when { context.operation == \"revoke\" };")));
        Acl acl = acl("path \"sys/leases/*\" { capabilities = [\"update\"] }");
        assertThat(engine.decide(acl, AclRequest.of(Operation.REVOKE, "sys/leases/x"), CTX).allowed()).isFalse();
        assertThat(engine.decide(acl, AclRequest.of(Operation.RENEW, "sys/leases/x"), CTX).allowed()).isTrue();
    }

    @Test
    void helpIsNotAskedOfCedar() {
        PolicyEngine engine = new PolicyEngine(CedarPolicySet.compile(Map.of()));
        PolicyDecision d = engine.decide(acl("path \"x\" { capabilities = [] }"), AclRequest.of(Operation.HELP, "x"), CTX);
        assertThat(d.allowed()).isTrue();
    }

    @Test
    void oboAllowsOnlyWhatAgentUserAndAScopeAllAllow() {
        Acl agent = acl("path \"secret/*\" { capabilities = [\"read\", \"update\", \"list\"] }");
        Acl user = acl("path \"secret/alice/*\" { capabilities = [\"read\", \"update\", \"sudo\"] }");
        Acl readScope = Acl.compile(List.of(AclPolicy.parse("scope-read", "path \"secret/+/docs*\" { capabilities = [\"read\"] }")));
        Acl writeScope = Acl.compile(List.of(AclPolicy.parse("scope-write", "path \"secret/alice/docs/draft\" { capabilities = [\"update\"] }")));
        OboAuthority obo = new OboAuthority(agent, user, List.of(readScope, writeScope));
        assertThat(obo.evaluate(AclRequest.of(Operation.READ, "secret/alice/docs/a")).allowed()).isTrue();
        assertThat(obo.evaluate(AclRequest.of(Operation.READ, "secret/alice/docs/a")).grantingPolicyNames())
                .containsExactly("dev", "scope-read");
        assertThat(obo.evaluate(AclRequest.of(Operation.UPDATE, "secret/alice/docs/draft")).allowed()).isTrue();
        assertThat(obo.evaluate(AclRequest.of(Operation.UPDATE, "secret/alice/docs/a")).detail()).startsWith("consent scopes:");
        assertThat(obo.evaluate(AclRequest.of(Operation.READ, "secret/bob/docs/a")).detail()).startsWith("delegate user:");
        assertThat(obo.evaluate(AclRequest.of(Operation.READ, "other/x")).detail()).startsWith("agent:");
        assertThat(obo.capabilities("secret/alice/docs/a")).containsExactly("read");
        assertThat(obo.capabilities("secret/alice/docs/draft")).containsExactly("read", "update");
        assertThat(new OboAuthority(agent, user, List.of()).evaluate(AclRequest.of(Operation.READ, "secret/alice/x")).allowed()).isFalse();
        assertThat(new OboAuthority(agent, user, List.of()).capabilities("secret/alice/x")).containsExactly("deny");
    }
}
