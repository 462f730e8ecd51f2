package dev.av.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.registry.storage.StorageSettings;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ten-line walk-through, exactly as written (with {@code av} for {@code vault}), each line
 * run as its own {@code av} process in a directory holding the policy files it names, against a
 * running server; then the agent uses it: identity token, an OBO ephemeral token, a secret read.
 */
class AgentWalkThroughTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<List<String>> WALK_THROUGH = List.of(
            List.of("write", "agent-registry/agents/my-ai-agent", "type=autonomous", "metadata=purpose=code-review,owner=team-alpha"),
            List.of("write", "agent-registry/users/alice", "display_name=Alice", "oidc_subject=alice@example.com"),
            List.of("write", "agent-registry/agents/my-ai-agent/delegate", "user=alice"),
            List.of("list", "agent-registry/agents"),
            List.of("policy", "write", "agent-code-review", "./agent-code-review.hcl"),
            List.of("write", "agent-registry/agents/my-ai-agent/policy", "policy=agent-code-review"),
            List.of("write", "agent-registry/agents/my-ai-agent/ephemeral", "enabled=true", "max_ttl=10m"),
            List.of("write", "agent-registry/scopes/code-read", "description=Read code repositories", "policy=@code-read.hcl"),
            List.of("write", "agent-registry/scopes/log-view", "description=View logs",
                    "policy=path \"secret/data/logs/*\" { capabilities = [\"read\"] }"),
            List.of("write", "agent-registry/delegations/delegation-1", "agent=my-ai-agent", "delegate_user=alice",
                    "scopes=code-read,log-view"));

    record Run(int code, String out, String err) {
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void theWalkThroughWorksExactlyAsWrittenAndTheAgentCanThenReadForAlice(TestDatabase.Kind kind, @TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("agent-code-review.hcl"), """
                path "secret/data/code-repos/*" {
                  capabilities = ["read", "list"]
                }
                path "secret/data/logs/*" {
                  capabilities = ["read"]
                }
                """);
        Files.writeString(dir.resolve("code-read.hcl"), """
                path "secret/data/code-repos/*" {
                  capabilities = ["read"]
                }
                """);
        try (TestDatabase db = TestDatabase.create(kind); AvServer av = start(kind, db)) {
            String root = av.rootToken();
            List<String> outputs = new ArrayList<>();
            for (List<String> line : WALK_THROUGH) {
                Run r = av(dir, av.apiAddress(), root, null, line);
                assertThat(r.code()).as("av " + String.join(" ", line) + "\n" + r.err()).isZero();
                outputs.add(r.out());
            }
            assertThat(outputs.get(3)).contains("my-ai-agent");
            JsonNode agent = json(av(dir, av.apiAddress(), root, null,
                    List.of("read", "-format=json", "agent-registry/agents/my-ai-agent"))).get("data");
            assertThat(agent.get("metadata").get("purpose").asText()).isEqualTo("code-review");
            assertThat(agent.get("metadata").get("owner").asText()).isEqualTo("team-alpha");
            assertThat(agent.get("policies").toString()).contains("agent-code-review");
            assertThat(agent.get("ephemeral").get("max_ttl").asInt()).isEqualTo(600);
            JsonNode delegation = json(av(dir, av.apiAddress(), root, null,
                    List.of("read", "-format=json", "agent-registry/delegations/delegation-1"))).get("data");
            assertThat(delegation.get("status").asText()).isEqualTo("active");
            assertThat(delegation.get("scopes").toString()).contains("code-read", "log-view");

            // alice's own policies (the walk-through gives her none: OBO needs agent ∩ alice ∩ scopes)
            Files.writeString(dir.resolve("alice.hcl"), "path \"secret/data/*\" { capabilities = [\"read\"] }\n");
            ok(av(dir, av.apiAddress(), root, null, List.of("policy", "write", "alice-dev", "alice.hcl")));
            ok(av(dir, av.apiAddress(), root, null, List.of("write", "agent-registry/users/alice", "policies=alice-dev")));
            ok(av(dir, av.apiAddress(), root, null, List.of("kv", "put", "secret/code-repos/frontend", "repo=git@example.com:fe.git")));

            String agentToken = json(av(dir, av.apiAddress(), root, null,
                    List.of("agent", "rotate-token", "-format=json", "my-ai-agent"))).get("auth").get("client_token").asText();
            Run direct = av(dir, av.apiAddress(), agentToken, null, List.of("read", "secret/data/code-repos/frontend"));
            assertThat(direct.code()).as("an agent in ephemeral mode cannot read with its identity token").isNotZero();
            Run issued = av(dir, av.apiAddress(), agentToken,
                    "{\"paths\":{\"secret/data/code-repos/frontend\":[\"read\"]},\"ttl\":\"2m\",\"num_uses\":2,\"on_behalf_of\":\"alice\"}",
                    List.of("write", "-format=json", "agent-registry/ephemeral-token", "-"));
            ok(issued);
            JsonNode auth = json(issued).get("auth");
            assertThat(auth.get("lease_duration").asInt()).isEqualTo(120);
            String eph = auth.get("client_token").asText();
            Run secret = av(dir, av.apiAddress(), eph, null, List.of("read", "-format=json", "secret/data/code-repos/frontend"));
            ok(secret);
            assertThat(json(secret).get("data").get("data").get("repo").asText()).isEqualTo("git@example.com:fe.git");
            Run logs = av(dir, av.apiAddress(), eph, null, List.of("read", "secret/data/logs/app"));
            assertThat(logs.code()).as("the token was issued for one path only").isNotZero();
        }
    }

    private static AvServer start(TestDatabase.Kind kind, TestDatabase db) {
        ServerConfig.Builder b = ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0");
        if (kind == TestDatabase.Kind.POSTGRES) {
            b.storage(StorageSettings.postgres(db.jdbcUrl(), db.user(), ""));
        }
        return AvServer.start(b.build());
    }

    private static void ok(Run r) {
        assertThat(r.code()).as(r.out() + r.err()).isZero();
    }

    private static JsonNode json(Run r) throws IOException {
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    /** Runs {@code av ARGS} as its own process in {@code dir}, as a user would. */
    private static Run av(Path dir, String addr, String token, String stdin, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.av.cli.Main");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("AV_ADDR", addr);
        env.put("AV_TOKEN", token);
        env.put("HOME", dir.toString());
        env.remove("AV_FORMAT");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("av " + args + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
