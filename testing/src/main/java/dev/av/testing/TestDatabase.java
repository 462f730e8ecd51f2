package dev.av.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh, empty database for one test, on H2 (in memory, PostgreSQL mode) or on the real
 * PostgreSQL at 127.0.0.1:5432 (database {@code test}, trust auth), where each instance gets its own
 * schema. Use {@link #all()} as a {@code @MethodSource} so SQL code is tested on both.
 */
public final class TestDatabase implements AutoCloseable {

    public enum Kind { H2, POSTGRES }

    public static final String PG_URL = System.getProperty("av.test.pg.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getProperty("av.test.pg.user", "postgres");

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Kind kind;
    private final String jdbcUrl;
    private final String schema;
    private final DataSource dataSource;

    private TestDatabase(Kind kind, String jdbcUrl, String schema, DataSource dataSource) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.schema = schema;
        this.dataSource = dataSource;
    }

    /** Both kinds, as JUnit arguments: {@code @ParameterizedTest @MethodSource("dev.av.testing.TestDatabase#kinds")}. */
    public static List<Kind> kinds() {
        return List.of(Kind.H2, Kind.POSTGRES);
    }

    public static TestDatabase create(Kind kind) {
        return kind == Kind.H2 ? h2() : postgres();
    }

    /** The H2 settings av itself uses: PostgreSQL mode, lower-case identifiers. */
    public static String h2Url(String name) {
        return "jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    }

    public static TestDatabase h2() {
        String name = "t" + COUNTER.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8);
        String url = h2Url(name);
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        return new TestDatabase(Kind.H2, url, null, ds);
    }

    public static TestDatabase postgres() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PG_URL + " is not reachable: start it with "
                    + "'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'", e);
        }
        String url = PG_URL + "?currentSchema=" + schema;
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(PG_USER);
        return new TestDatabase(Kind.POSTGRES, url, schema, ds);
    }

    public Kind kind() {
        return kind;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return kind == Kind.POSTGRES ? PG_USER : "";
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        try {
            if (kind == Kind.POSTGRES) {
                try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
                     Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            } else {
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
        } catch (SQLException e) {
            // best effort: a test database that cannot be dropped is not a test failure
        }
    }

    @Override
    public String toString() {
        return kind.name();
    }
}
