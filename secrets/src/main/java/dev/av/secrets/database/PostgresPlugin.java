package dev.av.secrets.database;

import dev.av.core.AvException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Vault's {@code postgresql-database-plugin}: runs the role's statements as the configured
 * administrator. Errors carry the SQLState only: PostgreSQL messages may quote a statement, and
 * statements contain passwords.
 */
final class PostgresPlugin {

    /** Vault renders {{expiration}} as Go's "2006-01-02 15:04:05-0700". */
    static final DateTimeFormatter EXPIRATION = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssZ").withZone(ZoneOffset.UTC);

    static final List<String> DEFAULT_RENEW = List.of("ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';");
    static final List<String> DEFAULT_REVOKE = List.of(
            "REASSIGN OWNED BY \"{{name}}\" TO CURRENT_USER; DROP OWNED BY \"{{name}}\"; DROP ROLE IF EXISTS \"{{name}}\";");

    Connection open(DatabaseConnection conn) {
        ConnectionUrl url = conn.url();
        try {
            return DriverManager.getConnection(url.jdbcUrl(), url.properties());
        } catch (SQLException e) {
            throw new AvException(AvException.Kind.UNAVAILABLE, "cannot connect to database \"" + conn.name() + "\" at "
                    + url.display() + " (SQLState " + e.getSQLState() + ")");
        }
    }

    void verify(DatabaseConnection conn) {
        try (Connection c = open(conn); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException e) {
            throw failure("verify connection", e);
        }
    }

    void createUser(DatabaseConnection conn, List<String> statements, String name, String password, Instant expiration) {
        if (statements.isEmpty()) {
            throw AvException.badRequest("role has no creation_statements");
        }
        runInTransaction(conn, statements, Map.of("name", name, "username", name, "password", password,
                "expiration", EXPIRATION.format(expiration)), "create user");
    }

    void renewUser(DatabaseConnection conn, List<String> statements, String name, Instant expiration) {
        try (Connection c = open(conn)) {
            if (!roleExists(c, name)) {
                throw AvException.badRequest("lease not found: its database user no longer exists");
            }
        } catch (SQLException e) {
            throw failure("renew user", e);
        }
        runInTransaction(conn, statements.isEmpty() ? DEFAULT_RENEW : statements,
                Map.of("name", name, "username", name, "expiration", EXPIRATION.format(expiration)), "renew user");
    }

    /**
     * Revokes a user: forbids new logins, ends its sessions, then runs the revocation statements.
     * Idempotent: a user that no longer exists is already revoked.
     */
    void revokeUser(DatabaseConnection conn, List<String> statements, String name) {
        try (Connection c = open(conn)) {
            if (!roleExists(c, name)) {
                return;
            }
            try (Statement s = c.createStatement()) {
                s.execute("ALTER ROLE " + quoteIdent(name) + " NOLOGIN");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, name);
                ps.execute();
            }
        } catch (SQLException e) {
            throw failure("revoke user", e);
        }
        runInTransaction(conn, statements.isEmpty() ? DEFAULT_REVOKE : statements,
                Map.of("name", name, "username", name), "revoke user");
    }

    private void runInTransaction(DatabaseConnection conn, List<String> statements, Map<String, String> values,
                                  String what) {
        try (Connection c = open(conn)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String stmt : split(statements)) {
                    s.execute(render(stmt, values));
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    static List<String> split(List<String> statements) {
        List<String> out = new ArrayList<>();
        for (String stmt : statements) {
            for (String part : stmt.split(";")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    static String render(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", e.getValue()).replace("{{." + e.getKey() + "}}", e.getValue());
        }
        return out;
    }

    private static boolean roleExists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static AvException failure(String what, SQLException e) {
        // 08xxx: connection exceptions; the database is down, not the request wrong.
        boolean down = e.getSQLState() != null && e.getSQLState().startsWith("08");
        return new AvException(down ? AvException.Kind.UNAVAILABLE : AvException.Kind.BAD_REQUEST,
                "failed to " + what + " (SQLState " + e.getSQLState() + ")");
    }
}
