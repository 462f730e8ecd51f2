package dev.av.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.api.Json;
import dev.av.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code av policy fmt|validate|check}: offline, no server. */
class PolicyCommandOfflineTest {

    @TempDir
    Path dir;

    private CliRun av() {
        return new CliRun(dir, "http://127.0.0.1:1");
    }

    private String file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void fmtRewritesTheFileInCanonicalForm() throws IOException {
        String f = file("dev.hcl", "path \"a\" {capabilities=[\"read\"]}\n");
        CliRun.Result r = av().run("policy", "fmt", f);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("Success! Formatted policy: " + f + "\n");
        assertThat(Files.readString(Path.of(f))).isEqualTo("path \"a\" {\n  capabilities = [\"read\"]\n}\n");
        CliRun.Result stdin = av().runWithStdin("path \"b\" {policy=\"read\"}", "policy", "fmt", "-");
        assertThat(stdin.out()).isEqualTo("path \"b\" {\n  policy = \"read\"\n}\n");
    }

    @Test
    void fmtRefusesAnInvalidPolicyAndLeavesTheFileAlone() throws IOException {
        String f = file("bad.hcl", "path \"a\" { capabilities = [\"banana\"] }");
        CliRun.Result r = av().run("policy", "fmt", f);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("invalid capability \"banana\"");
        assertThat(Files.readString(Path.of(f))).isEqualTo("path \"a\" { capabilities = [\"banana\"] }");
    }

    @Test
    void validateReportsEachFileAndExitsOneWhenAnyIsInvalid() throws IOException {
        String good = file("good.hcl", "path \"a\" { capabilities = [\"read\"] }");
        String json = file("j.json", "{\"path\": {\"a\": {\"capabilities\": [\"read\"]}}}");
        String cedar = file("guard.cedar", "forbid(principal, action == Action::\"delete\", resource);");
        CliRun.Result ok = av().run("policy", "validate", good, json, cedar);
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains(good + ": ok", json + ": ok", cedar + ": ok");

        String bad = file("bad.hcl", "name = \"x\"\nbogus = 1\n");
        String badCedar = file("bad.cedar", "permit(principal, action, resource) when { context.nope };");
        CliRun.Result r = av().run("policy", "validate", good, bad, badCedar, dir.resolve("missing.hcl").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains(good + ": ok");
        assertThat(r.err()).contains(bad + ": failed to parse policy: 1 error occurred: invalid key \"bogus\" on line 2")
                .contains(badCedar + ": cedar policy \"bad/0\" in \"bad\" (line 1)")
                .contains("missing.hcl: cannot read");
    }

    @Test
    void checkPrintsTheDecisionAndExitsTwoWhenDenied() throws IOException {
        String dev = file("dev.hcl", """
                path "secret/data/*" {
                  capabilities = ["create", "update", "read"]
                  allowed_parameters = { "ttl" = ["1h", "2h"] }
                  max_wrapping_ttl = "5m"
                }
                """);
        CliRun.Result ok = av().run("policy", "check", "-policy", dev, "-op", "update", "-path", "secret/data/app",
                "-data", "{\"ttl\":\"1h\"}", "-wrap-ttl", "60s");
        assertThat(ok.code()).as(ok.err() + ok.out()).isZero();
        assertThat(ok.out()).contains("Allowed            true").contains("Capabilities       create, read, update")
                .contains("Granting policies  dev");
        CliRun.Result denied = av().run("policy", "check", "-policy", dev, "-op", "update", "-path", "secret/data/app",
                "-data", "{\"ttl\":\"9h\"}", "-wrap-ttl", "60s", "-format=json");
        assertThat(denied.code()).isEqualTo(2);
        Map<String, Object> json = Json.parseObject(denied.out());
        assertThat(json).containsEntry("allowed", false).containsEntry("root_privs", false);
        assertThat(json.get("reason").toString()).contains("ttl");
        CliRun.Result noWrap = av().run("policy", "check", "-policy", dev, "-op", "read", "-path", "secret/data/app");
        assertThat(noWrap.code()).isEqualTo(2);
        assertThat(noWrap.out()).contains("Reason             response wrapping");
    }

    @Test
    void checkUnderstandsTheBuiltInRootAndDefaultPolicies() {
        CliRun.Result root = av().run("policy", "check", "-policy", "root", "-op", "delete", "-path", "sys/raw/x", "-sudo");
        assertThat(root.code()).isZero();
        assertThat(root.out()).contains("Is root            true").contains("Capabilities       root");
        CliRun.Result def = av().run("policy", "check", "-policy", "default", "-op", "update", "-path", "auth/token/renew-self");
        assertThat(def.code()).isZero();
        CliRun.Result both = av().run("policy", "check", "-policy", "root,default", "-op", "read", "-path", "x");
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.err()).contains("other policies present along with root");
    }

