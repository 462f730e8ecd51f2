package dev.av.registry.agent;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The check made on every use of a token that belongs to an agent, after the ACL step allowed the
 * request; it can only narrow. It reads the registry's current state (cached, invalidated on write):
 * <ul>
 *   <li>the agent must exist and be active (disabling an agent stops all its tokens at once);</li>
 *   <li>an identity token must still be one the agent holds (rotation and revocation);</li>
 *   <li>an identity token of an agent in ephemeral mode may only obtain ephemeral tokens and look at itself;</li>
 *   <li>an ephemeral token may use exactly the paths and capabilities it was issued for (an OBO token
 *       from token exchange without paths is bounded by the delegation alone);</li>
 *   <li>the agent's current policies must allow the request, and with OBO also the delegate's policies
 *       and a granted scope, while the delegation is in force.</li>
 * </ul>
 * Thread-safe.
 */
public final class UseCheck {

    /** Paths an agent identity token in ephemeral mode may still call. */
    public static final Set<String> EPHEMERAL_MODE_PATHS = Set.of(
            "agent-registry/ephemeral-token", "auth/token/lookup-self", "auth/token/renew-self", "auth/token/revoke-self");

    /** Paths about the token itself: any live agent token may call them (the ACL step still applies). */
    public static final Set<String> SELF_PATHS = Set.of(
            "auth/token/lookup-self", "auth/token/renew-self", "auth/token/revoke-self");

    /** The facts of a token the check needs (from the token store's entry). */
    public record TokenFacts(String kind, String accessor, String agent, String delegateUser, String delegationId,
                             String restrictions) {
    }

    private final AgentRegistry registry;
    private final Authority authority;

    public UseCheck(AgentRegistry registry, Authority authority) {
        this.registry = registry;
        this.authority = authority;
    }

    public Decision check(TokenFacts token, String path, String capability) {
        if (token.agent() == null || token.agent().isEmpty()) {
            return Decision.ALLOW;
        }
        Optional<Agent> found = registry.findAgent(token.agent());
        if (found.isEmpty()) {
            return Decision.deny("agent \"" + token.agent() + "\" no longer exists");
        }
        Agent agent = found.get();
        if (!agent.active()) {
            return Decision.deny("agent \"" + agent.name() + "\" is disabled");
        }
        Instant now = registry.clock().instant();
        if ("agent".equals(token.kind())) {
            if (!registry.identityTokenLive(agent.name(), token.accessor(), now)) {
                return Decision.deny("this identity token of agent \"" + agent.name() + "\" was rotated or revoked");
            }
            if (SELF_PATHS.contains(path)) {
                return Decision.ALLOW;
            }
            if (agent.ephemeral().enabled()) {
                return EPHEMERAL_MODE_PATHS.contains(path) ? Decision.ALLOW
                        : Decision.deny("agent \"" + agent.name() + "\" is in ephemeral mode: its identity token can only "
                                + "obtain ephemeral tokens at agent-registry/ephemeral-token");
            }
        } else if ("ephemeral".equals(token.kind())) {
            if (SELF_PATHS.contains(path)) {
                return Decision.ALLOW;
            }
            boolean unrestrictedObo = token.restrictions() == null && token.delegationId() != null;
            if (!unrestrictedObo && !Restrictions.permits(token.restrictions(), path, capability)) {
                return Decision.deny("this ephemeral token was not issued for " + capability + " on " + path);
            }
        }
        if (token.delegationId() != null && !token.delegationId().isEmpty()) {
            Optional<Delegation> d = registry.findDelegation(token.delegationId());
            if (d.isEmpty()) {
                return Decision.deny("delegation \"" + token.delegationId() + "\" no longer exists");
            }
            return authority.check(agent, d.get(), path, capability);
        }
        return authority.check(agent, path, capability);
    }
}
