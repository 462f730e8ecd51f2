package dev.av.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.cli.CliRun;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code av secrets ...} and {@code av lease ...} against a real av server and the real PostgreSQL. */
class SecretsCliTest {

    static AvServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0").build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private CliRun av() {
        return new CliRun(home, server.apiAddress()).env("AV_TOKEN", server.rootToken());
    }

    @Test
    void enableListDisableAnEnvMount() throws Exception {
        Path env = home.resolve(".env");
        Files.writeString(env, "TOKEN=abc\n");
        CliRun.Result en = av().run("secrets", "enable", "-path=local", "env", "file=" + env);
        assertThat(en.code()).as(en.err()).isZero();
        assertThat(en.out()).isEqualTo("Success! Enabled the env secrets engine at: local/\n");
        CliRun.Result list = av().run("secrets", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("Path", "local/", "env", "secret/", "kv");
        assertThat(av().run("read", "-field=value", "local/TOKEN").out()).isEqualTo("abc");
        CliRun.Result dis = av().run("secrets", "disable", "local");
        assertThat(dis.code()).as(dis.err()).isZero();
        assertThat(av().run("secrets", "list").out()).doesNotContain("local/");
    }

    @Test
    void leaseLookupRenewAndRevokeADatabaseCredential() throws Exception {
        CliRun av = av();
        assertThat(av.run("secrets", "enable", "database").code()).isZero();
        CliRun.Result cfg = av.run("write", "database/config/pg", "plugin_name=postgresql-database-plugin",
                "connection_url=postgresql://{{username}}:{{password}}@127.0.0.1:5432/test", "username=postgres",
                "password=x", "allowed_roles=ro");
        assertThat(cfg.code()).as(cfg.err()).isZero();
        CliRun.Result role = av.run("write", "database/roles/ro", "db_name=pg", "default_ttl=1h",
                "creation_statements=CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}';");
        assertThat(role.code()).as(role.err()).isZero();
        CliRun.Result creds = av.run("read", "-format=json", "database/creds/ro");
        assertThat(creds.code()).as(creds.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(creds.out());
        String leaseId = json.get("lease_id").asText();
        String user = json.get("data").get("username").asText();
        String password = json.get("data").get("password").asText();
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", user, password).close();

        CliRun.Result lookup = av.run("lease", "lookup", leaseId);
        assertThat(lookup.code()).as(lookup.err()).isZero();
        assertThat(lookup.out()).contains("expire_time", "renewable", "true");
        CliRun.Result renew = av.run("lease", "renew", "-increment=30m", leaseId);
        assertThat(renew.code()).as(renew.err()).isZero();
        assertThat(renew.out()).contains("lease_duration", "30m");
        CliRun.Result revoke = av.run("lease", "revoke", leaseId);
        assertThat(revoke.code()).as(revoke.err()).isZero();
        assertThat(revoke.out()).isEqualTo("Success! Revoked lease: " + leaseId + "\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", user, password).close())
                .isInstanceOf(SQLException.class);
        CliRun.Result unknown = av.run("lease", "lookup", leaseId);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("invalid lease");
    }

    @Test
    void aVaultMountKeepsItsUpstreamTokenOutOfTheMountTable() {
        CliRun av = av();
        CliRun.Result en = av.run("secrets", "enable", "-path=corp", "vault", "address=" + server.apiAddress(),
                "token=" + server.rootToken());
        assertThat(en.code()).as(en.err()).isZero();
        CliRun.Result mounts = av.run("read", "-format=json", "sys/mounts");
        assertThat(mounts.out()).contains("corp/").doesNotContain("\"token\"");
        assertThat(av.run("read", "-field=has_token", "corp/config").out()).isEqualTo("true");
        CliRun.Result bad = av.run("secrets", "enable", "-path=broken", "vault", "address=ftp://nowhere");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(av.run("secrets", "list").out()).doesNotContain("broken/");
    }
}
