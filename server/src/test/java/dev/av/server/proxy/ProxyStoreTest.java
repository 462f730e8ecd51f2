package dev.av.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.proxy.ServiceRule;
import dev.av.registry.storage.Database;
import dev.av.testing.MutableClock;
import dev.av.testing.Race;
import dev.av.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProxyStoreTest {

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void concurrentFirstWritesOfOneServiceAllSucceedAndTheLastWins(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            ProxyStore store = new ProxyStore(db.dataSource(), MutableClock.startingAt("2026-03-01T10:00:00Z"));
            for (int round = 0; round < 10; round++) {
                String name = "race-" + round;
                Race.run(8, w -> store.putService(ServiceRule.fromMap(name,
                        Map.of("host", "w" + w + ".example.com", "credential", "secret/data/x#token"))));
                assertThat(store.services().stream().filter(r -> r.name().equals(name)))
                        .as(name).singleElement().satisfies(r -> assertThat(r.host()).matches("w[0-7]\\.example\\.com"));
            }
        }
    }
}
