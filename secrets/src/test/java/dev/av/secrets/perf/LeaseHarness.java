package dev.av.secrets.perf;

import dev.av.secrets.EngineRequest;
import dev.av.secrets.Migrations;
import dev.av.secrets.Operation;
import dev.av.secrets.TestSealer;
import dev.av.secrets.database.DatabaseEngine;
import dev.av.secrets.lease.Lease;
import dev.av.secrets.lease.LeaseHandler;
import dev.av.secrets.lease.LeaseManager;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement harness, not a test: prints lease and database-engine figures for docs/perf.md.
 * Run: {@code ./mvnw -B -q -pl secrets -am verify -Dtest=LeaseHarness -Dsurefire.failIfNoSpecifiedTests=false -Dav.perf=true}
 * (output in secrets/target/surefire-reports/dev.av.secrets.perf.LeaseHarness-output.txt).
 */
@EnabledIfSystemProperty(named = "av.perf", matches = "true")
class LeaseHarness {

    private static final LeaseHandler NOOP = new LeaseHandler() {
        @Override
        public Instant renew(Lease lease, Instant requested) {
            return requested;
        }

        @Override
        public void revoke(Lease lease) {
        }
    };

    @Test
    void leaseStorage() {
        for (TestDatabase.Kind kind : TestDatabase.kinds()) {
            try (TestDatabase db = TestDatabase.create(kind)) {
                Migrations.apply(db.dataSource());
                MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
                LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
                leases.register("m", NOOP);
                int n = 2000;
                for (int i = 0; i < 200; i++) { // warm-up
                    leases.revoke(leases.create("m", "creds/r", "t", Duration.ofHours(1), Duration.ZERO, true, Map.of()).id());
                }
                long t0 = System.nanoTime();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.add(leases.create("m", "creds/r", "t" + (i % 50), Duration.ofMinutes(1), Duration.ZERO, true,
                            Map.of("username", "u" + i)).id());
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i += 4) {
                    leases.renew(ids.get(i), Duration.ofMinutes(1));
                }
                long t2 = System.nanoTime();
                clock.advance(Duration.ofMinutes(2));
                int revoked = 0;
                while (true) {
                    int k = leases.tick();
                    if (k == 0) {
                        break;
                    }
                    revoked += k;
                }
                long t3 = System.nanoTime();
                System.out.printf("%s: create %d leases: %.0f/s; renew %d: %.0f/s; expire+revoke %d by tick: %.0f/s%n",
                        kind, n, n / sec(t0, t1), n / 4, (n / 4) / sec(t1, t2), revoked, revoked / sec(t2, t3));
            }
        }
    }

    @Test
    void databaseCredentials() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRES)) {
            Migrations.apply(db.dataSource());
            LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), java.time.Clock.systemUTC());
            DatabaseEngine engine = new DatabaseEngine("database", "perf", db.dataSource(), TestSealer.shared(), leases,
                    Duration.ZERO, Duration.ZERO);
            engine.handle(EngineRequest.of(Operation.UPDATE, "config/pg", Map.of("plugin_name", "postgresql-database-plugin",
                    "connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1:5432/test", "username", "postgres",
                    "password", "x", "allowed_roles", "ro"), null));
            engine.handle(EngineRequest.of(Operation.UPDATE, "roles/ro", Map.of("db_name", "pg", "creation_statements",
                    "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"), null));
            int n = 60;
            long[] create = new long[n];
            long[] revoke = new long[n];
            for (int i = 0; i < n; i++) {
                long a = System.nanoTime();
                var r = engine.handle(EngineRequest.of(Operation.READ, "creds/ro", Map.of(), "t"));
                long b = System.nanoTime();
                leases.revoke(r.lease().id());
                long c = System.nanoTime();
                create[i] = b - a;
                revoke[i] = c - b;
            }
            System.out.printf("database creds (PostgreSQL 15, new JDBC connection per call): create p50 %.1f ms p95 %.1f ms;"
                    + " revoke p50 %.1f ms p95 %.1f ms (n=%d, first 10 dropped)%n",
                    pct(create, 50), pct(create, 95), pct(revoke, 50), pct(revoke, 95), n);
        }
    }

    private static double sec(long a, long b) {
        return (b - a) / 1e9;
    }

    private static double pct(long[] v, int p) {
        long[] s = Arrays.copyOfRange(v, 10, v.length);
        Arrays.sort(s);
        return s[Math.min(s.length - 1, s.length * p / 100)] / 1e6;
    }
}
