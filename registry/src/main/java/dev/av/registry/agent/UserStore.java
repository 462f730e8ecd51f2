package dev.av.registry.agent;

import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Registry users (delegates) in {@code av_registry_users}. Thread-safe. */
public final class UserStore {

    private static final String COLUMNS = "name, display_name, email, oidc_subject, policies, created_at, updated_at";

    private final Sql sql;

    public UserStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    public Optional<RegistryUser> find(String name) {
        return sql.one("SELECT " + COLUMNS + " FROM av_registry_users WHERE name = ?", UserStore::row, name);
    }

    public Optional<RegistryUser> findBySubject(String subject) {
        return sql.one("SELECT " + COLUMNS + " FROM av_registry_users WHERE oidc_subject = ?", UserStore::row, subject);
    }

    public List<String> names() {
        return sql.query("SELECT name FROM av_registry_users ORDER BY name", rs -> rs.getString(1));
    }

    /** Inserts or replaces a user; a subject already bound to another user is a conflict. */
    public void upsert(RegistryUser u, boolean exists) {
        try {
            if (exists) {
                sql.update("UPDATE av_registry_users SET display_name = ?, email = ?, oidc_subject = ?, policies = ?, updated_at = ? "
                        + "WHERE name = ?", u.displayName(), u.email(), u.oidcSubject(), Json.write(u.policies()),
                        u.updatedAt(), u.name());
            } else {
                sql.update("INSERT INTO av_registry_users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        u.name(), u.displayName(), u.email(), u.oidcSubject(), Json.write(u.policies()),
                        u.createdAt(), u.updatedAt());
            }
        } catch (AvException e) {
            if (Database.isDuplicate(e)) {
                throw new AvException(AvException.Kind.CONFLICT, exists
                        ? "oidc_subject is already bound to another user"
                        : "user \"" + u.name() + "\" already exists or its oidc_subject is bound to another user");
            }
            throw e;
        }
    }

    public boolean delete(String name) {
        return sql.update("DELETE FROM av_registry_users WHERE name = ?", name) == 1;
    }

    private static RegistryUser row(ResultSet rs) throws SQLException {
        return new RegistryUser(rs.getString("name"), rs.getString("display_name"), rs.getString("email"),
                rs.getString("oidc_subject"), Json.list(rs.getString("policies")),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
