package dev.av.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.cli.CliRun;
import dev.av.registry.storage.StorageSettings;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code av agent ...} against a running server: each subcommand, its flags, and its errors. */
class AgentCommandTest {

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void agentSubcommandsManageAnAgentEndToEnd(TestDatabase.Kind kind, @TempDir Path home) {
        try (TestDatabase db = TestDatabase.create(kind); AvServer av = start(kind, db)) {
            CliRun cli = new CliRun(home, av.apiAddress()).env("AV_TOKEN", av.rootToken());
            assertThat(cli.run("write", "agent-registry/users/alice", "display_name=Alice").code()).isZero();
            CliRun.Result created = cli.run("agent", "create", "code-bot", "--type", "autonomous", "--policy", "reviewer",
                    "--delegate", "alice", "--max-ttl", "10m", "--metadata", "team=alpha");
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).contains("Success! Agent code-bot created.");
            CliRun.Result again = cli.run("agent", "create", "code-bot");
            assertThat(again.code()).isNotZero();
            assertThat(again.err()).contains("already exists");

            CliRun.Result list = cli.run("agent", "list");
            assertThat(list.out()).contains("code-bot");
            CliRun.Result read = cli.run("agent", "read", "-format=json", "code-bot");
            assertThat(read.out()).contains("\"autonomous\"", "\"reviewer\"", "\"alice\"", "\"team\"", "600");

            assertThat(cli.run("agent", "update", "code-bot", "--description", "reviews code").code()).isZero();
            assertThat(cli.run("agent", "read", "-field=description", "code-bot").out().trim()).isEqualTo("reviews code");
            assertThat(cli.run("agent", "update", "code-bot").code()).as("nothing to update").isEqualTo(1);
            assertThat(cli.run("agent", "update", "ghost-bot", "--type", "x").code()).isNotZero();

            CliRun.Result token = cli.run("agent", "rotate-token", "-format=json", "code-bot");
            assertThat(token.code()).as(token.err()).isZero();
            assertThat(token.out()).contains("client_token");

            assertThat(cli.run("agent", "disable", "code-bot").code()).isZero();
            assertThat(cli.run("agent", "read", "-field=status", "code-bot").out().trim()).isEqualTo("disabled");
            assertThat(cli.run("agent", "enable", "code-bot").code()).isZero();
            assertThat(cli.run("agent", "read", "-field=status", "code-bot").out().trim()).isEqualTo("active");

            CliRun.Result bad = cli.run("agent", "create", "Bad_Name");
            assertThat(bad.code()).isNotZero();
            assertThat(bad.err()).contains("invalid agent name");

            assertThat(cli.run("agent", "delete", "code-bot").code()).isZero();
            assertThat(cli.run("agent", "read", "code-bot").code()).isNotZero();
        }
    }

    private static AvServer start(TestDatabase.Kind kind, TestDatabase db) {
        ServerConfig.Builder b = ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0");
        if (kind == TestDatabase.Kind.POSTGRES) {
            b.storage(StorageSettings.postgres(db.jdbcUrl(), db.user(), ""));
        }
        return AvServer.start(b.build());
    }
}
