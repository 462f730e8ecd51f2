package dev.av.registry.oidc;

import dev.av.core.AvException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;

/** The trusted identity provider, stored in {@code av_oidc_config} under the name {@code default}. Thread-safe. */
public final class OidcConfigStore {

    private static final String NAME = "default";

    private final DataSource dataSource;
    private final Clock clock;

    public OidcConfigStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public Optional<OidcConfig> find() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT issuer, jwks_url, jwks_keys, audience, user_claim FROM av_oidc_config WHERE name = ?")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new OidcConfig(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)));
            }
        } catch (SQLException e) {
            throw new AvException(AvException.Kind.INTERNAL, "oidc config storage failed", e);
        }
    }

    public void save(OidcConfig config) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM av_oidc_config WHERE name = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO av_oidc_config "
                         + "(name, issuer, jwks_url, jwks_keys, audience, user_claim, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                del.setString(1, NAME);
                del.executeUpdate();
                ins.setString(1, NAME);
                ins.setString(2, config.issuer());
                ins.setString(3, config.jwksUrl());
                ins.setString(4, config.jwksKeys());
                ins.setString(5, config.audience());
                ins.setString(6, config.userClaim());
                ins.setTimestamp(7, Timestamp.from(clock.instant()));
                ins.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new AvException(AvException.Kind.INTERNAL, "oidc config storage failed", e);
        }
    }
}
