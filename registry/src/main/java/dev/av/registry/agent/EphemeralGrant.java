package dev.av.registry.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an ephemeral token may be minted with, after every requested path and capability was allowed.
 *
 * @param policies      the agent's policies (the ACL step sees them; the per-use check narrows to {@code paths})
 * @param delegateUser  the user acted for (the token's {@code sub}), or null
 * @param delegationId  the delegation in force, or null
 * @param numUses       0 = unlimited within the TTL
 */
public record EphemeralGrant(String agent, String delegateUser, String delegationId, Map<String, List<String>> paths,
                             Duration ttl, int numUses, List<String> policies) {

    public EphemeralGrant {
        paths = Map.copyOf(paths);
        policies = List.copyOf(policies);
    }

    /** The token's {@code restrictions} text: exactly the paths and capabilities granted; null for a path-less OBO grant. */
    public String restrictionsJson() {
        return paths.isEmpty() ? null : Restrictions.toJson(paths);
    }
}
