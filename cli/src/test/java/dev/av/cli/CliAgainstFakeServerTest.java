package dev.av.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's parsing, output and exit codes against a small Vault-shaped server on loopback. */
class CliAgainstFakeServerTest {

    @TempDir
    Path home;

    private FakeAv server;
    private CliRun av;

    @BeforeEach
    void start() throws IOException {
        server = new FakeAv();
        av = new CliRun(home, server.address()).env("AV_TOKEN", FakeAv.ROOT);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void writeThenReadPrintsAVaultStyleTable() {
        CliRun.Result w = av.run("write", "sys/things/app", "user=alice", "ttl=90");
        assertThat(w.code()).isZero();
        assertThat(w.out()).isEqualTo("Success! Data written to: sys/things/app\n");

        CliRun.Result r = av.run("read", "sys/things/app");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                Key     Value
                ---     -----
                ttl     1m30s
                user    alice
                """);
    }

    @Test
    void fieldPrintsOnlyTheRawValueWithoutANewlineForScripts() {
        av.run("write", "kv/app", "password=s3cr3t");
        CliRun.Result r = av.run("read", "-field=password", "kv/app");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("s3cr3t");
        CliRun.Result missing = av.run("read", "-field=nope", "kv/app");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("Field \"nope\" not present in secret");
    }

    @Test
    void jsonAndYamlFormatsPrintTheWholeAnswer() {
        av.run("write", "kv/app", "a=1");
        CliRun.Result json = av.run("read", "-format=json", "kv/app");
        assertThat(json.code()).isZero();
        Map<String, Object> parsed = Json.parseObject(json.out());
        assertThat(parsed).containsEntry("data", Map.of("a", "1")).containsKey("request_id");
        CliRun.Result yaml = av.env("AV_FORMAT", "yaml").run("read", "kv/app");
        assertThat(yaml.out()).contains("data:\n  a: \"1\"\n").contains("request_id: req-1");
    }

    @Test
    void dataComesFromFilesStdinAndRepeatedKeys() throws IOException {
        Path file = Files.writeString(home.resolve("policy.hcl"), "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n");
        assertThat(av.run("write", "kv/p", "policy=@" + file, "tag=a", "tag=b").code()).isZero();
        FakeAv.Call call = server.calls.get(server.calls.size() - 1);
        assertThat(call.method()).isEqualTo("PUT");
        assertThat(call.body()).isEqualTo(Map.of("policy", Files.readString(file), "tag", List.of("a", "b")));

        assertThat(av.runWithStdin("{\"data\":{\"k\":[1,2]}}", "write", "kv/j", "-").code()).isZero();
        assertThat(server.calls.get(server.calls.size() - 1).body()).isEqualTo(Map.of("data", Map.of("k", List.of(1L, 2L))));

        assertThat(av.runWithStdin("from-stdin\n", "write", "kv/s", "value=-").code()).isZero();
        assertThat(server.calls.get(server.calls.size() - 1).body()).isEqualTo(Map.of("value", "from-stdin\n"));
    }

    @Test
    void malformedArgumentsAreUsageErrorsAndSendNothing() {
        int before = server.calls.size();
        CliRun.Result noEq = av.run("write", "kv/x", "password");
        assertThat(noEq.code()).isEqualTo(1);
        assertThat(noEq.err()).contains("format must be key=value");
        CliRun.Result noFile = av.run("write", "kv/x", "a=@/nonexistent/file");
        assertThat(noFile.code()).isEqualTo(1);
        assertThat(noFile.err()).contains("no such file");
        CliRun.Result badJson = av.runWithStdin("{\"password\": hunter2}", "write", "kv/x", "-");
        assertThat(badJson.code()).isEqualTo(1);
        assertThat(badJson.err()).contains("Failed to parse JSON input").doesNotContain("hunter2");
        CliRun.Result noData = av.run("write", "kv/x");
        assertThat(noData.code()).isEqualTo(1);
        assertThat(noData.err()).contains("Must supply data or use -force");
        assertThat(server.calls).hasSize(before);
    }

    @Test
    void aDeniedWriteSaysWhatFailedAndExitsWith2() {
        CliRun.Result r = av.run("write", "denied/x", "a=b");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("Error writing denied/x: permission denied\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void readingNothingSaysSoAndExitsWith2() {
        CliRun.Result r = av.run("read", "kv/none");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("No value found at kv/none\n");
    }

    @Test
    void listPrintsKeysWithFoldersAndDeleteConfirms() {
        av.run("write", "kv/a", "x=1");
        av.run("write", "kv/dir/b", "x=1");
        CliRun.Result l = av.run("list", "kv");
        assertThat(l.code()).isZero();
        assertThat(l.out()).isEqualTo("Keys\n----\na\ndir/\n");
        assertThat(av.run("list", "-format=json", "kv").out()).isEqualTo("[\n  \"a\",\n  \"dir/\"\n]\n");
        CliRun.Result d = av.run("delete", "kv/a");
        assertThat(d.code()).isZero();
        assertThat(d.out()).isEqualTo("Success! Data deleted (if it existed) at: kv/a\n");
        assertThat(av.run("list", "nothing-here").code()).isEqualTo(2);
    }

    @Test
    void patchSendsAMergePatchAndPrintsTheResult() {
        av.run("write", "kv/p", "a=1", "b=2");
        CliRun.Result r = av.run("patch", "kv/p", "b=3");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("a      1").contains("b      3");
        assertThat(server.calls.get(server.calls.size() - 1).method()).isEqualTo("PATCH");
    }

    @Test
    void loginChecksTheTokenAndStoresItPrivately() throws IOException {
        CliRun noEnv = new CliRun(home, server.address());
        CliRun.Result bad = noEnv.run("login", "avs.wrong");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("Error logging in: permission denied\n");
        assertThat(home.resolve(".av-token")).doesNotExist();

        CliRun.Result ok = noEnv.runWithStdin(FakeAv.ROOT + "\n", "login", "-");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).startsWith("Success! You are now authenticated.")
                .contains("token                " + FakeAv.ROOT).contains("token_policies       [\"root\"]")
                .contains("token_duration       ∞");
        Path file = home.resolve(".av-token");
        assertThat(Files.readString(file)).isEqualTo(FakeAv.ROOT);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // later commands use the stored token
        assertThat(noEnv.run("token", "lookup").out()).containsPattern("\nid\\s+" + FakeAv.ROOT + "\n");
    }

    @Test
    void tokenCreateSendsVaultsFieldsAndPrintsTheAuthBlock() {
        CliRun.Result r = av.run("token", "create", "-policy=dev", "-policy", "ci,ops", "-ttl=1h", "-use-limit=3",
                "-renewable=false", "-metadata", "user=alice", "-display-name=bot");
        assertThat(r.code()).isZero();
        FakeAv.Call call = server.calls.get(server.calls.size() - 1);
        assertThat(call.path()).isEqualTo("auth/token/create");
        assertThat(call.body()).isEqualTo(Map.of("policies", List.of("dev", "ci", "ops"), "ttl", "1h", "num_uses", 3L,
                "renewable", false, "display_name", "bot", "meta", Map.of("user", "alice")));
        assertThat(r.out()).contains("token_duration       1h").contains("token_meta_user      alice");
        CliRun.Result field = av.run("token", "create", "-field=token");
        assertThat(field.out()).startsWith("avs.child");
    }

    @Test
    void statusPrintsTheSealStateAndExitsZeroWhenUnsealed() {
        CliRun.Result r = av.env("AV_TOKEN", null).run("status");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Sealed          false").contains("Initialized     true");
    }

    @Test
    void anUnreachableServerIsAnErrorWithExitCode2() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun.Result r = av.run("read", "-address=http://127.0.0.1:" + port, "kv/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("Error reading kv/x: cannot reach av at http://127.0.0.1:" + port);
    }

    @Test
    void usageMistakesExitWith1() {
        assertThat(av.run("frobnicate").code()).isEqualTo(1);
        CliRun.Result badOpt = av.run("read", "-nope", "kv/x");
        assertThat(badOpt.code()).isEqualTo(1);
        assertThat(badOpt.err()).contains("Run 'av read --help' for usage.");
        assertThat(av.run("read").code()).isEqualTo(1);
        CliRun.Result badFormat = av.run("read", "-format=xml", "kv/x");
        assertThat(badFormat.code()).isEqualTo(1);
        assertThat(badFormat.err()).contains("Invalid output format");
        assertThat(av.run("read", "-address=127.0.0.1:1", "kv/x").err()).contains("must start with http://");
        assertThat(av.run().code()).isEqualTo(1);
    }

    @Test
    void everyCommandHasHelp() {
        picocli.CommandLine root = Main.commandLine(new Cli(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()), System.in, Map.of(), home, false), null);
        List<List<String>> paths = new java.util.ArrayList<>();
        collect(root, List.of(), paths);
        assertThat(paths).hasSizeGreaterThan(15);
        for (List<String> p : paths) {
            List<String> args = new java.util.ArrayList<>(p);
            args.add("--help");
            CliRun.Result r = av.run(args.toArray(String[]::new));
            assertThat(r.code()).as("av %s --help", String.join(" ", p)).isZero();
            assertThat(r.out()).as("av %s --help", String.join(" ", p)).startsWith("Usage: av");
        }
    }

    private static void collect(picocli.CommandLine cl, List<String> prefix, List<List<String>> out) {
        for (Map.Entry<String, picocli.CommandLine> e : cl.getSubcommands().entrySet()) {
            List<String> p = new java.util.ArrayList<>(prefix);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void theCompletionScriptCoversTheCommands() {
        CliRun.Result r = av.run("completion", "bash");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F").contains("token").contains("capabilities");
    }
}
