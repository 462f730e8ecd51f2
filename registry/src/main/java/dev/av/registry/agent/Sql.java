package dev.av.registry.agent;

import dev.av.core.AvException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Minimal JDBC plumbing shared by the registry stores. SQL runs unchanged on H2 (PostgreSQL mode) and PostgreSQL. */
final class Sql {

    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;

    Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw storageFailure(e);
        }
    }

    <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw storageFailure(e);
        }
    }

    <T> Optional<T> one(String sql, Row<T> row, Object... args) {
        List<T> all = query(sql, row, args);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Instant t) {
                ps.setTimestamp(i + 1, Timestamp.from(t));
            } else if (a instanceof NullInstant) {
                ps.setTimestamp(i + 1, null);
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    /** A typed SQL NULL for timestamp columns. */
    enum NullInstant { VALUE }

    static Object instantOrNull(Instant t) {
        return t == null ? NullInstant.VALUE : t;
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static AvException storageFailure(SQLException e) {
        return new AvException(AvException.Kind.INTERNAL, "agent registry storage failed", e);
    }
}
