package dev.av.server.agent;

import static dev.av.server.agent.AgentServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.av.server.Api;
import dev.av.testing.TestDatabase;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 8693 token exchange against a real OIDC provider (mock-oauth2-server on loopback): the human's
 * IdP token plus the agent's token give an OBO token bounded by agent ∩ user ∩ scopes; the human logs
 * in with her IdP token and revokes her own consent, which refuses the agent's next request.
 */
class TokenExchangeApiTest {

    private static final AgentServers SERVERS = new AgentServers();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static MockOAuth2Server idp;

    @BeforeAll
    static void startIdp() {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stop() {
        SERVERS.close();
        idp.shutdown();
    }

    private static void ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 204);
    }

    private static Map<String, Object> exchange(String subjectToken, String actorToken) {
        return Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token", subjectToken, "subject_token_type", "urn:ietf:params:oauth:token-type:jwt",
                "actor_token", actorToken);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anIdpTokenAndAnAgentTokenExchangeForAnOboTokenThatTheDelegateCanCutOff(TestDatabase.Kind kind) {
        AgentServers.Running s = SERVERS.get(kind);
        Api root = s.root();
        int n = SEQ.incrementAndGet();
        String agent = "xagent-" + n;
        String user = "xuser-" + n;
        String subject = user + "@example.com";
        ok(root.put("sys/policies/acl/xagent-" + n, json(Map.of("policy", """
                path "secret/data/code-repos/*" { capabilities = ["read"] }
                path "secret/data/agent-only/*" { capabilities = ["read"] }
                """))));
        ok(root.put("sys/policies/acl/xuser-" + n, json(Map.of("policy", """
                path "secret/data/code-repos/*" { capabilities = ["read"] }
                path "secret/data/user-only/*" { capabilities = ["read"] }
                """))));
        ok(root.put("agent-registry/users/" + user, json(Map.of("oidc_subject", subject, "policies", "xuser-" + n))));
        ok(root.put("agent-registry/agents/" + agent, json(Map.of("type", "assisted", "policies", "xagent-" + n,
                "delegates", user, "ephemeral_enabled", true, "max_ttl", "15m"))));
        ok(root.put("agent-registry/scopes/xcode-" + n, json(Map.of("description", "Read code",
                "policy", "path \"secret/data/code-repos/*\" { capabilities = [\"read\"] }"))));
        ok(root.put("agent-registry/delegations/xd-" + n, json(Map.of("agent", agent, "delegate_user", user,
                "scopes", "xcode-" + n))));
        for (String p : List.of("code-repos/app", "agent-only/x", "user-only/x")) {
            ok(root.put("secret/data/" + p, json(Map.of("data", Map.of("k", "v")))));
        }
        ok(root.put("auth/oidc/config", json(Map.of("issuer", idp.issuerUrl("corp").toString(),
                "jwks_url", idp.jwksUrl("corp").toString(), "audience", "av"))));
        assertThat(root.get("auth/oidc/config").data().get("audience").asText()).isEqualTo("av");
        String agentToken = root.put("agent-registry/agents/" + agent + "/token", "{}").auth().get("client_token").asText();
        String idToken = idp.issueToken("corp", subject, "av").serialize();

        s.clock().tickOnEveryRead(Duration.ofMillis(1));   // time passes between issuing and answering
        Api.Res ex;
        try {
            ex = root.as(null).post("auth/token/exchange", json(exchange(idToken, agentToken)));
        } finally {
            s.clock().tickOnEveryRead(Duration.ZERO);
        }
        assertThat(ex.status()).as(ex.toString()).isEqualTo(200);
        assertThat(ex.data().get("expires_in").asLong()).isEqualTo(900);
        assertThat(ex.data().get("issued_token_type").asText()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
        String obo = ex.data().get("access_token").asText();
        assertThat(ex.auth().get("client_token").asText()).isEqualTo(obo);
        assertThat(ex.auth().get("lease_duration").asLong()).isEqualTo(900);
        Api.Res self = root.as(obo).get("auth/token/lookup-self");
        assertThat(self.data().get("sub").asText()).isEqualTo(user);
        assertThat(self.data().get("act").get("sub").asText()).isEqualTo(agent);

        assertThat(root.as(obo).get("secret/data/code-repos/app").status()).isEqualTo(200);
        assertThat(root.as(obo).get("secret/data/agent-only/x").status()).as("the delegate may not").isEqualTo(403);
        assertThat(root.as(obo).get("secret/data/user-only/x").status()).as("the agent may not").isEqualTo(403);

        Api.Res scoped = root.as(null).post("auth/token/exchange", json(Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", idToken,
                "actor_token", agentToken, "paths", Map.of("secret/data/user-only/x", List.of("read")))));
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(scoped.body()).contains("refused read on secret/data/user-only/x");

        String wrongAudience = idp.issueToken("corp", subject, "someone-else").serialize();
        assertThat(root.as(null).post("auth/token/exchange", json(exchange(wrongAudience, agentToken))).status()).isEqualTo(403);
        String stranger = idp.issueToken("corp", "nobody-" + n + "@example.com", "av").serialize();
        Api.Res unknown = root.as(null).post("auth/token/exchange", json(exchange(stranger, agentToken)));
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.body()).contains("not registered");
        assertThat(root.as(null).post("auth/token/exchange", json(exchange(idToken, obo))).status())
                .as("an ephemeral token is not an actor").isEqualTo(403);

        Api.Res login = root.as(null).post("auth/oidc/login", json(Map.of("jwt", idToken)));
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        String humanToken = login.auth().get("client_token").asText();
        Api.Res revoke = root.as(humanToken).post("agent-registry/delegations/xd-" + n + "/revoke", "{}");
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(200);
        assertThat(revoke.data().get("status").asText()).isEqualTo("revoked");
        Api.Res after = root.as(obo).get("secret/data/code-repos/app");
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.body()).contains("revoked");
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void onlyTheDelegateOrAnAdminMayRevokeADelegation(TestDatabase.Kind kind) {
        AgentServers.Running s = SERVERS.get(kind);
        Api root = s.root();
        int n = SEQ.incrementAndGet();
        ok(root.put("agent-registry/users/yuser-" + n, json(Map.of("oidc_subject", "yuser-" + n + "@example.com"))));
        ok(root.put("agent-registry/users/ystranger-" + n, json(Map.of("oidc_subject", "ystranger-" + n + "@example.com"))));
        ok(root.put("agent-registry/agents/yagent-" + n, json(Map.of("delegates", "yuser-" + n))));
        ok(root.put("agent-registry/scopes/yscope-" + n, json(Map.of("policy", "path \"x/*\" { capabilities = [\"read\"] }"))));
        ok(root.put("agent-registry/delegations/yd-" + n, json(Map.of("agent", "yagent-" + n, "delegate_user", "yuser-" + n,
                "scopes", "yscope-" + n))));
        ok(root.put("auth/oidc/config", json(Map.of("issuer", idp.issuerUrl("corp").toString(),
                "jwks_url", idp.jwksUrl("corp").toString(), "audience", "av"))));
        String strangerToken = root.as(null).post("auth/oidc/login", json(Map.of("jwt",
                idp.issueToken("corp", "ystranger-" + n + "@example.com", "av").serialize()))).auth().get("client_token").asText();
        assertThat(root.as(strangerToken).post("agent-registry/delegations/yd-" + n + "/revoke", "{}").status()).isEqualTo(403);
        assertThat(root.as(null).post("agent-registry/delegations/yd-" + n + "/revoke", "{}").status()).isEqualTo(403);
        assertThat(root.get("agent-registry/delegations/yd-" + n).data().get("status").asText()).isEqualTo("active");
        ok(root.post("agent-registry/delegations/yd-" + n + "/revoke", "{}"));
        assertThat(root.get("agent-registry/delegations/yd-" + n).data().get("status").asText()).isEqualTo("revoked");
    }
}
