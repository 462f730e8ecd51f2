package dev.av.server.agent;

import static dev.av.server.agent.AgentServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.av.server.Api;
import dev.av.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent registry through the real HTTP API: ephemeral tokens (TTL, uses, max_ttl, exact scope),
 * OBO authority, delegation revocation, rotation and disabling, on H2 and PostgreSQL.
 */
class AgentApiTest {

    private static final AgentServers SERVERS = new AgentServers();
    private static final AtomicInteger SEQ = new AtomicInteger();

    @AfterAll
    static void stop() {
        SERVERS.close();
    }

    /** A fresh agent (unique name) with policies, a delegate and ephemeral mode; returns its identity token. */
    private static final class World {
        final AgentServers.Running s;
        final Api root;
        final String agent;
        final String user;
        final String agentToken;

        World(TestDatabase.Kind kind, Map<String, Object> ephemeral) {
            s = SERVERS.get(kind);
            root = s.root();
            int n = SEQ.incrementAndGet();
            agent = "agent-" + n;
            user = "user-" + n;
            ok(root.put("sys/policies/acl/code-" + n, json(Map.of("policy", """
                    path "secret/data/code-repos/*" { capabilities = ["read"] }
                    path "secret/data/agent-only/*" { capabilities = ["read"] }
                    path "secret/data/both/*" { capabilities = ["read"] }
                    """))));
            ok(root.put("sys/policies/acl/human-" + n, json(Map.of("policy", """
                    path "secret/data/code-repos/*" { capabilities = ["read"] }
                    path "secret/data/user-only/*" { capabilities = ["read"] }
                    path "secret/data/both/*" { capabilities = ["read"] }
                    """))));
            ok(root.put("agent-registry/users/" + user, json(Map.of("display_name", "User " + n,
                    "oidc_subject", user + "@example.com", "policies", "human-" + n))));
            ok(root.put("agent-registry/agents/" + agent, json(Map.of("type", "autonomous"))));
            ok(root.put("agent-registry/agents/" + agent + "/policy", json(Map.of("policy", "code-" + n))));
            ok(root.put("agent-registry/agents/" + agent + "/delegate", json(Map.of("user", user))));
            ok(root.put("agent-registry/agents/" + agent + "/ephemeral", json(ephemeral)));
            ok(root.put("agent-registry/scopes/code-" + n, json(Map.of("description", "Read code",
                    "policy", "path \"secret/data/code-repos/*\" { capabilities = [\"read\"] }"))));
            ok(root.put("agent-registry/delegations/d-" + n, json(Map.of("agent", agent, "delegate_user", user,
                    "scopes", "code-" + n))));
            for (String p : List.of("code-repos/frontend", "code-repos/backend", "agent-only/x", "user-only/x", "both/x")) {
                ok(root.put("secret/data/" + p, json(Map.of("data", Map.of("k", "v")))));
            }
            Api.Res t = root.put("agent-registry/agents/" + agent + "/token", "{}");
            ok(t);
            agentToken = t.auth().get("client_token").asText();
        }

        Api.Res ephemeral(Map<String, Object> body) {
            return root.as(agentToken).put("agent-registry/ephemeral-token", json(body));
        }

        String ephemeralToken(Map<String, Object> body) {
            Api.Res r = ephemeral(body);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            return r.auth().get("client_token").asText();
        }

        int read(String token, String path) {
            return root.as(token).get("secret/data/" + path).status();
        }
    }

