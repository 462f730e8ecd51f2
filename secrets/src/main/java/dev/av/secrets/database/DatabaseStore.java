package dev.av.secrets.database;

import dev.av.core.AvException;
import dev.av.core.Secret;
import dev.av.secrets.Json;
import dev.av.secrets.Sealer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code av_db_connections} and {@code av_db_roles} tables for one mount. */
final class DatabaseStore {

    private static final String TABLE = "av_db_connections";

    private final DataSource dataSource;
    private final Sealer sealer;
    private final String mount;

    DatabaseStore(DataSource dataSource, Sealer sealer, String mount) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.mount = mount;
    }

    Optional<DatabaseConnection> connection(String name) {
        String sql = "SELECT name, plugin_name, connection_url, username, password, password_version, allowed_roles,"
                + " verify_connection FROM av_db_connections WHERE mount = ? AND name = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, mount);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] sealed = rs.getBytes(5);
                Secret password = sealed == null ? null
                        : Secret.ofBytes(sealer.decrypt(TABLE, mount + "/" + name, rs.getLong(6), sealed));
                return Optional.of(new DatabaseConnection(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), password, Json.readStrings(rs.getString(7)), rs.getBoolean(8)));
            }
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    void putConnection(DatabaseConnection conn) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long version = 1;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT password_version FROM av_db_connections WHERE mount = ? AND name = ?")) {
                    ps.setString(1, mount);
                    ps.setString(2, conn.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            version = rs.getLong(1) + 1;
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM av_db_connections WHERE mount = ? AND name = ?")) {
                    ps.setString(1, mount);
                    ps.setString(2, conn.name());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO av_db_connections (mount, name, plugin_name,"
                        + " connection_url, username, password, password_version, allowed_roles, verify_connection)"
                        + " VALUES (?,?,?,?,?,?,?,?,?)")) {
                    ps.setString(1, mount);
                    ps.setString(2, conn.name());
                    ps.setString(3, conn.pluginName());
                    ps.setString(4, conn.connectionUrl());
                    ps.setString(5, conn.username());
                    ps.setBytes(6, conn.password() == null ? null
                            : sealer.encrypt(TABLE, mount + "/" + conn.name(), version, conn.password().revealBytes()));
                    ps.setLong(7, version);
                    ps.setString(8, Json.writeString(conn.allowedRoles()));
                    ps.setBoolean(9, conn.verifyConnection());
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    boolean deleteConnection(String name) {
        return update("DELETE FROM av_db_connections WHERE mount = ? AND name = ?", mount, name) > 0;
    }

    List<String> connectionNames() {
        return names("SELECT name FROM av_db_connections WHERE mount = ? ORDER BY name");
    }

    Optional<DatabaseRole> role(String name) {
        String sql = "SELECT name, db_name, creation_statements, revocation_statements, renew_statements, default_ttl,"
                + " max_ttl FROM av_db_roles WHERE mount = ? AND name = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, mount);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DatabaseRole(rs.getString(1), rs.getString(2), Json.readStrings(rs.getString(3)),
                        Json.readStrings(rs.getString(4)), Json.readStrings(rs.getString(5)),
                        Duration.ofSeconds(rs.getLong(6)), Duration.ofSeconds(rs.getLong(7))));
            }
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    void putRole(DatabaseRole role) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM av_db_roles WHERE mount = ? AND name = ?")) {
                    ps.setString(1, mount);
                    ps.setString(2, role.name());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO av_db_roles (mount, name, db_name,"
                        + " creation_statements, revocation_statements, renew_statements, default_ttl, max_ttl)"
                        + " VALUES (?,?,?,?,?,?,?,?)")) {
                    ps.setString(1, mount);
                    ps.setString(2, role.name());
                    ps.setString(3, role.dbName());
                    ps.setString(4, Json.writeString(role.creationStatements()));
                    ps.setString(5, Json.writeString(role.revocationStatements()));
                    ps.setString(6, Json.writeString(role.renewStatements()));
                    ps.setLong(7, role.defaultTtl().getSeconds());
                    ps.setLong(8, role.maxTtl().getSeconds());
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    boolean deleteRole(String name) {
        return update("DELETE FROM av_db_roles WHERE mount = ? AND name = ?", mount, name) > 0;
    }

    List<String> roleNames() {
        return names("SELECT name FROM av_db_roles WHERE mount = ? ORDER BY name");
    }

    void deleteAll() {
        update("DELETE FROM av_db_roles WHERE mount = ?", mount);
        update("DELETE FROM av_db_connections WHERE mount = ?", mount);
    }

    private List<String> names(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, mount);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    private int update(String sql, String... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw storageError(e);
        }
    }

    private static AvException storageError(SQLException e) {
        return new AvException(AvException.Kind.INTERNAL, "database engine storage failed (SQLState " + e.getSQLState() + ")", e);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
