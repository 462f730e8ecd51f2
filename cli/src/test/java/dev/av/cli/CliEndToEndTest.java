package dev.av.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.api.Json;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process against a real av dev server on an ephemeral port. */
class CliEndToEndTest {

    private static AvServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0")
                .proxyListenAddress("127.0.0.1:0").build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private CliRun root() {
        return new CliRun(home, server.apiAddress()).env("AV_TOKEN", server.rootToken());
    }

    @Test
    void aSecretWrittenWithWriteIsReadBackWithReadAndField() {
        CliRun av = root();
        CliRun.Result w = av.runWithStdin("{\"data\":{\"password\":\"s3cr3t\",\"user\":\"app\"}}",
                "write", "secret/data/e2e/app", "-");
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(w.out()).contains("version").contains("created_time");

        CliRun.Result r = av.run("read", "-format=json", "secret/data/e2e/app");
        assertThat(r.code()).as(r.err()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) Json.parseObject(r.out()).get("data");
        assertThat(data.get("data")).isEqualTo(Map.of("password", "s3cr3t", "user", "app"));

        CliRun.Result list = av.run("list", "secret/metadata/e2e");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).isEqualTo("Keys\n----\napp\n");

        assertThat(av.run("read", "secret/data/e2e/nothing").code()).isEqualTo(2);
    }

    @Test
    void aTokenLimitedByAPolicyReadsButCannotWrite() throws IOException {
        CliRun av = root();
        Path policy = Files.writeString(home.resolve("reader.hcl"),
                "path \"sys/policies/acl/e2e-*\" {\n  capabilities = [\"read\"]\n}\n");
        CliRun.Result p = av.run("write", "sys/policies/acl/e2e-reader", "policy=@" + policy);
        assertThat(p.code()).as(p.err()).isZero();

        CliRun.Result t = av.run("token", "create", "-policy=e2e-reader", "-ttl=10m", "-field=token");
        assertThat(t.code()).as(t.err()).isZero();
        String child = t.out().strip();
        assertThat(child).isNotBlank();

        CliRun limited = new CliRun(home, server.apiAddress()).env("AV_TOKEN", child);
        CliRun.Result denied = limited.run("write", "sys/policies/acl/e2e-reader", "policy=path \"*\" { capabilities = [\"sudo\"] }");
        assertThat(denied.code()).isEqualTo(2);
        assertThat(denied.err()).isEqualTo("Error writing sys/policies/acl/e2e-reader: permission denied\n");
        assertThat(av.run("read", "-field=policy", "sys/policies/acl/e2e-reader").out()).isEqualTo(Files.readString(policy));
        CliRun.Result caps = limited.run("token", "capabilities", "sys/policies/acl/e2e-reader");
        assertThat(caps.out().strip()).as(caps.err()).isEqualTo("read");
        assertThat(limited.run("token", "capabilities", "secret/data/x").out().strip()).isEqualTo("deny");
        CliRun.Result read = limited.run("read", "-field=policy", "sys/policies/acl/e2e-reader");
        assertThat(read.code()).as(read.err()).isZero();
        assertThat(read.out()).isEqualTo(Files.readString(policy));

        CliRun.Result lookup = limited.run("token", "lookup");
        assertThat(lookup.code()).as(lookup.err()).isZero();
        assertThat(lookup.out()).contains("e2e-reader");

        assertThat(av.run("token", "revoke", child).out()).contains("Success! Revoked token");
        assertThat(limited.run("read", "sys/policies/acl/e2e-reader").code()).isEqualTo(2);
    }

    @Test
    void aTokenLimitedByAPolicyReadsSecretsButCannotWriteThem() throws IOException {
        CliRun av = root();
        Path policy = Files.writeString(home.resolve("reader.hcl"),
                "path \"secret/data/e2e-policy/*\" {\n  capabilities = [\"read\"]\n}\n");
        CliRun.Result p = av.run("write", "sys/policies/acl/e2e-kv-reader", "policy=@" + policy);
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(av.runWithStdin("{\"data\":{\"k\":\"v\"}}", "write", "secret/data/e2e-policy/x", "-").code()).isZero();

        CliRun.Result t = av.run("token", "create", "-policy=e2e-kv-reader", "-ttl=10m", "-field=token");
        assertThat(t.code()).as(t.err()).isZero();
        String child = t.out().strip();

        CliRun limited = new CliRun(home, server.apiAddress()).env("AV_TOKEN", child);
        CliRun.Result read = limited.run("read", "-field=data", "secret/data/e2e-policy/x");
        assertThat(read.code()).as(read.err()).isZero();
        assertThat(read.out()).isEqualTo("{\"k\":\"v\"}");

        CliRun.Result denied = limited.runWithStdin("{\"data\":{\"k\":\"evil\"}}", "write", "secret/data/e2e-policy/x", "-");
        assertThat(denied.code()).isEqualTo(2);
        assertThat(denied.err()).isEqualTo("Error writing secret/data/e2e-policy/x: permission denied\n");

    }

    @Test
    void loginStoresTheTokenAndLaterCommandsUseIt() {
        CliRun plain = new CliRun(home, server.apiAddress());
        CliRun.Result login = plain.run("login", server.rootToken());
        assertThat(login.code()).as(login.err()).isZero();
        assertThat(home.resolve(".av-token")).hasContent(server.rootToken());
        CliRun.Result lookup = plain.run("token", "lookup", "-format=json");
        assertThat(lookup.code()).as(lookup.err()).isZero();
        assertThat(lookup.out()).contains("\"root\"");
    }

    @Test
    void statusSealAndUnsealWork() {
        CliRun av = root();
        assertThat(av.run("status").code()).isZero();
        assertThat(av.run("status", "-field=Sealed").out()).isEqualTo("false");
        try {
            CliRun.Result seal = av.run("operator", "seal");
            assertThat(seal.code()).as(seal.err()).isZero();
            CliRun.Result sealed = av.run("status");
            assertThat(sealed.code()).isEqualTo(2);
            assertThat(sealed.out()).containsPattern("\nSealed\\s+true\n");
            CliRun.Result wrong = av.runWithStdin("not-the-key\n", "operator", "unseal", "-");
            assertThat(wrong.code()).isEqualTo(2);
            assertThat(wrong.err()).startsWith("Error unsealing: ");
            assertThat(av.run("read", "secret/data/e2e/app").code()).isEqualTo(2);
        } finally {
            CliRun.Result unseal = av.env("AV_UNSEAL_KEY", server.unsealKey()).run("operator", "unseal");
            assertThat(unseal.code()).as(unseal.err()).isZero();
        }
        assertThat(av.run("status").code()).isZero();
    }
}
