package dev.av.secrets.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KvStoreTest {

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void concurrentWritersNeitherLoseNorDuplicateVersions(TestDatabase.Kind kind) throws Exception {
        int writers = 16;
        int writesEach = 8;
        int freshPaths = 3;
        try (KvFixture kv = new KvFixture(kind)) {
            KvStore store = kv.engine.store();
            store.writeMetadata("shared", new MetadataUpdate(1000, null, null, null), false);
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            Set<Long> duplicates = ConcurrentHashMap.newKeySet();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < writesEach; i++) {
                        long v = store.write("shared", null, Map.of("writer", writer, "i", i), null).info().version();
                        if (!acknowledged.add(v)) {
                            duplicates.add(v);
                        }
                        if (i < freshPaths) {
                            // all writers also race to create the same new paths
                            store.write("fresh/" + i, null, Map.of("writer", writer), null);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            long total = (long) writers * writesEach;
            assertThat(duplicates).isEmpty();
            assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            SecretMetadata meta = store.metadata("shared").orElseThrow();
            assertThat(meta.currentVersion()).isEqualTo(total);
            assertThat(meta.versions()).hasSize((int) total);
            for (int i = 0; i < freshPaths; i++) {
                assertThat(store.metadata("fresh/" + i).orElseThrow().currentVersion())
                        .as("every racing creator of fresh/%d got its own version", i).isEqualTo(writers);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void valuesAreSealedAtRestAndBoundToTheirPathAndVersion(TestDatabase.Kind kind) throws Exception {
        try (KvFixture kv = new KvFixture(kind)) {
            KvStore store = kv.engine.store();
            store.write("one", null, Map.of("password", "hunter2-plaintext"), null);
            store.write("one", null, Map.of("password", "second-plaintext"), null);
            store.write("two", null, Map.of("password", "other-plaintext"), null);
            try (Connection c = kv.db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT sealed_value FROM kv_versions WHERE mount = ?")) {
                ps.setString(1, kv.mount);
                try (ResultSet rs = ps.executeQuery()) {
                    int rows = 0;
                    while (rs.next()) {
                        rows++;
                        assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("plaintext");
                    }
                    assertThat(rows).isEqualTo(3);
                }
            }
            // move version 1's ciphertext onto version 2, and path two's onto path one: neither opens
            try (Connection c = kv.db.dataSource().getConnection()) {
                copyValue(c, kv.mount, "one", 1, "one", 2);
            }
            assertThatThrownBy(() -> store.read("one", 2)).isInstanceOf(AvException.class)
                    .hasMessage("a stored secret failed its integrity check")
                    .hasMessageNotContaining("plaintext");
            try (Connection c = kv.db.dataSource().getConnection()) {
                copyValue(c, kv.mount, "two", 1, "one", 1);
            }
            assertThatThrownBy(() -> store.read("one", 1)).hasMessage("a stored secret failed its integrity check");
            assertThat(store.read("two", 0).orElseThrow().data()).containsEntry("password", "other-plaintext");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void mountsAreIsolatedAndDeleteAllRemovesOnlyItsOwnMount(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            KvStore other = new KvStore(kv.db.dataSource(), kv.sealer, kv.mount + "-other", kv.clock);
            kv.engine.store().write("x", null, Map.of("m", "secret"), null);
            other.write("x", null, Map.of("m", "other"), null);
            other.writeConfig(3, true, null);
            assertThat(kv.engine.store().config()).isEqualTo(KvConfig.DEFAULT);
            assertThat(other.exists("x")).isTrue();
            assertThat(other.exists("y")).isFalse();
            other.deleteAll();
            assertThat(other.exists("x")).isFalse();
            assertThat(other.metadata("x")).isEmpty();
            assertThat(other.config()).isEqualTo(KvConfig.DEFAULT);
            assertThat(kv.engine.store().read("x", 0).orElseThrow().data()).containsEntry("m", "secret");
        }
    }

    private static void copyValue(Connection c, String mount, String fromPath, long fromVersion, String toPath,
                                  long toVersion) throws Exception {
        byte[] value;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sealed_value FROM kv_versions WHERE mount = ? AND path = ? AND version = ?")) {
            ps.setString(1, mount);
            ps.setString(2, fromPath);
            ps.setLong(3, fromVersion);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                value = rs.getBytes(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE kv_versions SET sealed_value = ? WHERE mount = ? AND path = ? AND version = ?")) {
            ps.setBytes(1, value);
            ps.setString(2, mount);
            ps.setString(3, toPath);
            ps.setLong(4, toVersion);
            ps.executeUpdate();
        }
    }
}
