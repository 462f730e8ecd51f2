package dev.av.registry.perf;

import dev.av.registry.agent.AclPolicyOracle;
import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.agent.Authority;
import dev.av.registry.agent.EphemeralGrant;
import dev.av.registry.agent.EphemeralIssuer;
import dev.av.registry.agent.EphemeralRequest;
import dev.av.registry.agent.UseCheck;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.registry.storage.Database;
import dev.av.registry.storage.StorageSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-process throughput of ephemeral-token issuance and cost of the per-use check, on H2 in memory
 * (pooled, as the server opens it) with the real ACL engine. A harness, not a test: measured numbers go to {@code docs/perf.md}.
 *
 * <pre>
 * ./mvnw -B -q -pl registry -am test-compile
 * java -cp registry/target/test-classes:registry/target/classes:$(cat /tmp/cp.txt) dev.av.registry.perf.EphemeralPerfHarness [seconds] [threads] [issuers] [scenario name part]
 * </pre>
 */
public final class EphemeralPerfHarness {

    private EphemeralPerfHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int issuers = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        only = args.length > 3 ? args[3] : "";
        // -Dav.perf.pg=jdbc:postgresql://127.0.0.1:5432/test measures on PostgreSQL, in a fresh schema
        String pg = System.getProperty("av.perf.pg");
        StorageSettings storage = StorageSettings.h2Memory("perf" + System.nanoTime());
        if (pg != null) {
            String schema = "perf_" + System.nanoTime();
            try (var c = java.sql.DriverManager.getConnection(pg, "postgres", ""); var st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            storage = StorageSettings.postgres(pg + "?currentSchema=" + schema, "postgres", "");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var c = java.sql.DriverManager.getConnection(pg, "postgres", ""); var st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                } catch (java.sql.SQLException e) {
                    System.err.println("could not drop schema " + schema + ": " + e.getSQLState());
                }
            }));
        }
        System.out.println("storage: " + storage.describe());
        try (Database db = Database.open(storage)) {
            Map<String, String> policies = Map.of("code", """
                    path "secret/data/code-repos/*" { capabilities = ["read", "list"] }
                    path "secret/data/logs/*" { capabilities = ["read"] }
                    path "secret/data/prod/*" { capabilities = ["deny"] }
                    """, "human", """
                    path "secret/data/*" { capabilities = ["read"] }
                    """);
            AclPolicyOracle oracle = new AclPolicyOracle(n -> Optional.ofNullable(policies.get(n)));
            AgentRegistry registry = new AgentRegistry(db.dataSource(), oracle, Clock.systemUTC());
            registry.writeUser("alice", Map.of("policies", "human"));
            registry.writeAgent("bench-agent", Map.of("policies", "code", "delegates", "alice"));
            registry.setEphemeral("bench-agent", Map.of("enabled", true, "max_ttl", "10m"));
            registry.writeScope("code-read", Map.of("policy", "path \"secret/data/code-repos/*\" { capabilities = [\"read\"] }"));
            registry.writeDelegation("d1", Map.of("agent", "bench-agent", "delegate_user", "alice", "scopes", "code-read"));
            Authority authority = new Authority(registry);
            EphemeralIssuer issuer = new EphemeralIssuer(registry, authority);
            UseCheck check = new UseCheck(registry, authority);
            TokenStore tokens = new TokenStore(db.dataSource(), Clock.systemUTC());
            IssuedToken identity = tokens.create(TokenRequest.builder().policies(List.of("code")).noParent(true)
                    .kind(TokenKind.AGENT).agent("bench-agent").build(), null, true);
            registry.recordIdentityToken("bench-agent", identity.entry().accessor(), Duration.ZERO);

            EphemeralRequest plain = EphemeralRequest.parse(Map.of("paths",
                    Map.of("secret/data/code-repos/frontend", List.of("read")), "ttl", "2m", "num_uses", 1));
            EphemeralRequest obo = EphemeralRequest.parse(Map.of("paths",
                    Map.of("secret/data/code-repos/frontend", List.of("read")), "on_behalf_of", "alice"));

            System.out.printf("machine: %d cpus, %s %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"), System.getProperty("java.version"));
            run("decide only (agent alone)", seconds, threads, () -> issuer.issue("bench-agent", plain));
            run("decide only (OBO, cached delegation)", seconds, threads, () -> issuer.issue("bench-agent", obo));
            Runnable mint = () -> {
                EphemeralGrant g = issuer.issue("bench-agent", plain);
                tokens.create(TokenRequest.builder().policies(g.policies()).ttl(g.ttl()).explicitMaxTtl(g.ttl())
                        .numUses(g.numUses()).renewable(false).kind(TokenKind.EPHEMERAL).agent(g.agent())
                        .restrictions(g.restrictionsJson()).build(), identity.entry(), true);
            };
            run("decide + mint, 1 issuer (one transaction per token)", seconds, threads, mint);
            // how a server issues: many requests in flight at once, so inserts share group commits
            run("decide + mint, " + issuers + " concurrent issuers (group commit)", seconds, issuers, mint);
            int before = tokens.count();
            System.out.printf("tokens stored: %,d%n", before);
            EphemeralGrant g = issuer.issue("bench-agent", obo);
            UseCheck.TokenFacts facts = new UseCheck.TokenFacts("ephemeral", "acc", g.agent(), g.delegateUser(),
                    g.delegationId(), g.restrictionsJson());
            run("per-use check, OBO ephemeral token (UseCheck)", seconds, threads,
                    () -> check.check(facts, "secret/data/code-repos/frontend", "read"));
            // a use-limited token: every use reads the row and counts the use in the database (exact across nodes)
            IssuedToken limited = tokens.create(TokenRequest.builder().policies(g.policies()).ttl(Duration.ofMinutes(10))
                    .numUses(Integer.MAX_VALUE).renewable(false).kind(TokenKind.EPHEMERAL).agent(g.agent())
                    .delegateUser(g.delegateUser()).delegationId(g.delegationId()).restrictions(g.restrictionsJson())
                    .build(), identity.entry(), true);
            run("full verification of a use-limited token (lookup + use + check)", seconds, threads, () -> {
                var e = tokens.lookup(limited.token()).orElseThrow();
                if (!tokens.use(e).allowed()) {
                    throw new IllegalStateException("use refused");
                }
                check.check(new UseCheck.TokenFacts(e.kind().wire(), e.accessor(), e.agent(), e.delegateUser(),
                        e.delegationId(), e.restrictions()), "secret/data/code-repos/frontend", "read");
            });
            String tokenString = identity.token();
            run("TokenStore.lookup of a token without use limit (cached)", seconds, threads, () -> tokens.lookup(tokenString));
        }
    }

    /** CPU time of the whole process (all threads, including JIT and GC): steadier than rates on a shared machine. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Runs only the scenarios whose name contains this (4th argument; all by default). */
    private static String only = "";

    private static void run(String name, int seconds, int threads, Runnable op) throws InterruptedException {
        if (!name.contains(only)) {
            return;
        }
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            op.run();
        }
        LongAdder count = new LongAdder();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] ts = new Thread[threads];
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    op.run();
                    n++;
                }
                count.add(n);
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double perSec = count.sum() / secs;
        double cpuSecs = (processCpuNanos() - cpuStart) / 1e9;
        System.out.printf("%-62s %,12.0f ops/s  (%d threads; %.2f µs CPU/op; load %.1f)%n", name, perSec, threads,
                cpuSecs * 1e6 / count.sum(), java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }
}
