package dev.av.secrets.kv;

import dev.av.secrets.Sealer;
import dev.av.secrets.TestSealer;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * A KV engine on its own mount in a migrated test database, with a mutable clock. The database is
 * migrated once per kind and shared by the tests of this JVM (migrating per test was most of the
 * test time); each fixture gets a fresh mount id, so tests never see each other's rows.
 */
final class KvFixture implements AutoCloseable {

    private static final Map<TestDatabase.Kind, TestDatabase> SHARED = new EnumMap<>(TestDatabase.Kind.class);

    final TestDatabase db;
    final String mount = "m-" + UUID.randomUUID();
    final MutableClock clock = MutableClock.startingAt("2026-01-02T03:04:05.123456Z");
    final Sealer sealer = TestSealer.random();
    final KvEngine engine;

    KvFixture(TestDatabase.Kind kind) {
        db = shared(kind);
        engine = new KvEngine(db.dataSource(), sealer, mount, clock);
    }

    private static synchronized TestDatabase shared(TestDatabase.Kind kind) {
        return SHARED.computeIfAbsent(kind, k -> {
            TestDatabase created = TestDatabase.create(k);
            Flyway.configure().dataSource(created.dataSource()).locations("classpath:db/migration").load().migrate();
            Runtime.getRuntime().addShutdownHook(new Thread(created::close));
            return created;
        });
    }

    KvResponse call(KvOperation op, String path, Map<String, Object> data) {
        return engine.handle(op, path, data);
    }

    @Override
    public void close() {
        engine.store().deleteAll();
    }
}
