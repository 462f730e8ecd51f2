package dev.av.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.av.api.AvClient;
import dev.av.cli.CliRun;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.net.RealClients;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code av run} against a real dev server: curl, python3, node, a JVM (JDK HttpClient) and git are
 * launched by {@code av run} and reach a scripted HTTPS upstream through the proxy with only the
 * environment av run built; the upstream sees the KV credential, the programs never do, and the
 * session dies with the child.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunCommandTest {

    static final String SECRET = "ghp_RunCommandSecret0123456789";

    AvServer server;
    ScriptedUpstream up;
    String agentToken;
    @TempDir
    Path home;

    @BeforeAll
    void start() throws Exception {
        server = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build());
        TestCa ca = TestCa.create("run upstream CA");
        up = ScriptedUpstream.https(ca.serverContext("localhost"),
                (req, ex) -> ex.respond(200, "text/plain", "echo:" + req.header("Authorization")));
        AvClient root = AvClient.of(server.apiAddress(), server.rootToken());
        try {
            root.write("secret/data/github", Map.of("data", Map.of("token", SECRET)));
        } catch (RuntimeException e) {
            assumeTrue(false, "the KV engine is not wired into this build: " + e.getMessage());
        }
        root.write("proxy/settings", Map.of("upstream_allow_cidrs", List.of("127.0.0.0/8")));
        root.write("proxy/services/github", Map.of("host", "localhost", "port", up.port(),
                "credential", "secret/data/github#token", "upstream_ca", ca.rootPem()));
        root.write("sys/policies/acl/agent-github", Map.of("policy",
                "path \"proxy/localhost/*\" { capabilities = [\"read\"] }\npath \"secret/data/github\" { capabilities = [\"read\"] }\n"));
        agentToken = root.write("auth/token/create", Map.of("policies", List.of("agent-github"), "ttl", "30m")).clientToken();
    }

    @AfterAll
    void stop() throws Exception {
        if (up != null) {
            up.close();
        }
        server.close();
    }

    private CliRun av() {
        return new CliRun(home, server.apiAddress()).env("AV_TOKEN", agentToken)
                .env("PATH", System.getenv("PATH")).env("HOME", home.toString()).env("NO_PROXY", "example.internal");
    }

    private void runs(String program, List<String> command) throws Exception {
        assumeTrue(RealClients.available(program), program + " is not installed");
        List<String> args = new ArrayList<>(List.of("run", "--"));
        args.addAll(command);
        CliRun.Result r = av().run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("200").contains("echo:*****").doesNotContain(SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + SECRET);
    }

    String url() {
        return "https://localhost:" + up.port() + "/user";
    }

    @Test
    void curlLaunchedByAvRunGetsTheCredentialInjected() throws Exception {
        runs("curl", RealClients.curl(url()));
    }

    @Test
    void pythonLaunchedByAvRunGetsTheCredentialInjected() throws Exception {
        runs("python3", RealClients.python(url()));
    }

    @Test
    void nodeLaunchedByAvRunGetsTheCredentialInjected() throws Exception {
        runs("node", RealClients.node(url()));
    }

    @Test
    void aJvmLaunchedByAvRunGetsTheCredentialInjectedWithTrustFromJavaToolOptions() throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--"));
        // The JDK's default ProxySelector always exempts localhost and 127.* when http.nonProxyHosts is
        // non-empty (av run puts its own API host there), so this child clears it to reach the loopback
        // upstream; proxy host, port and trust store still come from JAVA_TOOL_OPTIONS.
        args.addAll(RealClients.jdk(home, url(), "-Dhttp.nonProxyHosts="));
        CliRun.Result r = av().run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("200").contains("echo:*****").doesNotContain(SECRET);
        assertThat(r.err()).as("the JVM prints JAVA_TOOL_OPTIONS, which carries the trust store and no token")
                .contains("Picked up JAVA_TOOL_OPTIONS").contains("truststore.p12").doesNotContain(SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + SECRET);
    }

    @Test
    void javaToolOptionsCarriesNoSessionTokenBecauseTheJvmPrintsIt() {
        CliRun.Result r = av().run("run", "--", "sh", "-c", "echo \"$HTTPS_PROXY\"; echo \"$JAVA_TOOL_OPTIONS\"");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().trim().split("\n");
        String proxyUrl = lines[0];
        String session = proxyUrl.substring(proxyUrl.indexOf(':', 7) + 1, proxyUrl.lastIndexOf('@'));
        assertThat(session).isNotBlank();
        assertThat(lines[1]).contains("-Dhttps.proxyHost=").contains("-Djavax.net.ssl.trustStore=")
                .doesNotContain(session).doesNotContain("@");
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=av", "-c", "user.email=av@example.invalid",
                "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    /** Serves the files of a bare repository over git's "dumb" HTTP protocol at {@code /x.git/...}. */
    private static ScriptedUpstream.Handler dumbGit(Path bare) {
        return (req, ex) -> {
            String path = req.target().split("\\?", 2)[0];
            Path file = path.startsWith("/x.git/") ? bare.resolve(path.substring("/x.git/".length())).normalize() : null;
            if (file == null || !file.startsWith(bare) || !Files.isRegularFile(file)) {
                ex.respond(404, "text/plain", "not found");
                return;
            }
            ex.respond(200, Map.of("Content-Type", "application/octet-stream"), Files.readAllBytes(file));
        };
    }

    @Test
    void gitClonesOverHttpsUnderAvRunWithTheCredentialInjectedAndNeverStored() throws Exception {
        assumeTrue(RealClients.available("git"), "git is not installed");
        Path work = Files.createDirectories(home.resolve("git-src"));
        git(work, "init", "-q", "repo");
        Path repo = work.resolve("repo");
        Files.writeString(repo.resolve("hello.txt"), "hello through av\n");
        git(repo, "add", "hello.txt");
        git(repo, "commit", "-q", "-m", "first");
        git(work, "clone", "-q", "--bare", "repo", "x.git");
        Path bare = work.resolve("x.git").toRealPath();
        git(bare, "update-server-info");
        TestCa ca = TestCa.create("git upstream CA");
        AvClient root = AvClient.of(server.apiAddress(), server.rootToken());
        try (ScriptedUpstream gitUp = ScriptedUpstream.https(ca.serverContext("localhost"), dumbGit(bare))) {
            root.write("proxy/services/git", Map.of("host", "localhost", "port", gitUp.port(),
                    "credential", "secret/data/github#token", "upstream_ca", ca.rootPem()));
            Path clone = home.resolve("clone");
            CliRun.Result r = av().env("GIT_TERMINAL_PROMPT", "0").env("GIT_CONFIG_NOSYSTEM", "1")
                    .run("run", "--", "git", "clone", "https://localhost:" + gitUp.port() + "/x.git", clone.toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(Files.readString(clone.resolve("hello.txt"))).isEqualTo("hello through av\n");
            assertThat(r.out() + r.err()).doesNotContain(SECRET);
            assertThat(Files.readString(clone.resolve(".git/config"))).doesNotContain(SECRET)
                    .contains("https://localhost:" + gitUp.port() + "/x.git");
            assertThat(gitUp.pendingRequests()).as("git fetched the repository through the upstream").isGreaterThan(2);
            while (gitUp.pendingRequests() > 0) {
                ScriptedUpstream.RecordedRequest req = gitUp.takeRequest();
                assertThat(req.header("Authorization")).as(req.target()).isEqualTo("Bearer " + SECRET);
            }
        } finally {
            root.delete("proxy/services/git");
        }
    }

    @Test
    void theChildGetsTheProxyEnvironmentAndNoAdminToken() {
        CliRun.Result r = av().env("VAULT_TOKEN", "admin-token").run("run", "--", "sh", "-c", "env");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("AV_TOKEN=").doesNotContain("VAULT_TOKEN=").doesNotContain(agentToken)
                .contains("HTTPS_PROXY=http://").contains("https_proxy=").contains("HTTP_PROXY=").contains("NODE_USE_ENV_PROXY=1")
                .contains("NO_PROXY=example.internal,127.0.0.1").contains("JAVA_TOOL_OPTIONS=").contains("truststore.p12");
        for (String v : ProxyEnvironment.CA_VARIABLES) {
            assertThat(r.out()).contains(v + "=");
        }
        assertThat(r.out()).contains("NODE_EXTRA_CA_CERTS=");
    }

    @Test
    void theExitCodeIsTheChildsAndTheSessionIsRevokedAfterwards() {
        CliRun.Result r = av().run("run", "--", "sh", "-c", "echo \"$HTTPS_PROXY\"; exit 7");
        assertThat(r.code()).isEqualTo(7);
        String proxyUrl = r.out().trim();
        String session = proxyUrl.substring(proxyUrl.indexOf(':', 7) + 1, proxyUrl.lastIndexOf('@'));
        AvClient asSession = AvClient.of(server.apiAddress(), session);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> asSession.read("auth/token/lookup-self")))
                .as("the session token is revoked once the child exits").isNotNull();
    }

    @Test
    void proxyEnvPrintsShellExportsAndJson() {
        CliRun.Result shell = av().run("proxy", "env");
        assertThat(shell.code()).as(shell.err()).isZero();
        assertThat(shell.out()).contains("export HTTPS_PROXY='http://").contains("export SSL_CERT_FILE='");
        CliRun.Result json = av().run("proxy", "env", "-format=json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).startsWith("{").contains("\"NODE_USE_ENV_PROXY\":\"1\"");
    }

    @Test
    void proxyServiceCommandsRoundTripAndCaPrintsPem() {
        CliRun root = new CliRun(home, server.apiAddress()).env("AV_TOKEN", server.rootToken());
        CliRun.Result w = root.run("proxy", "service", "write", "other", "host=api.other.example", "credential=secret/data/github#token",
                "methods=GET,POST");
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(root.run("proxy", "service", "list").out()).contains("github").contains("other");
        assertThat(root.run("proxy", "service", "read", "other").out()).contains("api.other.example").doesNotContain(SECRET);
        CliRun.Result bad = root.run("proxy", "service", "write", "bad", "host=*.com", "credential=a#b");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("wildcard");
        assertThat(root.run("proxy", "service", "delete", "other").code()).isZero();
        assertThat(root.run("proxy", "ca").out()).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void anOperatorRunsAProgramAsANamedAgent() throws Exception {
        assumeTrue(RealClients.available("curl"));
        CliRun root = new CliRun(home, server.apiAddress()).env("AV_TOKEN", server.rootToken())
                .env("PATH", System.getenv("PATH")).env("HOME", home.toString());
        CliRun.Result created = root.run("agent", "create", "run-agent", "-policy", "agent-github");
        assertThat(created.code()).as(created.err()).isZero();
        List<String> args = new ArrayList<>(List.of("run", "-agent", "run-agent", "--"));
        args.addAll(RealClients.curl(url()));
        CliRun.Result r = root.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("200").doesNotContain(SECRET);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + SECRET);
        CliRun.Result env = root.run("run", "-agent", "run-agent", "--", "sh", "-c", "echo $HTTPS_PROXY");
        assertThat(env.out()).as("the proxy user names the agent").startsWith("http://run-agent:");
    }

    private static int dynamicRoles() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(dev.av.testing.TestDatabase.PG_URL, dev.av.testing.TestDatabase.PG_USER, "");
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aDynamicDatabaseCredentialInjectedUnderAvRunIsRevokedWhenTheChildExits() throws Exception {
        assumeTrue(RealClients.available("curl"));
        AvClient root = AvClient.of(server.apiAddress(), server.rootToken());
        root.write("sys/mounts/dbrun", Map.of("type", "database"));
        root.write("dbrun/config/pg", Map.of("plugin_name", "postgresql-database-plugin",
                "connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1:5432/test?sslmode=disable",
                "username", "postgres", "password", "not-checked-under-trust", "allowed_roles", "ro"));
        root.write("dbrun/roles/ro", Map.of("db_name", "pg", "default_ttl", "1h", "max_ttl", "2h", "creation_statements",
                List.of("CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';")));
        TestCa ca = TestCa.create("dynamic upstream CA");
        try (ScriptedUpstream db = ScriptedUpstream.https(ca.serverContext("localhost"), (req, ex) -> ex.respond(200, "text/plain", "ok"))) {
            root.write("proxy/services/db-api", Map.of("host", "localhost", "port", db.port(),
                    "credential", "dbrun/creds/ro#password", "upstream_ca", ca.rootPem()));
            int before = dynamicRoles();
            List<String> args = new ArrayList<>(List.of("run", "--", "sh", "-c"));
            List<String> curl = RealClients.curl("https://localhost:" + db.port() + "/query");
            StringBuilder line = new StringBuilder();
            for (String a : curl) {
                line.append('\'').append(a.replace("'", "'\\''")).append("' ");
            }
            // the child reports how many dynamic roles exist while it runs, then exits
            line.append("&& psql -h 127.0.0.1 -U postgres -d test -tAc \"SELECT 'roles=' || count(*) FROM pg_roles WHERE rolname LIKE 'v-%'\"");
            args.add(line.toString());
            CliRun.Result r = av().run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("200");
            String header = db.takeRequest().header("Authorization");
            assertThat(header).as("the upstream got a password leased from the database engine").startsWith("Bearer A1a-");
            assertThat(r.out()).doesNotContain(header.substring("Bearer ".length()));
            if (RealClients.available("psql")) {
                assertThat(r.out()).as("the login existed while the child ran").contains("roles=" + (before + 1));
            }
            assertThat(dynamicRoles()).as("the login is dropped once av run's child exits").isEqualTo(before);
        } finally {
            root.delete("proxy/services/db-api");
        }
    }

    @Test
    void aRootTokenCannotStartASessionWithoutNamingAnAgent() {
        CliRun root = new CliRun(home, server.apiAddress()).env("AV_TOKEN", server.rootToken()).env("PATH", System.getenv("PATH"));
        CliRun.Result r = root.run("run", "--", "true");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("-agent");
    }
}
