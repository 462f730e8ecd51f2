package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** auth/token/* through a real HTTP client, with the server's clock under the test's control. */
class TokenApiTest {

    static final MutableClock CLOCK = MutableClock.startingAt("2026-05-20T10:00:00Z");
    static AvServer av;
    static Api root;

    @BeforeAll
    static void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").clock(CLOCK)
                .tidyInterval(Duration.ofHours(1)).build());
        root = new Api(av.apiAddress(), av.rootToken());
        assertThat(root.put("sys/policies/acl/dev", "{\"policy\":\"path \\\"secret/*\\\" { capabilities = [\\\"read\\\"] }\\n"
                + "path \\\"auth/token/create\\\" { capabilities = [\\\"update\\\"] }\"}").status()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        av.close();
    }

    private static Api create(Api as, String body) {
        Api.Res r = as.post("auth/token/create", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return as.as(r.auth().get("client_token").asText());
    }

    @Test
    void createReturnsVaultsAuthBlockAndLookupSelfShowsTheFields() {
        Api.Res r = root.post("auth/token/create", "{\"policies\":[\"dev\"],\"ttl\":\"1h\",\"meta\":{\"user\":\"alice\"},"
                + "\"display_name\":\"alice\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.auth().get("client_token").asText()).startsWith("avs.");
        assertThat(r.auth().get("policies").toString()).isEqualTo("[\"default\",\"dev\"]");
        assertThat(r.auth().get("lease_duration").asLong()).isEqualTo(3600);
        assertThat(r.auth().get("renewable").asBoolean()).isTrue();
        assertThat(r.auth().get("metadata").get("user").asText()).isEqualTo("alice");
        assertThat(r.auth().get("token_type").asText()).isEqualTo("service");
        Api alice = root.as(r.auth().get("client_token").asText());
        Api.Res self = alice.get("auth/token/lookup-self");
        assertThat(self.status()).as(self.toString()).isEqualTo(200);
        assertThat(self.data().get("display_name").asText()).isEqualTo("token-alice");
        assertThat(self.data().get("ttl").asLong()).isEqualTo(3600);
        assertThat(self.data().get("path").asText()).isEqualTo("auth/token/create");
        assertThat(self.data().get("accessor").asText()).isEqualTo(r.auth().get("accessor").asText());
    }

    @Test
    void bearerHeaderIsAcceptedLikeXVaultToken() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(av.apiAddress() + "/v1/auth/token/lookup-self"))
                .header("Authorization", "Bearer " + av.rootToken()).GET().build();
        HttpResponse<String> r = root.client().send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void expiredTokenIsRejectedAndRenewalStopsAtExplicitMax() {
        Api t = create(root, "{\"policies\":[\"dev\"],\"ttl\":\"10m\",\"explicit_max_ttl\":\"30m\"}");
        CLOCK.advance(Duration.ofMinutes(5));
        Api.Res renewed = t.post("auth/token/renew-self", "{\"increment\":\"10m\"}");
        assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
        assertThat(renewed.auth().get("lease_duration").asLong()).isEqualTo(600);
        CLOCK.advance(Duration.ofMinutes(9));
        Api.Res capped = t.post("auth/token/renew-self", "{\"increment\":\"1h\"}");
        assertThat(capped.status()).as(capped.toString()).isEqualTo(200);
        assertThat(capped.auth().get("lease_duration").asLong()).isEqualTo(16 * 60); // 30m max - 14m elapsed
        assertThat(capped.json().get("warnings").toString()).contains("capped");
        CLOCK.advance(Duration.ofMinutes(16));
        Api.Res gone = t.get("auth/token/lookup-self");
        assertThat(gone.status()).isEqualTo(403);
        assertThat(gone.error()).isEqualTo("permission denied");
    }

    @Test
    void periodicTokenNeedsSudoAndRenewsToItsPeriod() {
        Api dev = create(root, "{\"policies\":[\"dev\"]}");
        Api.Res refused = dev.post("auth/token/create", "{\"period\":\"1h\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("root or sudo privileges required to create periodic token");
        Api p = create(root, "{\"policies\":[\"dev\"],\"period\":\"1h\"}");
        CLOCK.advance(Duration.ofMinutes(59));
        Api.Res r = p.post("auth/token/renew-self", "{\"increment\":\"5h\"}");
        assertThat(r.auth().get("lease_duration").asLong()).isEqualTo(3600);
        CLOCK.advance(Duration.ofMinutes(59));
        assertThat(p.get("auth/token/lookup-self").data().get("period").asLong()).isEqualTo(3600);
    }

    @Test
    void revokingAParentRevokesItsDescendantsButNotOrphans() {
        Api parent = create(root, "{\"policies\":[\"dev\"]}");
        Api child = create(parent, "{}");
        Api grandchild = create(child, "{}");
        Api.Res orphanRes = root.post("auth/token/create-orphan", "{\"policies\":[\"dev\"]}");
        Api orphan = root.as(orphanRes.auth().get("client_token").asText());
        assertThat(orphanRes.auth().get("orphan").asBoolean()).isTrue();
        assertThat(parent.post("auth/token/revoke-self", "").status()).isEqualTo(204);
        assertThat(child.get("auth/token/lookup-self").status()).isEqualTo(403);
        assertThat(grandchild.get("auth/token/lookup-self").status()).isEqualTo(403);
        assertThat(orphan.get("auth/token/lookup-self").status()).isEqualTo(200);
    }

    @Test
    void revokeOrphanKeepsTheChildrenAsOrphans() {
        Api parent = create(root, "{\"policies\":[\"dev\"]}");
        Api child = create(parent, "{}");
        Api.Res r = root.post("auth/token/revoke-orphan", "{\"token\":\"" + parent.token() + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        assertThat(parent.get("auth/token/lookup-self").status()).isEqualTo(403);
        Api.Res c = child.get("auth/token/lookup-self");
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.data().get("orphan").asBoolean()).isTrue();
    }

    @Test
    void accessorEndpointsLookUpAndRevokeWithoutTheToken() {
        Api.Res created = root.post("auth/token/create", "{\"policies\":[\"dev\"]}");
        String accessor = created.auth().get("accessor").asText();
        Api.Res l = root.post("auth/token/lookup-accessor", "{\"accessor\":\"" + accessor + "\"}");
        assertThat(l.status()).as(l.toString()).isEqualTo(200);
        assertThat(l.data().get("id").asText()).isEmpty();
        assertThat(root.list("auth/token/accessors").data().get("keys").toString()).contains(accessor);
        assertThat(root.post("auth/token/revoke-accessor", "{\"accessor\":\"" + accessor + "\"}").status()).isEqualTo(204);
        assertThat(root.as(created.auth().get("client_token").asText()).get("auth/token/lookup-self").status())
                .isEqualTo(403);
    }

    @Test
    void childPoliciesMustBeASubsetOfTheParents() {
        Api dev = create(root, "{\"policies\":[\"dev\"]}");
        Api.Res r = dev.post("auth/token/create", "{\"policies\":[\"admin\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("child policies must be subset of parent");
    }

    @Test
    void numUsesLimitsTheTokenToThatManyRequests() {
        Api t = create(root, "{\"policies\":[\"dev\"],\"num_uses\":2}");
        assertThat(t.get("auth/token/lookup-self").status()).isEqualTo(200);
        Api.Res second = t.get("auth/token/lookup-self");
        assertThat(second.status()).isEqualTo(200);
        assertThat(t.get("auth/token/lookup-self").status()).isEqualTo(403);
    }

    @Test
    void boundCidrsRefuseOtherAddresses() {
        Api elsewhere = create(root, "{\"policies\":[\"dev\"],\"bound_cidrs\":[\"10.0.0.0/8\"]}");
        assertThat(elsewhere.get("auth/token/lookup-self").status()).isEqualTo(403);
        Api here = create(root, "{\"policies\":[\"dev\"],\"bound_cidrs\":\"127.0.0.0/8\"}");
        assertThat(here.get("auth/token/lookup-self").status()).isEqualTo(200);
    }

    @Test
    void aclDecidesWhatANonRootTokenMayDo() {
        Api dev = create(root, "{\"policies\":[\"dev\"]}");
        assertThat(dev.get("sys/mounts").status()).isEqualTo(403);
        assertThat(dev.list("auth/token/accessors").status()).isEqualTo(403);
        Api.Res caps = dev.post("sys/capabilities-self", "{\"paths\":[\"secret/data/x\",\"sys/mounts\"]}");
        assertThat(caps.status()).as(caps.toString()).isEqualTo(200);
        assertThat(caps.data().get("secret/data/x").toString()).isEqualTo("[\"read\"]");
        assertThat(caps.data().get("sys/mounts").toString()).isEqualTo("[\"deny\"]");
        Api.Res rootCaps = root.post("sys/capabilities", "{\"token\":\"" + dev.token() + "\",\"path\":\"secret/a\"}");
        assertThat(rootCaps.data().get("capabilities").toString()).isEqualTo("[\"read\"]");
    }

    @Test
    void policyChangesTakeEffectOnTheNextRequest() {
        root.put("sys/policies/acl/flip", "{\"policy\":\"path \\\"sys/mounts\\\" { capabilities = [\\\"read\\\"] }\"}");
        Api t = create(root, "{\"policies\":[\"flip\"]}");
        assertThat(t.get("sys/mounts").status()).isEqualTo(200);
        root.put("sys/policies/acl/flip", "{\"policy\":\"path \\\"sys/mounts\\\" { capabilities = [\\\"deny\\\"] }\"}");
        assertThat(t.get("sys/mounts").status()).isEqualTo(403);
    }
}
