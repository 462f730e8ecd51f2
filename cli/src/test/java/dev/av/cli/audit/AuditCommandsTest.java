package dev.av.cli.audit;

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

/** av audit enable | list | tail | verify | disable against a real dev server. */
class AuditCommandsTest {

    static AvServer av;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build());
    }

    @AfterAll
    static void stop() {
        av.close();
    }

    private CliRun cli() {
        return new CliRun(dir, av.apiAddress()).env("AV_TOKEN", av.rootToken());
    }

    @Test
    void enableListTailVerifyAndDisableAFileDevice() throws Exception {
        Path log = dir.resolve("audit.log");
        CliRun.Result enable = cli().run("audit", "enable", "-path=main", "file", "file_path=" + log, "checkpoint_entries=3");
        assertThat(enable.code()).as(enable.err()).isZero();
        assertThat(enable.out()).contains("Success! Enabled the file audit device at: main/");

        CliRun.Result list = cli().run("audit", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("Path", "main/", "file");
        CliRun.Result detailed = cli().run("audit", "list", "-detailed");
        assertThat(detailed.out()).contains("file_path", "Public key");

        assertThat(cli().env("AV_TOKEN", "not-a-token").run("audit", "list").code()).isEqualTo(2);

        CliRun.Result tail = cli().run("audit", "tail", "-n", "3");
        assertThat(tail.code()).as(tail.err()).isZero();
        assertThat(tail.out().lines().count()).isBetween(1L, 3L);
        assertThat(tail.out()).contains("\"type\":").doesNotContain(av.rootToken());

        CliRun.Result follow = cli().run("audit", "tail", "-f", "-poll", "-max-polls", "2", "-poll-wait", "1s",
                "-decision", "deny");
        assertThat(follow.code()).as(follow.err()).isZero();

        CliRun.Result off = cli().run("audit", "disable", "main");
        assertThat(off.code()).isZero();
        assertThat(cli().run("audit", "list").out()).contains("No audit devices are enabled.");

        CliRun.Result verify = cli().run("audit", "verify", log.toString());
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(Files.readString(log)).doesNotContain(av.rootToken());
    }

    @Test
    void enablingWithABadOptionFailsWithTheServersMessage() {
        CliRun.Result r = cli().run("audit", "enable", "-path=bad", "file", "file_path=" + dir.resolve("x.log"), "colour=red");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option \"colour\"");
    }

    @Test
    void tailFollowsTheServerSentEventsWithTheDecisionFilter() throws Exception {
        CliRun.Result on = cli().run("audit", "enable", "-path=sse", "file", "file_path=" + dir.resolve("sse.log"));
        assertThat(on.code()).as(on.err()).isZero();
        CliRun.Result weak = cli().run("token", "create", "-policy=default", "-field=token");
        assertThat(weak.code()).as(weak.err()).isZero();
        String weakToken = weak.out().strip();
        try {
            var follower = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    cli().run("audit", "tail", "-f", "-n", "0", "-decision", "deny", "-max-entries", "2"));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!follower.isDone() && System.nanoTime() < deadline) {
                // an allowed request (not shown) and a denied one (shown: request and response entries)
                cli().run("audit", "list");
                cli().env("AV_TOKEN", weakToken).run("read", "secret/data/nope");
                Thread.sleep(200);
            }
            assertThat(follower.isDone()).as("the follower stopped after two denied entries").isTrue();
            CliRun.Result r = follower.get();
            assertThat(r.code()).as(r.err()).isZero();
            java.util.List<String> lines = r.out().lines().toList();
            assertThat(lines).hasSize(2).allMatch(l -> l.startsWith("{") && l.contains("\"allowed\":false"));
            assertThat(r.out()).doesNotContain(av.rootToken()).doesNotContain(weakToken).contains("secret/data/nope");
        } finally {
            cli().run("audit", "disable", "sse");
        }
    }
}
