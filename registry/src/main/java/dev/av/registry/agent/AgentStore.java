package dev.av.registry.agent;

import dev.av.registry.storage.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Agents in {@code av_agents}. Thread-safe (stateless over the data source). */
public final class AgentStore {

    private static final String COLUMNS = "name, agent_type, description, metadata, status, policies, delegates, "
            + "eph_enabled, eph_max_ttl, eph_default_ttl, eph_num_uses, created_at, updated_at";

    private final Sql sql;

    public AgentStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    public Optional<Agent> find(String name) {
        return sql.one("SELECT " + COLUMNS + " FROM av_agents WHERE name = ?", AgentStore::row, name);
    }

    public List<String> names() {
        return sql.query("SELECT name FROM av_agents ORDER BY name", rs -> rs.getString(1));
    }

    /** Inserts a new agent; returns false when the name is taken. */
    public boolean insert(Agent a) {
        try {
            sql.update("INSERT INTO av_agents (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    a.name(), a.type(), a.description(), Json.write(a.metadata()), a.status().wire(),
                    Json.write(a.policies()), Json.write(a.delegates()), a.ephemeral().enabled(),
                    a.ephemeral().maxTtl().toSeconds(), a.ephemeral().defaultTtl().toSeconds(), a.ephemeral().numUses(),
                    a.createdAt(), a.updatedAt());
            return true;
        } catch (dev.av.core.AvException e) {
            if (Database.isDuplicate(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces every mutable field; returns false when the agent does not exist. */
    public boolean update(Agent a) {
        return sql.update("UPDATE av_agents SET agent_type = ?, description = ?, metadata = ?, status = ?, policies = ?, "
                        + "delegates = ?, eph_enabled = ?, eph_max_ttl = ?, eph_default_ttl = ?, eph_num_uses = ?, updated_at = ? "
                        + "WHERE name = ?",
                a.type(), a.description(), Json.write(a.metadata()), a.status().wire(), Json.write(a.policies()),
                Json.write(a.delegates()), a.ephemeral().enabled(), a.ephemeral().maxTtl().toSeconds(),
                a.ephemeral().defaultTtl().toSeconds(), a.ephemeral().numUses(), a.updatedAt(), a.name()) == 1;
    }

    public boolean delete(String name) {
        return sql.update("DELETE FROM av_agents WHERE name = ?", name) == 1;
    }

    private static Agent row(ResultSet rs) throws SQLException {
        return new Agent(rs.getString("name"), rs.getString("agent_type"), rs.getString("description"),
                Json.map(rs.getString("metadata")), Agent.Status.parse(rs.getString("status")),
                Json.list(rs.getString("policies")), Json.list(rs.getString("delegates")),
                new EphemeralSettings(rs.getBoolean("eph_enabled"), Duration.ofSeconds(rs.getLong("eph_max_ttl")),
                        Duration.ofSeconds(rs.getLong("eph_default_ttl")), rs.getInt("eph_num_uses")),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
