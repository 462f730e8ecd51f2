package dev.av.registry.agent;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Consent: {@code agent} may act for {@code delegateUser} within {@code scopes} until {@code expiresAt}
 * (null = no expiry) while {@code status} is active.
 */
public record Delegation(
        String id,
        String agent,
        String delegateUser,
        List<String> scopes,
        Instant expiresAt,
        Status status,
        Instant createdAt,
        Instant updatedAt) {

    public enum Status {
        ACTIVE, REVOKED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Delegation {
        scopes = List.copyOf(scopes);
    }

    /** Whether the delegation grants anything at {@code now}. */
    public boolean inForce(Instant now) {
        return status == Status.ACTIVE && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** "active", "revoked" or "expired" as seen at {@code now}. */
    public String stateAt(Instant now) {
        if (status == Status.REVOKED) {
            return "revoked";
        }
        return inForce(now) ? "active" : "expired";
    }
}
