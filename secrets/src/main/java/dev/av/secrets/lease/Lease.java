package dev.av.secrets.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A stored lease. {@code id} is Vault's form {@code <mount>/<request path>/<uuid>}, e.g.
 * {@code database/creds/ro/2f6a...}. {@code internal} is what the engine needs to renew or revoke the
 * secret (a user name, an upstream lease id); it is sealed at rest and never rendered.
 */
public record Lease(String id, String mount, String path, String owner, Instant issueTime,
                    Instant expireTime, Instant lastRenewal, Instant maxExpireTime, Duration ttl,
                    boolean renewable, State state, Map<String, Object> internal) {

    public enum State { ACTIVE, REVOKING }

    public Lease {
        internal = internal == null ? Map.of() : Map.copyOf(internal);
    }

    /** Seconds left, never negative. */
    public long ttlSeconds(Clock clock) {
        long s = Duration.between(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), expireTime).getSeconds();
        return Math.max(0, s);
    }

    public boolean expiredAt(Instant now) {
        return !expireTime.isAfter(now);
    }

    public String internalString(String key) {
        Object v = internal.get(key);
        return v == null ? null : v.toString();
    }

    @Override
    public String toString() {
        return "Lease[" + id + ", expires " + expireTime + ", " + state + "]";
    }
}
