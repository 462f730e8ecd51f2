package dev.av.server.agent;

import static dev.av.server.agent.AgentServers.json;

import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latency of {@code POST agent-registry/ephemeral-token} through HTTP at a given concurrency against
 * a dev server (H2 in memory), and of one use of an ephemeral token (a KV read). A harness, not a
 * test: the figures go to {@code docs/perf.md}.
 *
 * <pre>
 * java -cp server/target/test-classes:server/target/classes:$(cat cp.txt) dev.av.server.agent.EphemeralHttpPerfHarness [seconds] [concurrency]
 * # or serve for wrk (server/src/test/resources/perf/ephemeral-token.lua), staying up [seconds]:
 * java ... dev.av.server.agent.EphemeralHttpPerfHarness 40 16 serve
 * </pre>
 */
public final class EphemeralHttpPerfHarness {

    private EphemeralHttpPerfHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        boolean serve = args.length > 2 && args[2].equals("serve");
        try (AvServer av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build())) {
            Api root = new Api(av.apiAddress(), av.rootToken());
            root.put("sys/policies/acl/bench", json(Map.of("policy", "path \"secret/data/code-repos/*\" { capabilities = [\"read\"] }")));
            root.put("agent-registry/agents/bench-agent", json(Map.of("policies", "bench", "ephemeral_enabled", true, "max_ttl", "10m")));
            root.put("secret/data/code-repos/frontend", json(Map.of("data", Map.of("k", "v"))));
            String agentToken = root.put("agent-registry/agents/bench-agent/token", "{}").auth().get("client_token").asText();
            String body = json(Map.of("paths", Map.of("secret/data/code-repos/frontend", List.of("read")), "ttl", "1m"));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI issue = URI.create(av.apiAddress() + "/v1/agent-registry/ephemeral-token");
            URI read = URI.create(av.apiAddress() + "/v1/secret/data/code-repos/frontend");
            if (serve) {
                // for an external load generator (wrk): print what it needs, stay up for `seconds`
                System.out.printf("AV_ADDR=%s%nAV_AGENT_TOKEN=%s%nAV_ROOT_TOKEN=%s%n", av.apiAddress(), agentToken,
                        av.rootToken());
                System.out.flush();
                long cpu0 = processCpuNanos();
                Thread.sleep(seconds * 1000L);
                System.out.printf("server process CPU during the run: %.2f s%n", (processCpuNanos() - cpu0) / 1e9);
                return;
            }

            System.out.printf("machine: %d cpus, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            measure("issue ephemeral token", seconds, concurrency, () -> {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(issue).header("X-Vault-Token", agentToken)
                        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode();
            });
            String eph = root.as(agentToken).put("agent-registry/ephemeral-token", body).auth().get("client_token").asText();
            measure("use an ephemeral token (KV read)", seconds, concurrency, () -> {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(read).header("X-Vault-Token", eph).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode();
            });
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    interface Call {
        int run() throws Exception;
    }

    private static void measure(String name, int seconds, int concurrency, Call call) throws Exception {
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            call.run();
        }
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        if (call.run() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies.add(System.nanoTime() - t0);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("%-36s c%d: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d non-200%n", name, concurrency,
                sorted.size() / secs, pct(sorted, 0.50), pct(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6, errors.get());
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
