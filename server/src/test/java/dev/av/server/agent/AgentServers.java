package dev.av.server.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.registry.storage.StorageSettings;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.util.EnumMap;
import java.util.Map;

/** One running av per database kind (H2, PostgreSQL), with a clock the tests move, shared by a test class. */
final class AgentServers implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    record Running(AvServer av, Api root, MutableClock clock, TestDatabase db) {
    }

    private final Map<TestDatabase.Kind, Running> running = new EnumMap<>(TestDatabase.Kind.class);

    Running get(TestDatabase.Kind kind) {
        return running.computeIfAbsent(kind, k -> {
            TestDatabase db = TestDatabase.create(k);
            MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
            ServerConfig.Builder b = ServerConfig.builder().dev(true).devRootTokenId("root")
                    .listenAddress("127.0.0.1:0").clock(clock);
            if (k == TestDatabase.Kind.POSTGRES) {
                b.storage(StorageSettings.postgres(db.jdbcUrl(), db.user(), ""));
            }
            AvServer av = AvServer.start(b.build());
            return new Running(av, new Api(av.apiAddress(), av.rootToken()), clock, db);
        });
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running.values().forEach(r -> {
            r.av().close();
            r.db().close();
        });
        running.clear();
    }
}