    private static void ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 204);
    }

    private static Map<String, Object> read(String path) {
        return Map.of("paths", Map.of("secret/data/" + path, List.of("read")));
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anEphemeralTokenIsRefusedOneSecondAfterItsTtl(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        Api.Res issued = w.ephemeral(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")), "ttl", "30s"));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        assertThat(issued.auth().get("lease_duration").asLong()).isEqualTo(30);
        assertThat(issued.auth().get("renewable").asBoolean()).isFalse();
        String token = issued.auth().get("client_token").asText();
        assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
        w.s.clock().advance(Duration.ofSeconds(29));
        assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
        w.s.clock().advance(Duration.ofSeconds(2));
        assertThat(w.read(token, "code-repos/frontend")).as("one second after the TTL").isEqualTo(403);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anEphemeralTokenIsRefusedAfterItsNumberOfUses(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        String token = w.ephemeralToken(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")), "num_uses", 2));
        assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
        assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
        assertThat(w.read(token, "code-repos/frontend")).as("third use of a two-use token").isEqualTo(403);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void issuedTokensReportTheTtlTheyWereGrantedWhileTheClockRuns(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        w.s.clock().tickOnEveryRead(Duration.ofMillis(1));   // time passes between issuing and answering
        try {
            Api.Res ephemeral = w.ephemeral(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")), "ttl", "30s"));
            assertThat(ephemeral.status()).as(ephemeral.toString()).isEqualTo(200);
            assertThat(ephemeral.auth().get("lease_duration").asLong()).isEqualTo(30);
            Api.Res identity = w.root.put("agent-registry/agents/" + w.agent + "/token", json(Map.of("ttl", "20m")));
            assertThat(identity.status()).as(identity.toString()).isEqualTo(200);
            assertThat(identity.auth().get("lease_duration").asLong()).isEqualTo(20 * 60);
            Api.Res session = w.root.put("proxy/session", json(Map.of("agent", w.agent, "ttl", "15m")));
            assertThat(session.status()).as(session.toString()).isEqualTo(200);
            assertThat(session.auth().get("lease_duration").asLong()).isEqualTo(15 * 60);
        } finally {
            w.s.clock().tickOnEveryRead(Duration.ZERO);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void maxTtlCapsEveryRequestedTtl(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        for (String ttl : List.of("1m", "10m", "11m", "2h", "720h")) {
            Api.Res r = w.ephemeral(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")), "ttl", ttl));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.auth().get("lease_duration").asLong()).as("ttl " + ttl).isLessThanOrEqualTo(600);
        }
        Api.Res none = w.ephemeral(read("code-repos/frontend"));
        assertThat(none.auth().get("lease_duration").asLong()).isEqualTo(600);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void everyTokenIssuedToConcurrentRequestsWorksExactlyItsNumberOfUses(TestDatabase.Kind kind) throws Exception {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        java.util.Queue<String> issued = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.Queue<Integer> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10; i++) {
                    Api.Res r = w.ephemeral(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")),
                            "num_uses", 2));
                    if (r.status() == 200) {
                        issued.add(r.auth().get("client_token").asText());
                    } else {
                        failures.add(r.status());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(issued).hasSize(80).doesNotHaveDuplicates();
        for (String token : issued) {
            assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
            assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
            assertThat(w.read(token, "code-repos/frontend")).as("third use of a two-use token").isEqualTo(403);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anAgentGetsNoTokenForAPathItsPoliciesDenyAndTheTokenItGetsIsScopedExactly(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        Api.Res denied = w.ephemeral(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read"),
                "secret/data/user-only/x", List.of("read"))));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).contains("refused read on secret/data/user-only/x").doesNotContain("client_token");
        String token = w.ephemeralToken(read("code-repos/frontend"));
        assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
        Api.Res other = w.root.as(token).get("secret/data/code-repos/backend");
        assertThat(other.status()).as("the agent's policy allows it, but the token was not issued for it").isEqualTo(403);
        assertThat(other.body()).contains("not issued for read on secret/data/code-repos/backend");
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anAgentInEphemeralModeCannotReadSecretsWithItsIdentityTokenAndLookupSelfShowsWhoATokenIsFor(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        Api.Res direct = w.root.as(w.agentToken).get("secret/data/code-repos/frontend");
        assertThat(direct.status()).isEqualTo(403);
        assertThat(direct.body()).contains("ephemeral mode");
        String token = w.ephemeralToken(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")),
                "on_behalf_of", w.user));
        Api.Res self = w.root.as(token).get("auth/token/lookup-self");
        assertThat(self.status()).as(self.toString()).isEqualTo(200);
        assertThat(self.data().get("sub").asText()).isEqualTo(w.user);
        assertThat(self.data().get("act").get("sub").asText()).isEqualTo(w.agent);
        assertThat(self.data().get("ttl").asLong()).isEqualTo(600);
        Api.Res agentSelf = w.root.as(w.agentToken).get("auth/token/lookup-self");
        assertThat(agentSelf.status()).as(agentSelf.toString()).isEqualTo(200);
        assertThat(agentSelf.data().get("sub").asText()).isEqualTo(w.agent);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void oboIsRefusedWhereTheAgentOrTheDelegateOrEveryScopeSaysNo(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        String ok = w.ephemeralToken(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")),
                "on_behalf_of", w.user));
        assertThat(w.read(ok, "code-repos/frontend")).isEqualTo(200);
        Api.Res agentOnly = w.ephemeral(Map.of("paths", Map.of("secret/data/agent-only/x", List.of("read")), "on_behalf_of", w.user));
        assertThat(agentOnly.status()).isEqualTo(403);
        assertThat(agentOnly.body()).contains("delegate \\\"" + w.user + "\\\" policies do not allow");
        Api.Res userOnly = w.ephemeral(Map.of("paths", Map.of("secret/data/user-only/x", List.of("read")), "on_behalf_of", w.user));
        assertThat(userOnly.status()).isEqualTo(403);
        assertThat(userOnly.body()).contains("agent \\\"" + w.agent + "\\\" policies do not allow");
        Api.Res both = w.ephemeral(Map.of("paths", Map.of("secret/data/both/x", List.of("read")), "on_behalf_of", w.user));
        assertThat(both.status()).isEqualTo(403);
        assertThat(both.body()).contains("no scope granted");
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void revokingTheDelegationRefusesTheNextRequestOfAnIssuedToken(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        String token = w.ephemeralToken(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")),
                "on_behalf_of", w.user));
        assertThat(w.read(token, "code-repos/frontend")).isEqualTo(200);
        String id = "d-" + w.agent.substring("agent-".length());
        ok(w.root.delete("agent-registry/delegations/" + id));
        assertThat(w.root.get("agent-registry/delegations/" + id).data().get("status").asText()).isEqualTo("revoked");
        Api.Res after = w.root.as(token).get("secret/data/code-repos/frontend");
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.body()).contains("is revoked");
        assertThat(w.ephemeral(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")),
                "on_behalf_of", w.user)).status()).isEqualTo(403);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void rotationStopsTheOldIdentityTokenAtOnceOrAfterTheOverlap(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", false));
        assertThat(w.read(w.agentToken, "code-repos/frontend")).isEqualTo(200);
        Api.Res second = w.root.put("agent-registry/agents/" + w.agent + "/token", json(Map.of("overlap", "5m")));
        ok(second);
        String t2 = second.auth().get("client_token").asText();
        assertThat(w.read(w.agentToken, "code-repos/frontend")).as("inside the overlap").isEqualTo(200);
        assertThat(w.read(t2, "code-repos/frontend")).isEqualTo(200);
        w.s.clock().advance(Duration.ofMinutes(5));
        assertThat(w.read(w.agentToken, "code-repos/frontend")).as("after the overlap").isEqualTo(403);
        Api.Res third = w.root.put("agent-registry/agents/" + w.agent + "/token", "{}");
        String t3 = third.auth().get("client_token").asText();
        assertThat(w.read(t2, "code-repos/frontend")).as("no overlap: at once").isEqualTo(403);
        assertThat(w.read(t3, "code-repos/frontend")).isEqualTo(200);
        ok(w.root.delete("agent-registry/agents/" + w.agent + "/token"));
        assertThat(w.read(t3, "code-repos/frontend")).as("revoked").isEqualTo(403);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void disablingAnAgentStopsAllItsTokensAtOnce(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        String eph = w.ephemeralToken(read("code-repos/frontend"));
        assertThat(w.read(eph, "code-repos/frontend")).isEqualTo(200);
        ok(w.root.put("agent-registry/agents/" + w.agent, json(Map.of("status", "disabled"))));
        assertThat(w.read(eph, "code-repos/frontend")).isEqualTo(403);
        assertThat(w.ephemeral(read("code-repos/frontend")).status()).isEqualTo(403);
        assertThat(w.root.get("agent-registry/agents/" + w.agent).data().get("status").asText()).isEqualTo("disabled");
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void badInputIsABadRequestWithVaultsErrorShapeAndChangesNothing(TestDatabase.Kind kind) {
        World w = new World(kind, Map.of("enabled", true, "max_ttl", "10m"));
        Api.Res bad = w.root.put("agent-registry/agents/Bad_Name", json(Map.of("type", "x")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).contains("invalid agent name");
        Api.Res unknown = w.root.put("agent-registry/delegations/nope", json(Map.of("agent", w.agent,
                "delegate_user", w.user, "scopes", "no-such-scope")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error()).contains("unknown scope");
        assertThat(w.root.get("agent-registry/delegations/nope").status()).isEqualTo(404);
        assertThat(w.ephemeral(Map.of("paths", "nope")).status()).isEqualTo(400);
        assertThat(w.root.put("agent-registry/ephemeral-token", json(read("code-repos/frontend"))).status())
                .as("the root token is not an agent").isEqualTo(403);
    }
}
