package dev.av.registry.perf;

import dev.av.registry.storage.Database;
import dev.av.registry.storage.Invalidations;
import dev.av.registry.storage.StorageSettings;
import dev.av.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How long a committed write on PostgreSQL takes to reach another node's caches through
 * {@link Invalidations} (trigger → NOTIFY at commit → the listener thread's subscriber), and what the
 * trigger adds to the write. A harness, not a test: figures go to {@code docs/perf.md}.
 *
 * <pre>
 * ./mvnw -B -o -q -pl registry -am test -Dtest=InvalidationLatencyHarness -Dsurefire.failIfNoSpecifiedTests=false -Dav.perf=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "av.perf", matches = "true")
class InvalidationLatencyHarness {

    private static final int WRITES = 2_000;

    @Test
    void measure() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            Database.migrate(db.dataSource());
            StorageSettings settings = StorageSettings.postgres(db.jdbcUrl(), db.user(), "");
            ConcurrentHashMap<String, Long> arrived = new ConcurrentHashMap<>();
            try (Invalidations bus = Invalidations.listen(settings);
                 Connection c = db.dataSource().getConnection()) {
                bus.on("av_agents", key -> arrived.put(key, System.nanoTime()));
                long until = System.nanoTime() + 10_000_000_000L;
                while (bus.backendPid() < 0 && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO av_agents (name, agent_type, description, metadata, "
                        + "status, policies, delegates, eph_enabled, eph_max_ttl, eph_default_ttl, eph_num_uses, created_at, "
                        + "updated_at) VALUES (?, '', '', '{}', 'active', '[]', '[]', FALSE, 0, 0, 0, now(), now())")) {
                    for (int i = 0; i < WRITES; i++) {
                        ins.setString(1, "a-" + i);
                        ins.executeUpdate();
                    }
                }
                long[] commitToSubscriber = new long[WRITES];
                long[] writeWith = new long[WRITES];
                try (PreparedStatement up = c.prepareStatement("UPDATE av_agents SET status = ? WHERE name = ?")) {
                    for (int i = 0; i < WRITES; i++) {
                        String name = "a-" + i;
                        arrived.remove(name);
                        up.setString(1, i % 2 == 0 ? "disabled" : "active");
                        up.setString(2, name);
                        long t0 = System.nanoTime();
                        up.executeUpdate(); // autocommit: returns after the commit
                        long t1 = System.nanoTime();
                        writeWith[i] = t1 - t0;
                        long deadline = t1 + 5_000_000_000L;
                        Long at;
                        while ((at = arrived.get(name)) == null && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                        commitToSubscriber[i] = at == null ? Long.MAX_VALUE : at - t1;
                    }
                }
                long[] writeWithout = new long[WRITES];
                try (Statement s = c.createStatement()) {
                    s.execute("SET session_replication_role = replica");
                }
                try (PreparedStatement up = c.prepareStatement("UPDATE av_agents SET status = ? WHERE name = ?")) {
                    for (int i = 0; i < WRITES; i++) {
                        up.setString(1, i % 2 == 0 ? "active" : "disabled");
                        up.setString(2, "a-" + i);
                        long t0 = System.nanoTime();
                        up.executeUpdate();
                        writeWithout[i] = System.nanoTime() - t0;
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute("SET session_replication_role = origin");
                }
                System.out.println("commit returned -> subscriber ran (us): " + summary(commitToSubscriber));
                System.out.println("UPDATE+commit with trigger+NOTIFY (us): " + summary(writeWith));
                System.out.println("UPDATE+commit without trigger (us):      " + summary(writeWithout));
            }
        }
    }

    private static String summary(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %d  p99 %d  max %s  (n=%d)", s[s.length / 2] / 1000, s[(int) (s.length * 0.99)] / 1000,
                s[s.length - 1] == Long.MAX_VALUE ? "LOST" : Long.toString(s[s.length - 1] / 1000), s.length);
    }
}
