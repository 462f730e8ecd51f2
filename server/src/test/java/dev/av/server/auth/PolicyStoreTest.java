package dev.av.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.storage.Database;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyStoreTest {

    private static final int WRITERS = 8;
    private static final int ROUNDS = 20;

    /**
     * The proxy writes its per-path read policy on the first credential read, which sixteen
     * connections may all make at once: each first write of a name must succeed (last one wins).
     */
    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void concurrentFirstWritesOfOnePolicyAllSucceed(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            PolicyStore policies = new PolicyStore(db.dataSource(), MutableClock.startingAt("2026-03-01T10:00:00Z"));
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    String name = "race-" + kind.name().toLowerCase() + "-" + round;
                    CyclicBarrier start = new CyclicBarrier(WRITERS);
                    List<Future<?>> writes = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        String body = "path \"w" + w + "/*\" { capabilities = [\"read\"] }";
                        writes.add(pool.submit(() -> {
                            start.await(10, TimeUnit.SECONDS);
                            policies.put("acl", name, body);
                            return null;
                        }));
                    }
                    for (Future<?> f : writes) {
                        f.get(30, TimeUnit.SECONDS);   // throws ExecutionException if a writer failed
                    }
                    assertThat(policies.get("acl", name)).as(name).hasValueSatisfying(
                            b -> assertThat(b).matches("path \"w[0-7]/\\*\" \\{ capabilities = \\[\"read\"] }"));
                    assertThat(policies.list("acl")).as("one row per name").containsOnlyOnce(name);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
