package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 16 concurrent keep-alive clients for 60 s (system property {@code av.load.seconds}) of mixed reads,
 * writes and token operations against a dev server: zero errors, and no growth in live threads or in
 * heap after GC. The one long test of the server module.
 */
class LoadTest {

    private static final int CLIENTS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sixteenClientsForAMinuteSeeNoErrorsAndNoGrowth() throws Exception {
        long seconds = Long.getLong("av.load.seconds", 60);
        try (AvServer av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build())) {
            ExecutorService httpPool = Executors.newFixedThreadPool(4);
            HttpClient client = HttpClient.newBuilder().executor(httpPool).connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                Map<String, AtomicLong> ops = new ConcurrentHashMap<>();
                List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
                run(av, client, clients, Duration.ofSeconds(Math.min(10, seconds)), ops, errors); // warm-up
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                long heapBefore = heapAfterGc(memory);
                int threadsBefore = threads.getThreadCount();
                ops.clear();
                run(av, client, clients, Duration.ofSeconds(seconds), ops, errors);
                Thread.sleep(500);
                long heapAfter = heapAfterGc(memory);
                int threadsAfter = threads.getThreadCount();
                long total = ops.values().stream().mapToLong(AtomicLong::get).sum();
                System.out.printf("load: %d requests in %d s (%.0f/s), ops=%s, threads %d -> %d, heap after GC %d -> %d KiB%n",
                        total, seconds, total / (double) seconds, ops, threadsBefore, threadsAfter, heapBefore / 1024,
                        heapAfter / 1024);
                assertThat(errors).isEmpty();
                assertThat(total).isGreaterThan(seconds * 10);
                assertThat(threadsAfter).isLessThanOrEqualTo(threadsBefore + 2);
                assertThat(heapAfter).isLessThan(heapBefore + Math.max(heapBefore / 2, 32L * 1024 * 1024));
            } finally {
                clients.shutdownNow();
                httpPool.shutdownNow();
                clients.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static void run(AvServer av, HttpClient client, ExecutorService pool, Duration duration,
                            Map<String, AtomicLong> ops, List<String> errors) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int id = c;
            futures.add(pool.submit(() -> {
                Random rnd = new Random(id);
                String root = av.rootToken();
                String base = av.apiAddress() + "/v1/";
                String policy = "{\"policy\":\"path \\\"secret/data/c" + id + "/*\\\" { capabilities = [\\\"read\\\"] }\"}";
                List<String> mine = new ArrayList<>();
                List<Integer> written = new ArrayList<>();
                while (System.nanoTime() < end && errors.size() < 20) {
                    int dice = rnd.nextInt(100);
                    try {
                        if (dice < 20) {
                            expect(client, "GET", base + "auth/token/lookup-self", root, null, 200, ops, "lookup-self", errors);
                        } else if (dice < 35) {
                            int k = rnd.nextInt(20);
                            expect(client, "POST", base + "secret/data/load/c" + id + "/k" + k, root,
                                    "{\"data\":{\"v\":\"value-" + k + "\"}}", 200, ops, "kv-write", errors);
                            written.add(k);
                        } else if (dice < 60 && !written.isEmpty()) {
                            int k = written.get(rnd.nextInt(written.size()));
                            JsonNode n = expect(client, "GET", base + "secret/data/load/c" + id + "/k" + k, root, null, 200,
                                    ops, "kv-read", errors);
                            if (n != null && !n.get("data").get("data").get("v").asText().equals("value-" + k)) {
                                errors.add("kv read returned the wrong value");
                            }
                        } else if (dice < 67) {
                            expect(client, "PUT", base + "sys/policies/acl/load-" + id, root, policy, 204, ops, "policy-write", errors);
                        } else if (dice < 72) {
                            JsonNode n = expect(client, "GET", base + "sys/policies/acl/default", root, null, 200, ops,
                                    "policy-read", errors);
                            if (n != null && !n.get("data").get("policy").asText().contains("lookup-self")) {
                                errors.add("policy read returned the wrong text");
                            }
                        } else if (dice < 76) {
                            expect(client, "GET", base + "sys/mounts", root, null, 200, ops, "mounts", errors);
                        } else if (dice < 88 || mine.isEmpty()) {
                            JsonNode n = expect(client, "POST", base + "auth/token/create", root,
                                    "{\"policies\":[\"load-" + id + "\"],\"ttl\":\"10m\"}", 200, ops, "token-create", errors);
                            if (n != null) {
                                String t = n.get("auth").get("client_token").asText();
                                mine.add(t);
                                expect(client, "GET", base + "auth/token/lookup-self", t, null, 200, ops, "child-lookup", errors);
                            }
                        } else {
                            String t = mine.remove(mine.size() - 1);
                            expect(client, "POST", base + "auth/token/revoke-self", t, "", 204, ops, "revoke", errors);
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
                for (String t : mine) {
                    try {
                        expect(client, "POST", base + "auth/token/revoke-self", t, "", 204, ops, "revoke", errors);
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
        }
    }

    private static JsonNode expect(HttpClient client, String method, String url, String token, String body, int status,
                                   Map<String, AtomicLong> ops, String op, List<String> errors) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("X-Vault-Token", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        ops.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        if (r.statusCode() != status) {
            errors.add(op + ": " + r.statusCode() + " " + r.body());
            return null;
        }
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }
}
