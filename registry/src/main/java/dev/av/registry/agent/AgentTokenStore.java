package dev.av.registry.agent;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * The identity tokens (by accessor) an agent currently holds. A rotated token keeps a {@code notAfter}
 * (the end of its overlap window); a token absent here no longer authenticates its agent.
 */
public final class AgentTokenStore {

    /** One live identity token. {@code notAfter} is null for the current token. */
    public record Held(String accessor, String agent, Instant notAfter, Instant createdAt) {
        public boolean liveAt(Instant now) {
            return notAfter == null || now.isBefore(notAfter);
        }
    }

    private final Sql sql;

    public AgentTokenStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    public List<Held> forAgent(String agent) {
        return sql.query("SELECT accessor, agent, not_after, created_at FROM av_agent_tokens WHERE agent = ? ORDER BY created_at",
                AgentTokenStore::row, agent);
    }

    public void add(String accessor, String agent, Instant now) {
        sql.update("INSERT INTO av_agent_tokens (accessor, agent, not_after, created_at) VALUES (?, ?, ?, ?)",
                accessor, agent, Sql.instantOrNull(null), now);
    }

    public void endAt(String accessor, Instant notAfter) {
        sql.update("UPDATE av_agent_tokens SET not_after = ? WHERE accessor = ?", notAfter, accessor);
    }

    public void remove(String accessor) {
        sql.update("DELETE FROM av_agent_tokens WHERE accessor = ?", accessor);
    }

    public void removeAll(String agent) {
        sql.update("DELETE FROM av_agent_tokens WHERE agent = ?", agent);
    }

    private static Held row(ResultSet rs) throws SQLException {
        return new Held(rs.getString("accessor"), rs.getString("agent"), Sql.instant(rs, "not_after"),
                Sql.instant(rs, "created_at"));
    }
}
