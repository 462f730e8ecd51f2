package dev.av.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The listener on a real PostgreSQL: notices carry the key, only on commit, only for this schema. */
class InvalidationsTest {

    @Test
    void aCommittedWriteReachesTheSubscriberOfItsTableWithTheRowKey() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            Database.migrate(db.dataSource());
            List<String> scopes = new CopyOnWriteArrayList<>();
            List<String> policies = new CopyOnWriteArrayList<>();
            try (Invalidations bus = Invalidations.listen(StorageSettings.postgres(db.jdbcUrl(), db.user(), ""))) {
                bus.on("av_scopes", scopes::add);
                bus.on("av_policies", policies::add);
                await(() -> bus.backendPid() > 0);
                try (Connection c = db.dataSource().getConnection()) {
                    c.setAutoCommit(false);
                    insertScope(c, "rolled-back");
                    c.rollback();
                    insertScope(c, "committed");
                    c.commit();
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO av_policies (kind, name, body, updated_at) VALUES ('acl', 'p1', 'x', 0)")) {
                        ps.executeUpdate();
                    }
                    c.commit();
                }
                await(() -> scopes.contains("committed") && policies.contains("acl/p1"));
                assertThat(scopes).as("a rolled-back write sends nothing").containsExactly("committed");
            }
        }
    }

    @Test
    void noticesFromAnotherSchemaInTheSameDatabaseAreIgnored() throws Exception {
        try (TestDatabase mine = TestDatabase.postgres(); TestDatabase other = TestDatabase.postgres()) {
            Database.migrate(mine.dataSource());
            Database.migrate(other.dataSource());
            List<String> seen = new CopyOnWriteArrayList<>();
            try (Invalidations bus = Invalidations.listen(StorageSettings.postgres(mine.jdbcUrl(), mine.user(), ""))) {
                bus.on("av_scopes", seen::add);
                await(() -> bus.backendPid() > 0);
                try (Connection c = other.dataSource().getConnection()) {
                    insertScope(c, "theirs");
                }
                try (Connection c = mine.dataSource().getConnection()) {
                    insertScope(c, "ours");
                }
                await(() -> seen.contains("ours"));
                assertThat(seen).containsExactly("ours");
            }
        }
    }

    @Test
    void onH2NothingIsShared() {
        try (Invalidations bus = Invalidations.forStorage(StorageSettings.h2Memory("inv"))) {
            assertThat(bus.isShared()).isFalse();
            assertThat(bus.backendPid()).isEqualTo(-1);
        }
    }

    private static void insertScope(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO av_scopes (name, description, policy, created_at, "
                + "updated_at) VALUES (?, '', 'x', now(), now())")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met within 10 s").isNegative();
            Thread.sleep(2);
        }
    }
}
