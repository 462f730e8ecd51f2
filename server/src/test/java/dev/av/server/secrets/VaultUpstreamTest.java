package dev.av.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.secrets.lease.Lease;
import dev.av.secrets.lease.LeaseManager;
import dev.av.secrets.vault.VaultEngine;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.server.mount.MountTable;
import dev.av.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code vault} engine against a real Vault-API server: a second av runs as the upstream, its
 * {@code database} engine on the real PostgreSQL gives real dynamic secrets with leases, and the first
 * av's {@code vault} mount reads them through spring-vault. The first av runs on a clock the test
 * moves; background upkeep is switched off so that the test drives expiry and renewal itself.
 */
class VaultUpstreamTest {

    static AvServer upstream;
    static AvServer av;
    static Api up;
    static Api api;
    static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() {
        upstream = AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0").build());
        up = new Api(upstream.apiAddress(), upstream.rootToken());
        DatabaseMountTest.enableDatabase(up, "database");
        av = AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0")
                .clock(clock).properties(Map.of("av.secrets.lease-tick", "1h", "av.secrets.vault-upkeep", "1h")).build());
        api = new Api(av.apiAddress(), av.rootToken());
        mountUpstream("upstream", upstreamToken());
    }

    @AfterAll
    static void stop() {
        if (av != null) {
            av.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static String upstreamToken() {
        Api.Res t = up.post("auth/token/create", "{\"policies\":[\"root\"],\"ttl\":\"24h\"}");
        assertThat(t.status()).as(t.toString()).isEqualTo(200);
        return t.auth().get("client_token").asText();
    }

    static void mountUpstream(String path, String token) {
        Api.Res r = api.post("sys/mounts/" + path, "{\"type\":\"vault\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        configure(path, upstream.apiAddress(), token);
    }

    static void configure(String path, String address, String token) {
        Api.Res r = api.post(path + "/config", "{\"address\":\"" + address + "\",\"token\":\"" + token + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    static Api session() {
        Api.Res t = api.post("auth/token/create", "{\"policies\":[\"root\"],\"ttl\":\"8h\"}");
        assertThat(t.status()).as(t.toString()).isEqualTo(200);
        return api.as(t.auth().get("client_token").asText());
    }

    static VaultEngine engine(String path) {
        MountTable mounts = av.bean(MountTable.class);
        return (VaultEngine) ((EngineBackend) mounts.backend(mounts.get(path + "/").orElseThrow())).engine();
    }

    static String upstreamLease(String avLeaseId) {
        Lease l = av.bean(LeaseManager.class).lookup(avLeaseId).orElseThrow();
        return l.internalString("upstream_lease_id");
    }

    @Test
    void aDynamicSecretIsReadThroughTheUpstreamAndRevokedUpstreamWhenTheSessionEnds() throws Exception {
        Api session = session();
        Api.Res creds = session.get("upstream/database/creds/ro");
        assertThat(creds.status()).as(creds.toString()).isEqualTo(200);
        assertThat(creds.json().get("lease_id").asText()).startsWith("upstream/database/creds/ro/");
        assertThat(creds.json().get("renewable").asBoolean()).isTrue();
        assertThat(creds.json().get("lease_duration").asLong()).isBetween(3500L, 3600L);
        assertThat(upstreamLease(creds.json().get("lease_id").asText())).startsWith("database/creds/ro/");
        DatabaseMountTest.login(creds).close();

        Api.Res again = session.get("upstream/database/creds/ro");
        assertThat(again.data().get("username").asText()).as("the cached credential is reused while valid")
                .isEqualTo(creds.data().get("username").asText());

        Api.Res end = api.post("auth/token/revoke", "{\"token\":\"" + session.token() + "\"}");
        assertThat(end.status()).as(end.toString()).isEqualTo(204);
        DatabaseMountTest.assertRefused(creds);
    }

    @Test
    void aKvVersionTwoSecretIsDetectedAndReadAsItsFields() {
        Api.Res w = up.post("secret/data/app", "{\"data\":{\"api_key\":\"k-123\"}}");
        assertThat(w.status()).as(w.toString()).isEqualTo(200);
        Api.Res r = api.get("upstream/secret/app");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.data().get("api_key").asText()).isEqualTo("k-123");
        assertThat(r.json().get("lease_id").asText()).isEmpty();
        Api.Res explicit = api.get("upstream/secret/data/app");
        assertThat(explicit.data().get("data").get("api_key").asText()).isEqualTo("k-123");
        assertThat(api.list("upstream/secret/").data().get("keys").toString()).contains("app");
        assertThat(api.get("upstream/secret/missing").status()).isEqualTo(404);
        assertThat(api.post("upstream/secret/app", "{\"x\":\"y\"}").status()).isEqualTo(405);
    }

    @Test
    void renewingTheAvLeaseRenewsTheUpstreamLease() {
        Api session = session();
        Api.Res creds = session.get("upstream/database/creds/ro");
        String leaseId = creds.json().get("lease_id").asText();
        String upstreamLease = upstreamLease(leaseId);
        Api.Res renewed = api.put("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\",\"increment\":\"100m\"}");
        assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
        assertThat(renewed.json().get("lease_duration").asLong()).isBetween(5900L, 6000L);
        Api.Res upLookup = up.put("sys/leases/lookup", "{\"lease_id\":\"" + upstreamLease + "\"}");
        assertThat(upLookup.data().get("ttl").asLong()).as(upLookup.toString()).isGreaterThan(3600L);
        assertThat(upLookup.data().get("last_renewal").isNull()).isFalse();
        api.put("sys/leases/revoke", "{\"lease_id\":\"" + leaseId + "\"}");
        assertThat(up.put("sys/leases/lookup", "{\"lease_id\":\"" + upstreamLease + "\"}").status()).isEqualTo(400);
    }

    @Test
    void anExpiredAvLeaseIsRevokedUpstream() throws Exception {
        Api session = session();
        Api.Res creds = session.get("upstream/database/creds/ro");
        DatabaseMountTest.login(creds).close();
        clock.advance(Duration.ofMinutes(61));
        assertThat(av.bean(LeaseManager.class).tick()).isGreaterThanOrEqualTo(1);
        DatabaseMountTest.assertRefused(creds);
        Api.Res fresh = session.get("upstream/database/creds/ro");
        assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
        assertThat(fresh.data().get("username").asText()).isNotEqualTo(creds.data().get("username").asText());
        api.post("auth/token/revoke", "{\"token\":\"" + session.token() + "\"}");
    }

    @Test
    void upkeepRenewsALeaseInUseBeforeItExpires() {
        Api session = session();
        Api.Res creds = session.get("upstream/database/creds/ro");
        String leaseId = creds.json().get("lease_id").asText();
        Instant firstExpiry = av.bean(LeaseManager.class).lookup(leaseId).orElseThrow().expireTime();
        clock.advance(Duration.ofMinutes(45));
        engine("upstream").maintain();
        Instant renewedExpiry = av.bean(LeaseManager.class).lookup(leaseId).orElseThrow().expireTime();
        assertThat(renewedExpiry).isAfter(firstExpiry);
        api.post("auth/token/revoke", "{\"token\":\"" + session.token() + "\"}");
    }

    @Test
    void anUnreachableUpstreamServesTheCacheOnlyWhileTheLeaseIsValidThenFailsClosedAndRecovers() throws Exception {
        Api.Res r = api.post("sys/mounts/flaky", "{\"type\":\"vault\"}");
        configure("flaky", upstream.apiAddress(), upstreamToken());
        Api session = session();
        Api.Res creds = session.get("flaky/database/creds/ro");
        assertThat(creds.status()).as(creds.toString()).isEqualTo(200);

        configure("flaky", "http://127.0.0.1:9", upstreamToken()); // nothing listens on the discard port
        clock.advance(Duration.ofMinutes(50)); // inside the refresh window, lease still valid
        Api.Res cached = session.get("flaky/database/creds/ro");
        assertThat(cached.status()).as(cached.toString()).isEqualTo(200);
        assertThat(cached.data().get("username").asText()).isEqualTo(creds.data().get("username").asText());
        assertThat(cached.json().get("warnings").toString()).contains("served from cache");

        clock.advance(Duration.ofMinutes(11)); // the lease has expired
        Api.Res closed = session.get("flaky/database/creds/ro");
        assertThat(closed.status()).as(closed.toString()).isEqualTo(503);
        assertThat(closed.error()).contains("credential unavailable");

        configure("flaky", upstream.apiAddress(), upstreamToken());
        Api.Res recovered = session.get("flaky/database/creds/ro");
        assertThat(recovered.status()).as(recovered.toString()).isEqualTo(200);
        assertThat(recovered.data().get("username").asText()).isNotEqualTo(creds.data().get("username").asText());
        api.post("auth/token/revoke", "{\"token\":\"" + session.token() + "\"}");
    }

    @Test
    void aRevokedUpstreamTokenIsNoticedAndNotUsedAgain() {
        String token = upstreamToken();
        api.post("sys/mounts/revoked", "{\"type\":\"vault\"}");
        configure("revoked", upstream.apiAddress(), token);
        Api session = session();
        assertThat(session.get("revoked/database/creds/ro").status()).isEqualTo(200);
        assertThat(up.post("auth/token/revoke", "{\"token\":\"" + token + "\"}").status()).isEqualTo(204);
        Api.Res denied = session.get("revoked/database/roles/ro");
        assertThat(denied.status()).as(denied.toString()).isEqualTo(503);
        assertThat(denied.error()).contains("credential unavailable");
        api.post("auth/token/revoke", "{\"token\":\"" + session.token() + "\"}");
    }

    @Test
    void avsOwnUpstreamTokenIsRenewedBeforeItExpires() throws Exception {
        Api.Res t = up.post("auth/token/create", "{\"policies\":[\"root\"],\"ttl\":\"12s\",\"renewable\":true}");
        String token = t.auth().get("client_token").asText();
        api.post("sys/mounts/renewing", "{\"type\":\"vault\"}");
        configure("renewing", upstream.apiAddress(), token);
        assertThat(api.get("renewing/database/roles/ro").status()).isEqualTo(200); // logs in (lookup-self)
        // spring-vault renews a few seconds before expiry; wait for it, bounded
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Api.Res lookup = up.post("auth/token/lookup", "{\"token\":\"" + token + "\"}");
        while (!lookup.data().has("last_renewal_time") && System.nanoTime() < deadline) {
            Thread.sleep(250);
            lookup = up.post("auth/token/lookup", "{\"token\":\"" + token + "\"}");
        }
        assertThat(lookup.data().has("last_renewal_time")).as(lookup.toString()).isTrue();
        assertThat(api.get("renewing/database/roles/ro").status()).isEqualTo(200);
    }

    @Test
    void theUpstreamConfigIsSealedAndNeverShowsTheToken() {
        Api.Res cfg = api.get("upstream/config");
        assertThat(cfg.status()).as(cfg.toString()).isEqualTo(200);
        assertThat(cfg.data().get("address").asText()).isEqualTo(upstream.apiAddress());
        assertThat(cfg.data().get("has_token").asBoolean()).isTrue();
        assertThat(cfg.body()).doesNotContain("avs.");
        assertThat(api.get("sys/mounts/upstream").body()).doesNotContain("avs.");
        Api.Res bad = api.post("upstream/config", "{\"address\":\"ftp://x\"}");
        assertThat(bad.status()).isEqualTo(400);
    }
}
