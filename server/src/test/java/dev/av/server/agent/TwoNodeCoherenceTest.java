package dev.av.server.agent;

import static dev.av.server.agent.AgentServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.keyring.KdfParams;
import dev.av.registry.storage.Invalidations;
import dev.av.registry.storage.StorageSettings;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two av servers (A and B, each on its own loopback port) on one PostgreSQL schema: a change made
 * through A reaches B's caches through LISTEN/NOTIFY, so B refuses what A revoked. Waits are bounded
 * loops on a condition (notice delivery is asynchronous), never sleeps; the registry and policy caches
 * have no expiry, so a pass here can only come from the notice (or the listener's reset).
 * PostgreSQL only: on H2 one process owns the database and there is no second node.
 */
class TwoNodeCoherenceTest {

    private static final long WAIT_MILLIS = 10_000;
    private static final AtomicInteger SEQ = new AtomicInteger();

    private static TestDatabase db;
    private static AvServer a;
    private static AvServer b;
    private static Api rootA;
    private static Api rootB;

    @BeforeAll
    static void start() {
        db = TestDatabase.postgres();
        ServerConfig config = ServerConfig.builder().listenAddress("127.0.0.1:0").proxyListenAddress("127.0.0.1:0")
                .storage(StorageSettings.postgres(db.jdbcUrl(), db.user(), "")).kdf(KdfParams.DEV).build();
        a = AvServer.start(config);
        Api anonA = new Api(a.apiAddress(), null);
        Api.Res init = anonA.put("sys/init", json(Map.of("secret_shares", 1, "secret_threshold", 1)));
        assertThat(init.status()).as(init.toString()).isEqualTo(200);
        String key = init.json().get("keys").get(0).asText();
        String root = init.json().get("root_token").asText();
        ok(anonA.put("sys/unseal", json(Map.of("key", key))));
        b = AvServer.start(config);
        ok(new Api(b.apiAddress(), null).put("sys/unseal", json(Map.of("key", key))));
        rootA = new Api(a.apiAddress(), root);
        rootB = new Api(b.apiAddress(), root);
        ok(rootA.post("sys/mounts/secret", json(Map.of("type", "kv", "options", Map.of("version", "2")))));
        ok(rootA.put("secret/data/code/x", json(Map.of("data", Map.of("k", "v")))));
        ok(rootA.put("secret/data/other/x", json(Map.of("data", Map.of("k", "v")))));
        await("B's listener connected", () -> b.bean(Invalidations.class).backendPid() > 0);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** An agent (written on A) with a policy reading secret/data/code/*, a delegate, a delegation and an identity token. */
    private record World(String agent, String user, String delegation, String agentToken) {

        static World create() {
            int n = SEQ.incrementAndGet();
            String agent = "agent-" + n;
            String user = "user-" + n;
            String code = "path \"secret/data/code/*\" { capabilities = [\"read\"] }";
            ok(rootA.put("sys/policies/acl/code-" + n, json(Map.of("policy", code))));
            ok(rootA.put("agent-registry/users/" + user, json(Map.of("display_name", "U", "policies", "code-" + n))));
            ok(rootA.put("agent-registry/agents/" + agent, json(Map.of("type", "autonomous", "policies", "code-" + n))));
            ok(rootA.put("agent-registry/agents/" + agent + "/delegate", json(Map.of("user", user))));
            ok(rootA.put("agent-registry/agents/" + agent + "/ephemeral", json(Map.of("enabled", true, "max_ttl", "10m"))));
            ok(rootA.put("agent-registry/scopes/code-" + n, json(Map.of("description", "Read code", "policy", code))));
            ok(rootA.put("agent-registry/delegations/d-" + n, json(Map.of("agent", agent, "delegate_user", user,
                    "scopes", "code-" + n))));
            Api.Res t = rootA.put("agent-registry/agents/" + agent + "/token", "{}");
            ok(t);
            return new World(agent, user, "d-" + n, t.auth().get("client_token").asText());
        }

        /** An ephemeral token issued by A, on behalf of the user when {@code obo}. */
        String ephemeral(boolean obo) {
            Map<String, Object> body = obo
                    ? Map.of("paths", Map.of("secret/data/code/x", List.of("read")), "on_behalf_of", user)
                    : Map.of("paths", Map.of("secret/data/code/x", List.of("read")));
            Api.Res r = rootA.as(agentToken).put("agent-registry/ephemeral-token", json(body));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            return r.auth().get("client_token").asText();
        }
    }

    private static int readOnB(String token) {
        return rootB.as(token).get("secret/data/code/x").status();
    }

    @Test
    void revokingADelegationOnOneNodeRefusesAnIssuedOboTokenOnTheOther() {
        World w = World.create();
        String token = w.ephemeral(true);
        assertThat(readOnB(token)).as("B serves the token, caching the delegation").isEqualTo(200);
        assertThat(readOnB(token)).isEqualTo(200);
        ok(rootA.put("agent-registry/delegations/" + w.delegation() + "/revoke", "{}"));
        await("B refuses the OBO token after A revoked the delegation", () -> readOnB(token) == 403);
    }

    @Test
    void disablingAnAgentOnOneNodeStopsItsTokensOnTheOther() {
        World w = World.create();
        String token = w.ephemeral(false);
        assertThat(readOnB(token)).isEqualTo(200);
        assertThat(rootB.as(w.agentToken()).get("auth/token/lookup-self").status()).isEqualTo(200);
        ok(rootA.put("agent-registry/agents/" + w.agent(), json(Map.of("status", "disabled"))));
        await("B refuses the ephemeral token of the disabled agent", () -> readOnB(token) == 403);
        await("B refuses the identity token of the disabled agent",
                () -> rootB.as(w.agentToken()).get("auth/token/lookup-self").status() == 403);
    }

    @Test
    void revokingAnIdentityTokenOnOneNodeRefusesItOnTheOther() {
        World w = World.create();
        Api agentOnB = rootB.as(w.agentToken());
        Map<String, Object> body = Map.of("paths", Map.of("secret/data/code/x", List.of("read")));
        assertThat(agentOnB.put("agent-registry/ephemeral-token", json(body)).status()).isEqualTo(200);
        ok(rootA.delete("agent-registry/agents/" + w.agent() + "/token"));
        await("B refuses the revoked identity token",
                () -> agentOnB.put("agent-registry/ephemeral-token", json(body)).status() == 403);
    }

    @Test
    void revokingATokenOnOneNodeRefusesItOnTheOther() {
        Api.Res created = rootA.post("auth/token/create", json(Map.of("policies", List.of("default"))));
        ok(created);
        String token = created.auth().get("client_token").asText();
        assertThat(rootB.as(token).get("auth/token/lookup-self").status()).isEqualTo(200);
        ok(rootA.post("auth/token/revoke-accessor", json(Map.of("accessor", created.auth().get("accessor").asText()))));
        await("B refuses the revoked token", () -> rootB.as(token).get("auth/token/lookup-self").status() == 403);
    }

    @Test
    void editingAPolicyOnOneNodeIsEnforcedOnTheOther() {
        int n = SEQ.incrementAndGet();
        ok(rootA.put("sys/policies/acl/edit-" + n, json(Map.of("policy",
                "path \"secret/data/code/*\" { capabilities = [\"read\"] }"))));
        Api.Res created = rootA.post("auth/token/create", json(Map.of("policies", List.of("edit-" + n))));
        ok(created);
        Api onB = rootB.as(created.auth().get("client_token").asText());
        assertThat(onB.get("secret/data/code/x").status()).isEqualTo(200);
        assertThat(onB.get("secret/data/other/x").status()).isEqualTo(403);
        ok(rootA.put("sys/policies/acl/edit-" + n, json(Map.of("policy",
                "path \"secret/data/other/*\" { capabilities = [\"read\"] }"))));
        await("B enforces the edited policy", () -> onB.get("secret/data/code/x").status() == 403);
        assertThat(onB.get("secret/data/other/x").status()).isEqualTo(200);
    }

    @Test
    void aSecretsEngineMountedOrUnmountedOnOneNodeIsSeenOnTheOther() {
        String mount = "kv-" + SEQ.incrementAndGet();
        ok(rootA.post("sys/mounts/" + mount, json(Map.of("type", "kv", "options", Map.of("version", "2")))));
        ok(rootA.put(mount + "/data/x", json(Map.of("data", Map.of("k", "v")))));
        await("B serves the engine mounted on A", () -> rootB.get(mount + "/data/x").status() == 200);
        assertThat(rootB.get(mount + "/data/x").data().get("data").get("k").asText()).isEqualTo("v");
        ok(rootA.delete("sys/mounts/" + mount));
        await("B stops serving the engine unmounted on A", () -> rootB.get(mount + "/data/x").status() == 404);
    }

    @Test
    void aProxyServiceChangedOnOneNodeIsSeenOnTheOther() {
        String name = "svc-" + SEQ.incrementAndGet();
        assertThat(rootB.get("proxy/services/" + name).status()).as("B caches the services without it").isEqualTo(404);
        ok(rootA.put("proxy/services/" + name, json(Map.of("host", name + ".example.com", "credential", "secret/data/code/x#k"))));
        await("B serves the service written on A", () -> rootB.get("proxy/services/" + name).status() == 200);
        ok(rootA.put("proxy/services/" + name, json(Map.of("host", name + ".example.com", "port", 8443,
                "credential", "secret/data/code/x#k"))));
        await("B sees the port changed on A", () -> rootB.get("proxy/services/" + name).data().get("port").asInt() == 8443);
        ok(rootA.delete("proxy/services/" + name));
        await("B forgets the service deleted on A", () -> rootB.get("proxy/services/" + name).status() == 404);
    }

    @Test
    void afterItsListenerConnectionIsKilledANodeDropsEveryCachedEntryAndListensAgain() throws Exception {
        World w = World.create();
        String token = w.ephemeral(false);
        assertThat(readOnB(token)).isEqualTo(200);
        Invalidations bus = b.bean(Invalidations.class);
        int oldPid = bus.backendPid();
        long connects = bus.connects();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
            // a write that sends no notice, as if it had been lost: triggers do not fire for a replica session
            try (Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = replica");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE av_agents SET status = 'disabled' WHERE name = ?")) {
                ps.setString(1, w.agent());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = origin");
            }
            assertThat(readOnB(token)).as("without a notice B still trusts its cached agent").isEqualTo(200);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, oldPid);
                ps.execute();
            }
        }
        await("B reconnected its listener", () -> bus.connects() > connects && bus.backendPid() > 0);
        assertThat(bus.backendPid()).isNotEqualTo(oldPid);
        assertThat(readOnB(token)).as("B dropped its cache on reconnect and sees the agent disabled").isEqualTo(403);
        ok(rootA.put("agent-registry/agents/" + w.agent(), json(Map.of("status", "active"))));
        String fresh = w.ephemeral(false);
        // notices flow again on the new connection: a delegation-free change made through A reaches B
        ok(rootA.put("agent-registry/agents/" + w.agent() + "/policy", json(Map.of("detach", "code-" + w.agent().substring(6)))));
        await("B sees the policy detached on A through the new listener", () -> readOnB(fresh) == 403);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT_MILLIS + " ms: " + what);
            }
            try {
                Thread.sleep(2); // a short pause between polls, not the wait itself
            } catch (InterruptedException e) {
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
    }

    private static void ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 204);
    }
}
