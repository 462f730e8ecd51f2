package dev.av.cli.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.cli.CliRun;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code av kv ...} in-process against a real dev-mode av on an ephemeral port. */
class KvCommandEndToEndTest {

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
    void putThenGetPrintVaultsSectionsAndTables() {
        CliRun.Result put = av().run("kv", "put", "secret/cli/app", "password=s3cret", "user=app");
        assertThat(put.code()).as(put.err()).isZero();
        assertThat(put.out()).startsWith("=== Secret Path ===\nsecret/data/cli/app\n\n======= Metadata =======\n")
                .contains("custom_metadata    <nil>").contains("deletion_time      n/a")
                .contains("destroyed          false").contains("version            1");

        CliRun.Result get = av().run("kv", "get", "secret/cli/app");
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out()).contains("======= Metadata =======").contains("version            1")
                .contains("\n\n===== Data =====\nKey         Value\n---         -----\npassword    s3cret\nuser        app\n");
    }

    @Test
    void fieldVersionAndJsonFormatWorkLikeVaultKv() {
        av().run("kv", "put", "secret/cli/f", "password=one");
        av().run("kv", "put", "secret/cli/f", "password=two");
        assertThat(av().run("kv", "get", "-field=password", "secret/cli/f").out()).isEqualTo("two");
        assertThat(av().run("kv", "get", "-version=1", "-field=password", "secret/cli/f").out()).isEqualTo("one");
        assertThat(av().run("kv", "get", "-mount=secret", "-field=password", "cli/f").out()).isEqualTo("two");
        CliRun.Result json = av().run("kv", "get", "-format=json", "secret/cli/f");
        assertThat(json.out()).contains("\"request_id\"").contains("\"password\"").contains("\"two\"");
        assertThat(av().run("kv", "put", "-field=version", "secret/cli/f", "password=three").out()).isEqualTo("3");
    }

    @Test
    void casMismatchIsAServerErrorWithVaultsMessage() {
        av().run("kv", "put", "-cas=0", "secret/cli/cas", "v=1");
        CliRun.Result refused = av().run("kv", "put", "-cas=0", "secret/cli/cas", "v=2");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("Error writing secret/data/cli/cas: ")
                .contains("check-and-set parameter did not match the current version");
    }

    @Test
    void patchListDeleteUndeleteAndDestroy() {
        av().run("kv", "put", "secret/cli/l/a", "x=1", "y=2");
        av().run("kv", "put", "secret/cli/l/sub/b", "x=1");
        CliRun.Result patched = av().run("kv", "patch", "secret/cli/l/a", "y=3");
        assertThat(patched.code()).as(patched.err()).isZero();
        assertThat(av().run("kv", "get", "-field=y", "secret/cli/l/a").out()).isEqualTo("3");
        assertThat(av().run("kv", "get", "-field=x", "secret/cli/l/a").out()).isEqualTo("1");
        assertThat(av().run("kv", "patch", "secret/cli/l/none", "y=3").code()).isEqualTo(2);

        assertThat(av().run("kv", "list", "secret/cli/l").out()).isEqualTo("Keys\n----\na\nsub/\n");
        assertThat(av().run("kv", "list", "secret/cli/nothing").code()).isEqualTo(2);

        assertThat(av().run("kv", "delete", "secret/cli/l/a").out())
                .isEqualTo("Success! Data deleted (if it existed) at: secret/data/cli/l/a\n");
        CliRun.Result deleted = av().run("kv", "get", "secret/cli/l/a");
        assertThat(deleted.out()).contains("======= Metadata =======").doesNotContain("=== Data ===");
        assertThat(av().run("kv", "undelete", "-versions=2", "secret/cli/l/a").out())
                .isEqualTo("Success! Data written to: secret/undelete/cli/l/a\n");
        assertThat(av().run("kv", "get", "-field=y", "secret/cli/l/a").out()).isEqualTo("3");
        assertThat(av().run("kv", "destroy", "-versions=1", "secret/cli/l/a").code()).isZero();
        assertThat(av().run("kv", "get", "-version=1", "-field=x", "secret/cli/l/a").code()).isEqualTo(2);
        assertThat(av().run("kv", "destroy", "secret/cli/l/a").code()).as("-versions is required").isEqualTo(1);
    }

    @Test
    void metadataPutGetAndDelete() {
        av().run("kv", "put", "secret/cli/m", "k=v");
        CliRun.Result put = av().run("kv", "metadata", "put", "-max-versions=5", "-custom-metadata=owner=ops",
                "secret/cli/m");
        assertThat(put.out()).isEqualTo("Success! Data written to: secret/metadata/cli/m\n");
        CliRun.Result get = av().run("kv", "metadata", "get", "secret/cli/m");
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out()).startsWith("=== Metadata Path ===\nsecret/metadata/cli/m\n\n")
                .contains("========= Metadata =========").contains("max_versions            5")
                .contains("custom_metadata         map[owner:ops]").contains("===== Version 1 =====");
        assertThat(av().run("kv", "metadata", "delete", "secret/cli/m").code()).isZero();
        assertThat(av().run("kv", "get", "secret/cli/m").code()).isEqualTo(2);
        assertThat(av().run("kv", "get", "secret/cli/m").err()).contains("No value found at secret/data/cli/m");
    }

    @Test
    void aMissingPathOrBadFlagIsAUsageError() {
        assertThat(av().run("kv", "get").code()).isEqualTo(1);
        assertThat(av().run("kv", "put", "secret/cli/x").code()).isEqualTo(1);
        assertThat(av().run("kv", "put", "secret", "a=b").err()).contains("missing secret key");
    }
}
