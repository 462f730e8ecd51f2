package dev.av.registry.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.av.core.AvException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * av's database: a pooled {@link DataSource} whose schema has been brought up to date by Flyway over
 * {@code classpath:db/migration} (every module's migrations, by version range). Plain Java; the server
 * makes one at start and hands the {@link DataSource} to every area.
 */
public final class Database implements AutoCloseable {

    private final StorageSettings settings;
    private final HikariDataSource pool;

    private Database(StorageSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /** Opens the pool and applies pending migrations. */
    public static Database open(StorageSettings settings) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(settings.jdbcUrl());
        hc.setUsername(settings.user());
        hc.setPassword(settings.password());
        hc.setMaximumPoolSize(settings.isH2() ? 16 : 20);
        hc.setMinimumIdle(2);
        hc.setPoolName("av-db");
        hc.setConnectionTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new AvException(AvException.Kind.UNAVAILABLE,
                    "cannot open storage " + settings.describe() + ": " + rootMessage(e), null);
        }
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(settings, pool);
    }

    /**
     * Applies all migrations found on the classpath to {@code dataSource}: {@code db/migration} (both
     * databases) and, on PostgreSQL, {@code db/postgresql} (the cross-node invalidation triggers, see
     * {@link Invalidations}).
     */
    public static void migrate(DataSource dataSource) {
        boolean postgres;
        try (Connection c = dataSource.getConnection()) {
            postgres = c.getMetaData().getDatabaseProductName().equalsIgnoreCase("PostgreSQL");
        } catch (SQLException e) {
            throw storageError(e);
        }
        String[] locations = postgres
                ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                : new String[] {"classpath:db/migration"};
        Flyway.configure()
                .dataSource(dataSource)
                .locations(locations)
                .table("av_schema_history")
                .failOnMissingLocations(false)
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return pool;
    }

    public StorageSettings settings() {
        return settings;
    }

    /** Runs {@code work} in one transaction; commits when it returns, rolls back when it throws. */
    public static <T> T inTransaction(DataSource ds, SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    /**
     * Runs an update-else-insert {@code work} in one transaction, and once more if a concurrent
     * writer inserted the same key between its update and its insert (a unique violation, SQLSTATE
     * 23505 on H2 and PostgreSQL): the second run's update finds that row. Last writer wins.
     */
    public static <T> T upsert(DataSource ds, SqlWork<T> work) {
        try {
            return inTransaction(ds, work);
        } catch (AvException e) {
            if (isDuplicate(e)) {
                return inTransaction(ds, work);
            }
            throw e;
        }
    }

    /** Whether a storage failure is a unique/primary key violation (SQLSTATE 23505 on both databases). */
    public static boolean isDuplicate(AvException e) {
        return e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
    }

    /** Wraps a JDBC failure without echoing statement parameters (which may hold secrets). */
    public static AvException storageError(SQLException e) {
        return new AvException(AvException.Kind.INTERNAL, "storage error (" + e.getSQLState() + ")", e);
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null) {
            r = r.getCause();
        }
        String m = r.getMessage();
        return m == null ? r.getClass().getSimpleName() : m.replaceAll("password=[^&;\\s]*", "password=***");
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
