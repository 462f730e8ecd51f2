package dev.av.registry.agent;

import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import org.flywaydb.core.Flyway;

/** A migrated test database with a registry on it. */
final class Fixture implements AutoCloseable {

    final TestDatabase db;
    final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    final FakePolicies policies = new FakePolicies();
    final AgentRegistry registry;

    Fixture(TestDatabase.Kind kind) {
        db = TestDatabase.create(kind);
        Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load().migrate();
        registry = new AgentRegistry(db.dataSource(), policies, clock);
    }

    @Override
    public void close() {
        db.close();
    }
}
