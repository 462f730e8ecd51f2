package dev.av.secrets.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.secrets.EngineRequest;
import dev.av.secrets.EngineResponse;
import dev.av.secrets.Migrations;
import dev.av.secrets.Operation;
import dev.av.secrets.TestSealer;
import dev.av.secrets.lease.LeaseManager;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The database engine against the real PostgreSQL at 127.0.0.1:5432. av's own storage runs on both
 * H2 and PostgreSQL; the target database whose users are created is always the real PostgreSQL.
 */
class DatabaseEngineTest {

    static final String ADMIN_PASSWORD = "admin-pw-never-shown";
    static final String CREATE = "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"
            + " GRANT CONNECT ON DATABASE test TO \"{{name}}\";";

    private final MutableClock clock = new MutableClock(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));

    static TestDatabase storage(TestDatabase.Kind kind) {
        TestDatabase db = TestDatabase.create(kind);
        Migrations.apply(db.dataSource());
        return db;
    }

    static DatabaseEngine engine(TestDatabase db, LeaseManager leases) {
        return new DatabaseEngine("database", "uuid-1", db.dataSource(), TestSealer.shared(), leases, Duration.ZERO, Duration.ZERO);
    }

    static void configure(DatabaseEngine engine) {
        engine.handle(EngineRequest.of(Operation.UPDATE, "config/pg", Map.of(
                "plugin_name", "postgresql-database-plugin",
                "connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1:5432/test?sslmode=disable",
                "username", "postgres",
                "password", ADMIN_PASSWORD,
                "allowed_roles", "ro,app-*"), null));
        engine.handle(EngineRequest.of(Operation.UPDATE, "roles/ro", Map.of(
                "db_name", "pg",
                "creation_statements", List.of(CREATE),
                "default_ttl", "1h",
                "max_ttl", "24h"), null));
    }

    static Connection login(Map<String, Object> creds) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test",
                (String) creds.get("username"), (String) creds.get("password"));
    }

    static void assertLoginRefused(Map<String, Object> creds) {
        assertThatThrownBy(() -> login(creds).close()).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("28"));
    }

    static boolean roleExists(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDatabase.PG_URL, TestDatabase.PG_USER, "");
             var ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void credsCreateALoginThatWorksUntilItsLeaseIsRevoked(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = storage(kind); LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
             DatabaseEngine engine = engine(db, leases)) {
            configure(engine);
            EngineResponse resp = engine.handle(new EngineRequest(Operation.READ, "creds/ro", Map.of(), "tok-1", "alice"));
            assertThat(resp.lease().id()).startsWith("database/creds/ro/");
            assertThat(resp.lease().ttlSeconds(clock)).isEqualTo(3600);
            assertThat(resp.lease().renewable()).isTrue();
            String user = (String) resp.data().get("username");
            assertThat(user).startsWith("v-alice-ro-").hasSizeLessThanOrEqualTo(63);
            try (Connection c = login(resp.data()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(user);
            }
            leases.revoke(resp.lease().id());
            assertLoginRefused(resp.data());
            assertThat(roleExists(user)).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void revocationEndsTheUsersOpenSessions(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = storage(kind); LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
             DatabaseEngine engine = engine(db, leases)) {
            configure(engine);
            EngineResponse resp = engine.handle(new EngineRequest(Operation.READ, "creds/ro", Map.of(), "tok-1", ""));
            try (Connection open = login(resp.data())) {
                leases.revokeOwner("tok-1");
                assertThatThrownBy(() -> {
                    try (Statement s = open.createStatement()) {
                        s.execute("SELECT 1");
                    }
                }).isInstanceOf(SQLException.class);
            }
            assertLoginRefused(resp.data());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void expiryDropsTheLogin(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = storage(kind); LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
             DatabaseEngine engine = engine(db, leases)) {
            configure(engine);
            EngineResponse resp = engine.handle(EngineRequest.of(Operation.READ, "creds/ro", Map.of(), "tok-1"));
            login(resp.data()).close();
            clock.advance(Duration.ofMinutes(59));
            assertThat(leases.tick()).isZero();
            login(resp.data()).close();
            clock.advance(Duration.ofMinutes(2));
            assertThat(leases.tick()).isEqualTo(1);
            assertLoginRefused(resp.data());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aRestartInBetweenStillRevokesOnExpiry(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = storage(kind)) {
            Map<String, Object> creds;
            try (LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
                 DatabaseEngine engine = engine(db, leases)) {
                configure(engine);
                creds = engine.handle(EngineRequest.of(Operation.READ, "creds/ro", Map.of(), "tok-1")).data();
            }
            // av is down; the lease expires meanwhile
            clock.advance(Duration.ofHours(2));
            login(creds).close();
            try (LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
                 DatabaseEngine engine = engine(db, leases)) {
                assertThat(leases.tick()).isEqualTo(1);
                assertLoginRefused(creds);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void renewMovesValidUntilAndIsCappedByMaxTtl(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = storage(kind); LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
             DatabaseEngine engine = engine(db, leases)) {
            configure(engine);
            EngineResponse resp = engine.handle(EngineRequest.of(Operation.READ, "creds/ro", Map.of(), "tok-1"));
            var renewed = leases.renew(resp.lease().id(), Duration.ofHours(5)).lease();
            assertThat(renewed.ttlSeconds(clock)).isEqualTo(5 * 3600);
            try (Connection c = DriverManager.getConnection(TestDatabase.PG_URL, TestDatabase.PG_USER, "");
                 var ps = c.prepareStatement("SELECT rolvaliduntil FROM pg_roles WHERE rolname = ?")) {
                ps.setString(1, (String) resp.data().get("username"));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    long validUntil = rs.getTimestamp(1).toInstant().getEpochSecond();
                    assertThat(validUntil).isEqualTo(renewed.expireTime().getEpochSecond());
                }
            }
            assertThat(leases.renew(resp.lease().id(), Duration.ofDays(30)).lease().expireTime())
                    .isEqualTo(resp.lease().maxExpireTime());
            leases.revoke(resp.lease().id());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void theAdminPasswordIsSealedAtRestAndNeverReadBack(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = storage(kind); LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
             DatabaseEngine engine = engine(db, leases)) {
            configure(engine);
            Map<String, Object> config = engine.handle(EngineRequest.of(Operation.READ, "config/pg", Map.of(), null)).data();
            assertThat(config).containsEntry("plugin_name", "postgresql-database-plugin")
                    .containsEntry("allowed_roles", List.of("ro", "app-*"));
            assertThat(config.toString()).doesNotContain(ADMIN_PASSWORD);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT password FROM av_db_connections")) {
                assertThat(rs.next()).isTrue();
                assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain(ADMIN_PASSWORD);
            }
            Map<String, Object> role = engine.handle(EngineRequest.of(Operation.READ, "roles/ro", Map.of(), null)).data();
            assertThat(role).containsEntry("db_name", "pg").containsEntry("default_ttl", 3600L).containsEntry("max_ttl", 86400L);
            assertThat(engine.handle(EngineRequest.of(Operation.LIST, "roles/", Map.of(), null)).data())
                    .containsEntry("keys", List.of("ro"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void badInputIsRefusedWithAClearErrorAndChangesNothing(TestDatabase.Kind kind) {
        try (TestDatabase db = storage(kind); LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
             DatabaseEngine engine = engine(db, leases)) {
            configure(engine);
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.UPDATE, "config/other", Map.of(
                    "plugin_name", "mysql-database-plugin", "connection_url", "x"), null)))
                    .isInstanceOf(AvException.class).hasMessageContaining("unsupported plugin_name");
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.UPDATE, "config/down", Map.of(
                    "plugin_name", "postgresql-database-plugin",
                    "connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1:1/test",
                    "username", "postgres", "password", ADMIN_PASSWORD), null)))
                    .isInstanceOf(AvException.class)
                    .hasMessageContaining("error creating database object")
                    .hasMessageNotContaining(ADMIN_PASSWORD);
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.READ, "config/down", Map.of(), null)))
                    .isInstanceOf(AvException.class).extracting(e -> ((AvException) e).kind()).isEqualTo(AvException.Kind.NOT_FOUND);
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.READ, "creds/nope", Map.of(), "t")))
                    .isInstanceOf(AvException.class).hasMessage("unknown role: nope");
            engine.handle(EngineRequest.of(Operation.UPDATE, "roles/other", Map.of("db_name", "pg",
                    "creation_statements", CREATE), null));
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.READ, "creds/other", Map.of(), "t")))
                    .isInstanceOf(AvException.class).hasMessage("\"other\" is not an allowed role");
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.UPDATE, "roles/x", Map.of("db_name", "pg",
                    "creation_statements", CREATE, "default_ttl", "2h", "max_ttl", "1h"), null)))
                    .isInstanceOf(AvException.class).hasMessage("ttl cannot be greater than max_ttl");
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.UPDATE, "roles/x", Map.of("db_name", "pg",
                    "creation_statements", CREATE, "bogus", "1"), null)))
                    .isInstanceOf(AvException.class).hasMessage("unknown field \"bogus\"");
            assertThat(leases.list("database/")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aFailingCreationStatementLeavesNoLeaseBehind(TestDatabase.Kind kind) {
        try (TestDatabase db = storage(kind); LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
             DatabaseEngine engine = engine(db, leases)) {
            configure(engine);
            engine.handle(EngineRequest.of(Operation.UPDATE, "roles/app-broken", Map.of("db_name", "pg",
                    "creation_statements", "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}'; GRANT nonsense"), null));
            assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.READ, "creds/app-broken", Map.of(), "t")))
                    .isInstanceOf(AvException.class).hasMessageContaining("failed to create user");
            assertThat(leases.list("database/creds")).isEmpty();
        }
    }
}
