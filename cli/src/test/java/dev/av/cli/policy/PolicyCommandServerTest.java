package dev.av.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.cli.CliRun;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code av policy write|read|list|delete} in-process against a real dev-mode av on an ephemeral port. */
class PolicyCommandServerTest {

    private static AvServer server;

    @TempDir
    static Path home;

    @BeforeAll
    static void start() {
        server = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0")
                .proxyListenAddress("127.0.0.1:0").build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static CliRun av() {
        return new CliRun(home, server.apiAddress()).env("AV_TOKEN", server.rootToken());
    }

    @Test
    void writeReadListAndDeleteAnAclPolicy() throws Exception {
        Path f = home.resolve("ci.hcl");
        Files.writeString(f, "path \"secret/data/ci/*\" {\n  capabilities = [\"read\"]\n}\n");
        CliRun.Result w = av().run("policy", "write", "ci", f.toString());
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(w.out()).isEqualTo("Success! Uploaded policy: ci\n");
        CliRun.Result r = av().run("policy", "read", "ci");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("path \"secret/data/ci/*\" {\n  capabilities = [\"read\"]\n}\n");
        assertThat(av().run("policy", "list").out().lines().toList()).contains("ci", "default");
        CliRun.Result d = av().run("policy", "delete", "ci");
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(av().run("policy", "list").out().lines().toList()).doesNotContain("ci");
        assertThat(av().run("policy", "read", "ci").code()).isEqualTo(2);
    }

    @Test
    void writeFromStandardInputAndServerSideValidation() {
        CliRun.Result w = av().runWithStdin("path \"x\" { capabilities = [\"read\"] }", "policy", "write", "stdin-policy", "-");
        assertThat(w.code()).as(w.err()).isZero();
        CliRun.Result bad = av().runWithStdin("path \"x\" { capabilities = [\"banana\"] }", "policy", "write", "bad", "-");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("Error uploading policy").contains("invalid capability \"banana\"");
    }

    @Test
    void cedarPoliciesGoToTheirOwnEndpoint() {
        CliRun.Result w = av().runWithStdin("forbid(principal, action == Action::\"delete\", resource);", "policy", "write",
                "-cedar", "no-delete", "-");
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(av().run("policy", "list", "-cedar").out()).contains("no-delete");
        assertThat(av().run("policy", "read", "-cedar", "no-delete").out()).contains("forbid(");
        assertThat(av().run("policy", "delete", "-cedar", "no-delete").code()).isZero();
    }
}
