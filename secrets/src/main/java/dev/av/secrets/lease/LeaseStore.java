package dev.av.secrets.lease;

import dev.av.core.AvException;
import dev.av.secrets.Json;
import dev.av.secrets.Sealer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code av_leases} table. Internal data is sealed with the lease id as associated data. */
final class LeaseStore {

    static final String TABLE = "av_leases";

    private static final String COLUMNS = "lease_id, mount, path, owner, issue_time, expire_time, last_renewal, "
            + "max_expire_time, ttl_seconds, renewable, state, internal";

    private final DataSource dataSource;
    private final Sealer sealer;

    LeaseStore(DataSource dataSource, Sealer sealer) {
        this.dataSource = dataSource;
        this.sealer = sealer;
    }

    void insert(Lease lease) {
        String sql = "INSERT INTO av_leases (" + COLUMNS + ", revoke_attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, lease.id());
            ps.setString(2, lease.mount());
            ps.setString(3, lease.path());
            ps.setString(4, lease.owner());
            ps.setObject(5, odt(lease.issueTime()));
            ps.setObject(6, odt(lease.expireTime()));
            ps.setObject(7, odt(lease.lastRenewal()));
            ps.setObject(8, odt(lease.maxExpireTime()));
            ps.setLong(9, lease.ttl().getSeconds());
            ps.setBoolean(10, lease.renewable());
            ps.setString(11, lease.state().name());
            ps.setBytes(12, seal(lease.id(), lease.internal()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    Optional<Lease> find(String leaseId) {
        List<Lease> found = query("SELECT " + COLUMNS + " FROM av_leases WHERE lease_id = ?", leaseId);
        return found.stream().findFirst();
    }

    List<Lease> byOwner(String owner) {
        return query("SELECT " + COLUMNS + " FROM av_leases WHERE owner = ? ORDER BY lease_id", owner);
    }

    List<Lease> byPrefix(String prefix) {
        return query("SELECT " + COLUMNS + " FROM av_leases WHERE lease_id LIKE ? ESCAPE '!' ORDER BY lease_id",
                likePrefix(prefix));
    }

    List<Lease> byMount(String mount) {
        return query("SELECT " + COLUMNS + " FROM av_leases WHERE mount = ? ORDER BY lease_id", mount);
    }

    /** Active leases past their expiry and revocations whose next attempt is due. */
    List<Lease> due(Instant now, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM av_leases WHERE (state = 'ACTIVE' AND expire_time <= ?)"
                + " OR (state = 'REVOKING' AND (next_attempt IS NULL OR next_attempt <= ?))"
                + " ORDER BY expire_time LIMIT " + limit;
        return query(sql, odt(now), odt(now));
    }

    /** Leases whose expiry falls before {@code before}, for engines that renew ahead of time. */
    List<Lease> activeExpiringBefore(String mount, Instant before) {
        return query("SELECT " + COLUMNS + " FROM av_leases WHERE mount = ? AND state = 'ACTIVE' AND expire_time < ?"
                + " ORDER BY expire_time", mount, odt(before));
    }

    void markRevoking(String leaseId) {
        update("UPDATE av_leases SET state = 'REVOKING' WHERE lease_id = ?", leaseId);
    }

    void revocationFailed(String leaseId, Instant nextAttempt, String error) {
        update("UPDATE av_leases SET revoke_attempts = revoke_attempts + 1, next_attempt = ?, last_error = ?"
                + " WHERE lease_id = ?", odt(nextAttempt), error, leaseId);
    }

    int attempts(String leaseId) {
        String sql = "SELECT revoke_attempts FROM av_leases WHERE lease_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, leaseId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    void delete(String leaseId) {
        update("DELETE FROM av_leases WHERE lease_id = ?", leaseId);
    }

    void renewed(String leaseId, Instant expire, Instant at) {
        update("UPDATE av_leases SET expire_time = ?, last_renewal = ? WHERE lease_id = ? AND state = 'ACTIVE'",
                odt(expire), odt(at), leaseId);
    }

    void replaceInternal(String leaseId, Map<String, Object> internal) {
        update("UPDATE av_leases SET internal = ? WHERE lease_id = ?", seal(leaseId, internal), leaseId);
    }

    private List<Lease> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Lease> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    private void update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    private Lease read(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        byte[] sealed = rs.getBytes(12);
        Map<String, Object> internal = sealed == null ? Map.of()
                : Json.readMap(sealer.decrypt(TABLE, id, 1, sealed));
        return new Lease(id, rs.getString(2), rs.getString(3), rs.getString(4),
                instant(rs.getObject(5, OffsetDateTime.class)), instant(rs.getObject(6, OffsetDateTime.class)),
                instant(rs.getObject(7, OffsetDateTime.class)), instant(rs.getObject(8, OffsetDateTime.class)),
                Duration.ofSeconds(rs.getLong(9)), rs.getBoolean(10), Lease.State.valueOf(rs.getString(11)), internal);
    }

    private byte[] seal(String id, Map<String, Object> internal) {
        return sealer.encrypt(TABLE, id, 1, Json.write(internal));
    }

    static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private static OffsetDateTime odt(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static AvException storageError(SQLException e) {
        return new AvException(AvException.Kind.INTERNAL, "lease storage failed (SQLState " + e.getSQLState() + ")", e);
    }
}
