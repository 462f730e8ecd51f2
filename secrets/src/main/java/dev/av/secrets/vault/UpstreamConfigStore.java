package dev.av.secrets.vault;

import dev.av.core.AvException;
import dev.av.secrets.Json;
import dev.av.secrets.Sealer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code av_vault_upstreams} table: one sealed config per mount. */
final class UpstreamConfigStore {

    private static final String TABLE = "av_vault_upstreams";
    private final DataSource dataSource;
    private final Sealer sealer;
    private final String key;

    UpstreamConfigStore(DataSource dataSource, Sealer sealer, String key) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.key = key;
    }

    Optional<UpstreamConfig> load() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT version, config FROM av_vault_upstreams WHERE mount_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] plain = sealer.decrypt(TABLE, key, rs.getLong(1), rs.getBytes(2));
                return Optional.of(UpstreamConfig.parse(Json.readMap(plain), null));
            }
        } catch (SQLException e) {
            throw error(e);
        }
    }

    void save(UpstreamConfig config) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long version = 1;
                try (PreparedStatement ps = c.prepareStatement("SELECT version FROM av_vault_upstreams WHERE mount_key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            version = rs.getLong(1) + 1;
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM av_vault_upstreams WHERE mount_key = ?")) {
                    ps.setString(1, key);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO av_vault_upstreams (mount_key, version, config) VALUES (?,?,?)")) {
                    ps.setString(1, key);
                    ps.setLong(2, version);
                    ps.setBytes(3, sealer.encrypt(TABLE, key, version, Json.write(config.toStored())));
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw error(e);
        }
    }

    void delete() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM av_vault_upstreams WHERE mount_key = ?")) {
            ps.setString(1, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw error(e);
        }
    }

    private static AvException error(SQLException e) {
        return new AvException(AvException.Kind.INTERNAL, "vault engine storage failed (SQLState " + e.getSQLState() + ")", e);
    }
}
