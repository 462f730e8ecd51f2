package dev.av.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.storage.Database;
import dev.av.testing.MutableClock;
import dev.av.testing.Race;
import dev.av.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyStoreTest {

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
            for (int round = 0; round < 20; round++) {
                String name = "race-" + kind.name().toLowerCase() + "-" + round;
                Race.run(8, w -> policies.put("acl", name, "path \"w" + w + "/*\" { capabilities = [\"read\"] }"));
                assertThat(policies.get("acl", name)).as(name).hasValueSatisfying(
                        b -> assertThat(b).matches("path \"w[0-7]/\\*\" \\{ capabilities = \\[\"read\"] }"));
                assertThat(policies.list("acl")).as("one row per name").containsOnlyOnce(name);
            }
        }
    }
}
