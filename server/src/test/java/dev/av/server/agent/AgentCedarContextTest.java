package dev.av.server.agent;

import static dev.av.server.agent.AgentServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.av.server.Api;
import dev.av.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cedar sees who an agent acts for: the context carries the delegate and the consent scopes of the
 * delegation behind an OBO token, and the principal carries the agent's type and metadata, so a
 * {@code forbid} conditioned on them narrows what the ACL intersection allows (H2 and PostgreSQL).
 */
class AgentCedarContextTest {

    private static final AgentServers SERVERS = new AgentServers();

    @AfterAll
    static void stop() {
        SERVERS.close();
    }

    private static void ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 204);
    }

    /** An agent that may read code and logs for alice and bob, through two delegations for alice. */
    private static Api setUp(Api root, String p) {
        ok(root.put("sys/policies/acl/" + p + "reader", json(Map.of("policy", """
                path "secret/data/code-repos/*" { capabilities = ["read"] }
                path "secret/data/logs/*" { capabilities = ["read"] }
                """))));
        for (String u : List.of("alice", "bob")) {
            ok(root.put("agent-registry/users/" + p + u, json(Map.of("display_name", u, "policies", p + "reader"))));
        }
        ok(root.put("agent-registry/agents/" + p + "agent", json(Map.of("type", "autonomous",
                "metadata", "team=" + p + "payments", "policies", p + "reader", "delegates", p + "alice," + p + "bob"))));
        ok(root.put("agent-registry/agents/" + p + "agent/ephemeral", json(Map.of("enabled", true, "max_ttl", "10m"))));
        ok(root.put("agent-registry/scopes/" + p + "code-read", json(Map.of("description", "Read code",
                "policy", "path \"secret/data/code-repos/*\" { capabilities = [\"read\"] }"))));
        ok(root.put("agent-registry/scopes/" + p + "log-view", json(Map.of("description", "View logs",
                "policy", "path \"secret/data/logs/*\" { capabilities = [\"read\"] }"))));
        ok(root.put("agent-registry/delegations/" + p + "code-only", json(Map.of("agent", p + "agent",
                "delegate_user", p + "alice", "scopes", p + "code-read"))));
        ok(root.put("agent-registry/delegations/" + p + "both", json(Map.of("agent", p + "agent",
                "delegate_user", p + "alice", "scopes", p + "code-read," + p + "log-view"))));
        ok(root.put("agent-registry/delegations/" + p + "bob", json(Map.of("agent", p + "agent",
                "delegate_user", p + "bob", "scopes", p + "code-read," + p + "log-view"))));
        for (String path : List.of("code-repos/frontend", "logs/app")) {
            ok(root.put("secret/data/" + path, json(Map.of("data", Map.of("k", "v")))));
        }
        Api.Res t = root.put("agent-registry/agents/" + p + "agent/token", "{}");
        ok(t);
        return root.as(t.auth().get("client_token").asText());
    }

    private static Api obo(Api agent, String user, String delegation, String... paths) {
        Map<String, List<String>> wanted = new java.util.HashMap<>();
        for (String path : paths) {
            wanted.put("secret/data/" + path, List.of("read"));
        }
        Api.Res r = agent.put("agent-registry/ephemeral-token", json(Map.of("paths", wanted,
                "on_behalf_of", user, "delegation", delegation)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return agent.as(r.auth().get("client_token").asText());
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aForbidOnAConsentScopeRefusesTokensIssuedUnderThatConsent(TestDatabase.Kind kind) {
        Api root = SERVERS.get(kind).root();
        String p = "s" + kind.name().toLowerCase() + "-";
        Api agent = setUp(root, p);
        Api codeOnly = obo(agent, p + "alice", p + "code-only", "code-repos/frontend");
        Api both = obo(agent, p + "alice", p + "both", "code-repos/frontend", "logs/app");
        assertThat(both.get("secret/data/code-repos/frontend").status()).isEqualTo(200);
        // separation of duties: under a consent that includes log viewing, no code reading
        ok(root.put("sys/policies/cedar/" + p + "sod", json(Map.of("policy", "@id(\"" + p + "sod\")\n"
                + "forbid(principal is Agent, action == Action::\"read\", resource in Path::\"secret/data/code-repos/\")\n"
                + "when { context.scopes.contains(\"" + p + "log-view\") };"))));
        try {
            Api.Res refused = both.get("secret/data/code-repos/frontend");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(both.get("secret/data/logs/app").status()).isEqualTo(200);
            assertThat(codeOnly.get("secret/data/code-repos/frontend").status())
                    .as("a token under a consent without log-view").isEqualTo(200);
        } finally {
            ok(root.delete("sys/policies/cedar/" + p + "sod"));
        }
        assertThat(both.get("secret/data/code-repos/frontend").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aForbidOnTheDelegateRefusesOnlyTokensActingForHer(TestDatabase.Kind kind) {
        Api root = SERVERS.get(kind).root();
        String p = "d" + kind.name().toLowerCase() + "-";
        Api agent = setUp(root, p);
        Api forAlice = obo(agent, p + "alice", p + "both", "code-repos/frontend", "logs/app");
        Api forBob = obo(agent, p + "bob", p + "bob", "code-repos/frontend", "logs/app");
        ok(root.put("sys/policies/cedar/" + p + "no-bob-logs", json(Map.of("policy",
                "forbid(principal is Agent, action, resource in Path::\"secret/data/logs/\")\n"
                + "when { context has delegate && context.delegate == \"" + p + "bob\" && principal.agent_type == \"autonomous\""
                + " && principal.hasTag(\"team\") && principal.getTag(\"team\") == \"" + p + "payments\" };"))));
        try {
            assertThat(forBob.get("secret/data/logs/app").status()).isEqualTo(403);
            assertThat(forBob.get("secret/data/code-repos/frontend").status()).isEqualTo(200);
            assertThat(forAlice.get("secret/data/logs/app").status()).isEqualTo(200);
        } finally {
            ok(root.delete("sys/policies/cedar/" + p + "no-bob-logs"));
        }
        assertThat(forBob.get("secret/data/logs/app").status()).isEqualTo(200);
    }
}
