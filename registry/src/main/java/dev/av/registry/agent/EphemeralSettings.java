package dev.av.registry.agent;

import java.time.Duration;

/**
 * How an agent obtains per-request tokens. When {@code enabled}, the agent's own identity token can
 * do nothing but ask for ephemeral tokens.
 *
 * @param maxTtl     hard cap on every ephemeral token's TTL (zero = the system default cap)
 * @param defaultTtl TTL used when a request names none (zero = {@code maxTtl})
 * @param numUses    default number of uses (zero = unlimited within the TTL)
 */
public record EphemeralSettings(boolean enabled, Duration maxTtl, Duration defaultTtl, int numUses) {

    /** The cap applied when an agent has no max_ttl of its own. */
    public static final Duration SYSTEM_MAX_TTL = Duration.ofHours(1);

    public static final EphemeralSettings DISABLED = new EphemeralSettings(false, Duration.ZERO, Duration.ZERO, 0);

    public EphemeralSettings {
        if (maxTtl.isNegative() || defaultTtl.isNegative()) {
            throw dev.av.core.AvException.badRequest("ephemeral TTLs must not be negative");
        }
        if (numUses < 0) {
            throw dev.av.core.AvException.badRequest("num_uses must not be negative: " + numUses);
        }
        if (!maxTtl.isZero() && defaultTtl.compareTo(maxTtl) > 0) {
            throw dev.av.core.AvException.badRequest("default_ttl (" + dev.av.core.Durations.format(defaultTtl)
                    + ") must not exceed max_ttl (" + dev.av.core.Durations.format(maxTtl) + ")");
        }
    }

    /** The cap in force: the agent's max_ttl, else the system cap. */
    public Duration effectiveMaxTtl() {
        return maxTtl.isZero() ? SYSTEM_MAX_TTL : maxTtl;
    }

    /** TTL = min(requested, default, max), where an absent requested or default TTL does not constrain. */
    public Duration ttlFor(Duration requested) {
        Duration ttl = effectiveMaxTtl();
        if (!defaultTtl.isZero() && defaultTtl.compareTo(ttl) < 0) {
            ttl = defaultTtl;
        }
        if (requested != null && !requested.isZero() && requested.compareTo(ttl) < 0) {
            ttl = requested;
        }
        return ttl;
    }
}
