package dev.av.registry.agent;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Consent scopes in {@code av_scopes}. Thread-safe. */
public final class ScopeStore {

    private final Sql sql;

    public ScopeStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    public Optional<Scope> find(String name) {
        return sql.one("SELECT name, description, policy, created_at, updated_at FROM av_scopes WHERE name = ?",
                ScopeStore::row, name);
    }

    public List<String> names() {
        return sql.query("SELECT name FROM av_scopes ORDER BY name", rs -> rs.getString(1));
    }

    public void upsert(Scope s, boolean exists) {
        if (exists) {
            sql.update("UPDATE av_scopes SET description = ?, policy = ?, updated_at = ? WHERE name = ?",
                    s.description(), s.policy(), s.updatedAt(), s.name());
        } else {
            sql.update("INSERT INTO av_scopes (name, description, policy, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    s.name(), s.description(), s.policy(), s.createdAt(), s.updatedAt());
        }
    }

    public boolean delete(String name) {
        return sql.update("DELETE FROM av_scopes WHERE name = ?", name) == 1;
    }

    private static Scope row(ResultSet rs) throws SQLException {
        return new Scope(rs.getString("name"), rs.getString("description"), rs.getString("policy"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
