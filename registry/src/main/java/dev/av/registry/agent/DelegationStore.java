package dev.av.registry.agent;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/** Delegations in {@code av_delegations}. Thread-safe. */
public final class DelegationStore {

    private static final String COLUMNS = "id, agent, delegate_user, scopes, expires_at, status, created_at, updated_at";

    private final Sql sql;

    public DelegationStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    public Optional<Delegation> find(String id) {
        return sql.one("SELECT " + COLUMNS + " FROM av_delegations WHERE id = ?", DelegationStore::row, id);
    }

    public List<String> ids() {
        return sql.query("SELECT id FROM av_delegations ORDER BY id", rs -> rs.getString(1));
    }

    public List<Delegation> forAgentAndUser(String agent, String user) {
        return sql.query("SELECT " + COLUMNS + " FROM av_delegations WHERE agent = ? AND delegate_user = ? ORDER BY id",
                DelegationStore::row, agent, user);
    }

    public List<String> idsForAgent(String agent) {
        return sql.query("SELECT id FROM av_delegations WHERE agent = ? ORDER BY id", rs -> rs.getString(1), agent);
    }

    public void upsert(Delegation d, boolean exists) {
        if (exists) {
            sql.update("UPDATE av_delegations SET agent = ?, delegate_user = ?, scopes = ?, expires_at = ?, status = ?, "
                            + "updated_at = ? WHERE id = ?", d.agent(), d.delegateUser(), Json.write(d.scopes()),
                    Sql.instantOrNull(d.expiresAt()), d.status().wire(), d.updatedAt(), d.id());
        } else {
            sql.update("INSERT INTO av_delegations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    d.id(), d.agent(), d.delegateUser(), Json.write(d.scopes()), Sql.instantOrNull(d.expiresAt()),
                    d.status().wire(), d.createdAt(), d.updatedAt());
        }
    }

    public boolean delete(String id) {
        return sql.update("DELETE FROM av_delegations WHERE id = ?", id) == 1;
    }

    private static Delegation row(ResultSet rs) throws SQLException {
        return new Delegation(rs.getString("id"), rs.getString("agent"), rs.getString("delegate_user"),
                Json.list(rs.getString("scopes")), Sql.instant(rs, "expires_at"),
                Delegation.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
