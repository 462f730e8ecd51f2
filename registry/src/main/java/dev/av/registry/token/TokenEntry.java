package dev.av.registry.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored token. {@code id} is the SHA-256 hex of the token string: the string itself is never
 * stored. Durations are whole seconds as in Vault; {@code expireAt} is null for a token that never
 * expires (a root token created with no TTL).
 *
 * @param numUses remaining uses; 0 = unlimited; -1 = its last use is in progress (revocation pending)
 * @param restrictions av: JSON text narrowing what the token may do (e.g. an ephemeral token's exact
 *                     paths and capabilities); null = none. Enforced by {@code RequestGuard}s.
 */
public record TokenEntry(
        String id,
        String accessor,
        String parentId,
        List<String> policies,
        String path,
        String displayName,
        Map<String, String> meta,
        Instant createdAt,
        Duration creationTtl,
        Instant expireAt,
        Duration explicitMaxTtl,
        Duration period,
        int numUses,
        boolean renewable,
        boolean orphan,
        List<String> boundCidrs,
        TokenKind kind,
        String agent,
        String delegateUser,
        String delegationId,
        String restrictions,
        Instant lastRenewalAt) {

    public TokenEntry {
        policies = List.copyOf(policies);
        meta = meta == null ? Map.of() : Map.copyOf(meta);
        boundCidrs = boundCidrs == null ? List.of() : List.copyOf(boundCidrs);
    }

    public boolean isRoot() {
        return policies.contains("root");
    }

    public boolean isExpired(Instant now) {
        return expireAt != null && !now.isBefore(expireAt);
    }

    /**
     * The TTL granted when the token was issued, or at its last renewal, in seconds: what Vault reports as
     * {@code lease_duration}. Unlike {@link #ttlSeconds}, it does not depend on when the answer is rendered
     * (a 30 minute token answers 1800, not 1799 a microsecond later). 0 for a non-expiring token.
     */
    public long grantedTtlSeconds() {
        if (expireAt == null) {
            return 0;
        }
        return Duration.between(lastRenewalAt != null ? lastRenewalAt : createdAt, expireAt).toSeconds();
    }

    /** Seconds left at {@code now}; 0 for a non-expiring token. */
    public long ttlSeconds(Instant now) {
        if (expireAt == null) {
            return 0;
        }
        return Math.max(0, Duration.between(now, expireAt).toSeconds());
    }

    TokenEntry withExpiry(Instant newExpireAt, Instant renewedAt) {
        return new TokenEntry(id, accessor, parentId, policies, path, displayName, meta, createdAt, creationTtl,
                newExpireAt, explicitMaxTtl, period, numUses, renewable, orphan, boundCidrs, kind, agent,
                delegateUser, delegationId, restrictions, renewedAt);
    }

    TokenEntry withNumUses(int uses) {
        return new TokenEntry(id, accessor, parentId, policies, path, displayName, meta, createdAt, creationTtl,
                expireAt, explicitMaxTtl, period, uses, renewable, orphan, boundCidrs, kind, agent,
                delegateUser, delegationId, restrictions, lastRenewalAt);
    }
}
