package dev.av.server.audit;

import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Added latency of auditing per API request, through a real dev server and the JDK HTTP client:
 * the same requests without any audit device and with one file device (fsync, group commit).
 * Not a test; run with the server's test classpath:
 *
 * <pre>
 *   java -cp "$(cat cp.txt):server/target/test-classes:server/target/classes" \
 *       dev.av.server.audit.AuditLatencyHarness [requests-per-thread] [threads]
 * </pre>
 */
public final class AuditLatencyHarness {

    public static void main(String[] args) throws Exception {
        int perThread = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path dir = Files.createTempDirectory("audit-latency");
        try (AvServer av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            run("warm-up", av, http, perThread, threads);
            run("no audit device", av, http, perThread, threads);
            HttpRequest enable = HttpRequest.newBuilder(URI.create(av.apiAddress() + "/v1/sys/audit/file"))
                    .header("X-Vault-Token", av.rootToken())
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"type\":\"file\",\"options\":{\"file_path\":\""
                            + dir.resolve("audit.log") + "\"}}")).build();
            if (http.send(enable, HttpResponse.BodyHandlers.ofString()).statusCode() != 204) {
                throw new IllegalStateException("could not enable the file device");
            }
            run("warm-up with device", av, http, perThread, threads);
            run("one file device (fsync)", av, http, perThread, threads);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void run(String label, AvServer av, HttpClient http, int perThread, int threads) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(av.apiAddress() + "/v1/auth/token/lookup-self"))
                .header("X-Vault-Token", av.rootToken()).GET().build();
        List<long[]> all = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(threads);
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            long[] lat = new long[perThread];
            all.add(lat);
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        long s = System.nanoTime();
                        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("status " + r.statusCode());
                        }
                        lat[i] = System.nanoTime() - s;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double secs = (System.nanoTime() - t0) / 1e9;
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%-28s threads=%d requests/s=%7.0f p50=%7.0fus p99=%8.0fus%n", label, threads,
                merged.length / secs, merged[merged.length / 2] / 1000.0, merged[(int) (merged.length * 0.99)] / 1000.0);
    }
}
