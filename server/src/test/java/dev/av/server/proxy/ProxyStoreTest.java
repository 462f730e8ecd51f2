package dev.av.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.proxy.ServiceRule;
import dev.av.registry.storage.Database;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProxyStoreTest {

    private static final int WRITERS = 8;
    private static final int ROUNDS = 10;

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void concurrentFirstWritesOfOneServiceAllSucceedAndTheLastWins(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            ProxyStore store = new ProxyStore(db.dataSource(), MutableClock.startingAt("2026-03-01T10:00:00Z"));
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    String name = "race-" + round;
                    CyclicBarrier start = new CyclicBarrier(WRITERS);
                    List<Future<?>> writes = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        ServiceRule rule = ServiceRule.fromMap(name, Map.of("host", "w" + w + ".example.com",
                                "credential", "secret/data/x#token"));
                        writes.add(pool.submit(() -> {
                            start.await(10, TimeUnit.SECONDS);
                            store.putService(rule);
                            return null;
                        }));
                    }
                    for (Future<?> f : writes) {
                        f.get(30, TimeUnit.SECONDS);   // throws ExecutionException if a writer failed
                    }
                    assertThat(store.services().stream().filter(r -> r.name().equals(name)))
                            .as(name).singleElement().satisfies(r -> assertThat(r.host()).matches("w[0-7]\\.example\\.com"));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