    @Test
    void checkRejectsBadArgumentsWithOneLine() {
        assertThat(av().run("policy", "check", "-op", "read").code()).isEqualTo(1);
        CliRun.Result op = av().run("policy", "check", "-policy", "default", "-op", "frob", "-path", "x");
        assertThat(op.code()).isEqualTo(1);
        assertThat(op.err()).contains("unknown operation \"frob\"");
    }

    @Test
    void batchAnswersEveryLineInOrderIncludingErrors() {
        String dev = "path \"secret/*\" { capabilities = [\"read\", \"list\"] mfa_methods = [\"totp\"] }";
        String ops = "path \"secret/*\" { capabilities = [\"update\"] }\npath \"secret/locked\" { capabilities = [\"deny\"] }";
        String cg = "path \"prod/*\" { capabilities = [\"read\"] control_group = { factor \"m\" { identity { group_names = [\"managers\"] approvals = 2 } } } }";
        StringBuilder in = new StringBuilder();
        in.append(Json.write(Map.of("policies", List.of(Map.of("name", "dev", "text", dev), Map.of("name", "ops", "text", ops)),
                "request", Map.of("operation", "read", "path", "secret/foo")))).append('\n');
        in.append(Json.write(Map.of("policies", List.of(Map.of("name", "dev", "text", dev), Map.of("name", "ops", "text", ops)),
                "request", Map.of("operation", "read", "path", "secret/locked")))).append('\n');
        in.append(Json.write(Map.of("policies", List.of(Map.of("name", "root")),
                "request", Map.of("operation", "update", "path", "sys/seal")))).append('\n');
        in.append(Json.write(Map.of("policies", List.of(Map.of("name", "cg", "text", cg)),
                "request", Map.of("operation", "update", "path", "prod/db", "data", Map.of("a", 1), "wrap_ttl", "60s")))).append('\n');
        in.append(Json.write(Map.of("policies", List.of(Map.of("name", "bad", "text", "path \"a\" { policy = \"x\" }")),
                "request", Map.of("operation", "read", "path", "a")))).append('\n');
        in.append("\n");
        in.append("not json\n");
        in.append(Json.write(Map.of("policies", List.of(Map.of("name", "root"), Map.of("name", "dev", "text", dev)),
                "request", Map.of("operation", "read", "path", "a")))).append('\n');
        CliRun.Result r = av().runWithStdin(in.toString(), "policy", "check", "-batch");
        assertThat(r.code()).as(r.err()).isZero();
        List<Map<String, Object>> lines = r.out().lines().map(Json::parseObject).toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).containsOnlyKeys("allowed", "root_privs", "is_root", "capabilities", "granting_policies",
                "mfa_methods", "control_group");
        assertThat(lines.get(0)).containsEntry("allowed", true).containsEntry("granting_policies", List.of("dev"))
                .containsEntry("capabilities", List.of("list", "read", "update")).containsEntry("mfa_methods", List.of("totp"));
        assertThat(lines.get(1)).containsEntry("allowed", false).containsEntry("capabilities", List.of("deny"));
        assertThat(lines.get(2)).containsEntry("allowed", true).containsEntry("is_root", true)
                .containsEntry("root_privs", true).containsEntry("capabilities", List.of("root"));
        assertThat(lines.get(3)).containsEntry("allowed", false);
        assertThat(lines.get(3).get("control_group").toString()).contains("managers");
        assertThat(lines.get(4).get("error").toString()).contains("invalid policy \"x\"");
        assertThat(lines.get(5)).containsKey("error");
        assertThat(lines.get(6)).containsEntry("error", "other policies present along with root");
    }

    @Test
    void batchRunsThousandsOfCasesInOneProcess() {
        StringBuilder in = new StringBuilder();
        String text = "path \"secret/+/data\" { capabilities = [\"read\"] }\npath \"secret/*\" { capabilities = [\"list\"] }";
        for (int i = 0; i < 3000; i++) {
            in.append(Json.write(Map.of("policies", List.of(Map.of("name", "p", "text", text)),
                    "request", Map.of("operation", i % 2 == 0 ? "read" : "list", "path", "secret/" + i + "/data")))).append('\n');
        }
        CliRun.Result r = av().runWithStdin(in.toString(), "policy", "check", "-batch");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3000);
        assertThat(lines.get(0)).contains("\"allowed\":true");
        assertThat(lines.get(1)).contains("\"allowed\":false");
    }
}
