package dev.av.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.server.Api;
import java.time.Duration;
import java.util.List;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database, env and lease APIs through a real av server and the real PostgreSQL at 127.0.0.1:5432. */
class DatabaseMountTest {

    static AvServer av;
    static Api api;

    @BeforeAll
    static void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0").build());
        api = new Api(av.apiAddress(), av.rootToken());
    }

    @AfterAll
    static void stop() {
        av.close();
    }

    static void enableDatabase(Api api, String path) {
        Api.Res r = api.post("sys/mounts/" + path, "{\"type\":\"database\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        r = api.post(path + "/config/pg", """
                {"plugin_name":"postgresql-database-plugin",
                 "connection_url":"postgresql://{{username}}:{{password}}@127.0.0.1:5432/test?sslmode=disable",
                 "username":"postgres","password":"not-checked-under-trust","allowed_roles":"ro"}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        r = api.post(path + "/roles/ro", """
                {"db_name":"pg","default_ttl":"1h","max_ttl":"2h",
                 "creation_statements":["CREATE ROLE \\"{{name}}\\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"]}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    static Connection login(Api.Res creds) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test",
                creds.data().get("username").asText(), creds.data().get("password").asText());
    }

    static void assertRefused(Api.Res creds) {
        assertThatThrownBy(() -> login(creds).close()).isInstanceOf(SQLException.class);
    }

    @Test
    void credsGiveALoginWithAVaultShapedLeaseThatRevokeEnds() throws Exception {
        enableDatabase(api, "database");
        Api.Res creds = api.get("database/creds/ro");
        assertThat(creds.status()).as(creds.toString()).isEqualTo(200);
        String leaseId = creds.json().get("lease_id").asText();
        assertThat(leaseId).startsWith("database/creds/ro/");
        assertThat(creds.json().get("renewable").asBoolean()).isTrue();
        assertThat(creds.json().get("lease_duration").asLong()).isEqualTo(3600);
        assertThat(creds.json().get("mount_type").asText()).isEqualTo("database");
        login(creds).close();

        Api.Res lookup = api.put("sys/leases/lookup", "{\"lease_id\":\"" + leaseId + "\"}");
        assertThat(lookup.status()).as(lookup.toString()).isEqualTo(200);
        assertThat(lookup.data().get("id").asText()).isEqualTo(leaseId);
        assertThat(lookup.data().get("renewable").asBoolean()).isTrue();
        assertThat(lookup.data().get("ttl").asLong()).isBetween(3500L, 3600L);

        Api.Res renew = api.put("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\",\"increment\":\"90m\"}");
        assertThat(renew.status()).as(renew.toString()).isEqualTo(200);
        assertThat(renew.json().get("lease_id").asText()).isEqualTo(leaseId);
        assertThat(renew.json().get("lease_duration").asLong()).isEqualTo(5400L);

        Api.Res list = api.list("sys/leases/lookup/database/creds/ro/");
        assertThat(list.data().get("keys").toString()).contains(leaseId.substring(leaseId.lastIndexOf('/') + 1));

        Api.Res revoke = api.put("sys/leases/revoke", "{\"lease_id\":\"" + leaseId + "\"}");
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(204);
        assertRefused(creds);
        assertThat(api.put("sys/leases/lookup", "{\"lease_id\":\"" + leaseId + "\"}").error()).isEqualTo("invalid lease");
    }

    @Test
    void revokingTheTokenThatCreatedTheLeaseDropsTheLogin() throws Exception {
        enableDatabase(api, "db-token");
        Api.Res child = api.post("auth/token/create", "{\"policies\":[\"root\"],\"ttl\":\"1h\"}");
        Api.Res creds = api.as(child.auth().get("client_token").asText()).get("db-token/creds/ro");
        assertThat(creds.status()).as(creds.toString()).isEqualTo(200);
        login(creds).close();
        Api.Res revoked = api.post("auth/token/revoke", "{\"token\":\"" + child.auth().get("client_token").asText() + "\"}");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
        assertRefused(creds);
    }

    @Test
    void aLeaseReadWithAnEphemeralTokenBelongsToItsSessionAndEndsWithIt() throws Exception {
        enableDatabase(api, "db-session");
        TokenStore tokens = av.bean(TokenStore.class);
        TokenEntry root = tokens.lookup(av.rootToken()).orElseThrow();
        IssuedToken session = tokens.create(TokenRequest.builder().policies(List.of("root")).ttl(Duration.ofHours(1))
                .kind(TokenKind.SESSION).displayName("av-run").build(), root, true);
        IssuedToken ephemeral = tokens.create(TokenRequest.builder().policies(List.of("root")).ttl(Duration.ofMinutes(1))
                .numUses(1).kind(TokenKind.EPHEMERAL).build(), session.entry(), true);
        Api.Res creds = api.as(ephemeral.token()).get("db-session/creds/ro");
        assertThat(creds.status()).as(creds.toString()).isEqualTo(200);
        // the one-use ephemeral token is gone, the lease is not
        assertThat(api.as(ephemeral.token()).get("auth/token/lookup-self").status()).isEqualTo(403);
        login(creds).close();
        tokens.revokeTree(session.entry()); // av run exits
        assertRefused(creds);
    }

    @Test
    void disablingAMountRevokesItsLeasesFirst() throws Exception {
        enableDatabase(api, "db-disable");
        Api.Res creds = api.get("db-disable/creds/ro");
        login(creds).close();
        Api.Res r = api.delete("sys/mounts/db-disable");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        assertRefused(creds);
        assertThat(api.list("sys/leases/lookup/db-disable/").status()).isEqualTo(404);
    }

    @Test
    void badLeaseRequestsGetVaultErrors() {
        assertThat(api.put("sys/leases/renew", "{\"lease_id\":\"database/creds/ro/nope\"}").status()).isEqualTo(400);
        assertThat(api.put("sys/leases/lookup", "{}").error()).contains("lease_id");
        assertThat(api.put("sys/leases/revoke-prefix/", "{}").status()).isEqualTo(400);
    }

    @Test
    void anEnvMountReadsADotEnvFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, "export API_KEY='k-123'\n# comment\nOTHER=\"a\\nb\"\n");
        Api.Res r = api.post("sys/mounts/local", "{\"type\":\"env\",\"options\":{\"file\":\"" + file + "\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        Api.Res read = api.get("local/API_KEY");
        assertThat(read.status()).as(read.toString()).isEqualTo(200);
        assertThat(read.data().get("value").asText()).isEqualTo("k-123");
        assertThat(api.list("local/").data().get("keys").toString()).contains("API_KEY", "OTHER");
        assertThat(api.post("local/API_KEY", "{\"value\":\"x\"}").status()).isEqualTo(405);
    }
}
