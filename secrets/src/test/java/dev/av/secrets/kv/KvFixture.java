package dev.av.secrets.kv;

import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.util.Map;
import org.flywaydb.core.Flyway;

/** A migrated test database with a KV engine on mount {@code secret-uuid} and a mutable clock. */
final class KvFixture implements AutoCloseable {

    final TestDatabase db;
    final MutableClock clock = MutableClock.startingAt("2026-01-02T03:04:05.123456Z");
    final ValueSealer sealer = new AesGcmTestSealer();
    final KvEngine engine;

    KvFixture(TestDatabase.Kind kind) {
        db = TestDatabase.create(kind);
        Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load().migrate();
        engine = new KvEngine(db.dataSource(), sealer, "secret-uuid", clock);
    }

    KvResponse call(KvOperation op, String path, Map<String, Object> data) {
        return engine.handle(op, path, data);
    }

    @Override
    public void close() {
        db.close();
    }
}
