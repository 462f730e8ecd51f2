package dev.av.server.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.storage.StorageSettings;
import dev.av.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The crash test: av runs as a separate JVM on H2 files (and on PostgreSQL); concurrent writers
 * stream KV writes at it; it is killed with SIGKILL ({@code kill -9}) mid-stream; after a restart
 * and unseal every acknowledged write is readable with exactly its value, and every version that
 * exists is whole (no half-written version is visible).
 */
class KvCrashTest {

    private static final int WRITERS = 8;
    private static final int ACKS_BEFORE_KILL = 120;
    private static final Duration STARTUP = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    record Ack(String path, int version, int writer, int n) {
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void everyAcknowledgedWriteSurvivesKillNineAndNothingHalfWrittenIsVisible(TestDatabase.Kind kind) throws Exception {
        TestDatabase pg = kind == TestDatabase.Kind.POSTGRES ? TestDatabase.postgres() : null;
        String url = pg != null ? pg.jdbcUrl() : StorageSettings.h2Files(temp.resolve("data")).jdbcUrl();
        String user = pg != null ? pg.user() : "";
        Process first = null;
        Process second = null;
        try {
            first = launch(url, user, null, temp.resolve("first.log"));
            Http anon = new Http(awaitAddress(first, temp.resolve("first.log")), null);
            Http.Reply init = anon.call("PUT", "sys/init", Map.of("secret_shares", 1, "secret_threshold", 1));
            assertThat(init.status()).isEqualTo(200);
            String key = ((List<?>) init.body().get("keys")).get(0).toString();
            String root = init.body().get("root_token").toString();
            assertThat(anon.call("PUT", "sys/unseal", Map.of("key", key)).status()).isEqualTo(200);
            Http http = anon.withToken(root);
            assertThat(http.call("POST", "sys/mounts/secret", Map.of("type", "kv", "options", Map.of("version", "2")))
                    .status()).isEqualTo(204);
            assertThat(http.call("POST", "secret/config", Map.of("max_versions", 100000)).status()).isEqualTo(204);

            ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
            AtomicInteger ackCount = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                pool.submit(() -> {
                    for (int n = 0; n < 100_000 && !stop.get(); n++) {
                        String path = (n % 3 == 0) ? "crash/shared" : "crash/w" + writer;
                        try {
                            Http.Reply r = http.call("PUT", "secret/data/" + path,
                                    Map.of("data", value(writer, n)));
                            if (r.status() != 200) {
                                return;
                            }
                            acks.add(new Ack(path, ((Number) r.data().get("version")).intValue(), writer, n));
                            ackCount.incrementAndGet();
                        } catch (RuntimeException e) {
                            return; // the server is gone: this write was never acknowledged
                        }
                    }
                });
            }
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (ackCount.get() < ACKS_BEFORE_KILL && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush, mid-stream
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as("killed by signal 9").isEqualTo(137);
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(acks).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

            second = launch(url, user, key, temp.resolve("second.log"));
            Http after = new Http(awaitAddress(second, temp.resolve("second.log")), root);
            for (Ack ack : acks) {
                Http.Reply r = after.call("GET", "secret/data/" + ack.path() + "?version=" + ack.version(), null);
                assertThat(r.status()).as("acknowledged %s", ack).isEqualTo(200);
                assertThat(r.data().get("data")).as("acknowledged %s", ack).isEqualTo(value(ack.writer(), ack.n()));
            }
            List<String> paths = new ArrayList<>(List.of("crash/shared"));
            for (int w = 0; w < WRITERS; w++) {
                paths.add("crash/w" + w);
            }
            int versionsSeen = 0;
            for (String path : paths) {
                Http.Reply meta = after.call("GET", "secret/metadata/" + path, null);
                assertThat(meta.status()).isEqualTo(200);
                @SuppressWarnings("unchecked")
                Map<String, Object> versions = (Map<String, Object>) meta.data().get("versions");
                int current = ((Number) meta.data().get("current_version")).intValue();
                assertThat(versions).hasSize(current);
                for (int v = 1; v <= current; v++) {
                    assertThat(versions).containsKey(Integer.toString(v));
                    Http.Reply r = after.call("GET", "secret/data/" + path + "?version=" + v, null);
                    assertThat(r.status()).as("%s version %d is whole", path, v).isEqualTo(200);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> data = (Map<String, Object>) r.data().get("data");
                    int writer = ((Number) data.get("w")).intValue();
                    int n = ((Number) data.get("n")).intValue();
                    assertThat(data).as("%s version %d is whole", path, v).isEqualTo(value(writer, n));
                    versionsSeen++;
                }
            }
            assertThat(versionsSeen).isGreaterThanOrEqualTo(acks.size());
            System.out.printf("%s: %d acknowledged writes before kill -9, %d versions after restart, all whole%n",
                    kind, acks.size(), versionsSeen);
        } finally {
            stopQuietly(first);
            stopQuietly(second);
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** A value whose every byte is determined by (writer, n): a torn or mixed value cannot pass. */
    static Map<String, Object> value(int writer, int n) {
        return Map.of("w", writer, "n", n, "pad", ("w" + writer + "n" + n + ";").repeat(20));
    }

    static Process launch(String url, String user, String unsealKey, Path log) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, KvCrashChild.class.getName(), url, user));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("AV_UNSEAL_KEY");
        if (unsealKey != null) {
            pb.environment().put("AV_UNSEAL_KEY", unsealKey);
        }
        return pb.start();
    }

    static String awaitAddress(Process p, Path log) throws Exception {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.startsWith(KvCrashChild.READY)) {
                        return line.substring(KvCrashChild.READY.length()).trim();
                    }
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("av exited early:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("av did not start in " + STARTUP + ":\n"
                + (Files.exists(log) ? Files.readString(log) : ""));
    }

    static void stopQuietly(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
