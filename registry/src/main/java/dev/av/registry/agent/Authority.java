package dev.av.registry.agent;

import java.time.Instant;
import java.util.Optional;

/**
 * What an agent may do, alone or on behalf of a user.
 *
 * <p>Alone: the agent must be active and its current policies must allow the request. On behalf of a
 * user (OBO): additionally the delegation must be in force, the user must still be one of the agent's
 * delegates, the user's own policies must allow the request, and at least one granted scope's policy
 * must allow it: agent ∩ user ∩ (scope₁ ∪ scope₂ ∪ …). Every answer reads the registry's current
 * state, so a change applies to the next request. Thread-safe.
 */
public final class Authority {

    private final AgentRegistry registry;
    private final PolicyOracle policies;

    public Authority(AgentRegistry registry) {
        this.registry = registry;
        this.policies = registry.policies();
    }

    /** The agent acting for itself. */
    public Decision check(Agent agent, String path, String capability) {
        if (!agent.active()) {
            return Decision.deny("agent \"" + agent.name() + "\" is disabled");
        }
        if (!policies.allows(agent.policies(), path, capability)) {
            return Decision.deny("agent \"" + agent.name() + "\" policies do not allow " + capability + " on " + path);
        }
        return Decision.ALLOW;
    }

    /** The agent acting for the delegate of {@code delegation}. */
    public Decision check(Agent agent, Delegation delegation, String path, String capability) {
        Decision own = check(agent, path, capability);
        if (!own.allowed()) {
            return own;
        }
        Instant now = registry.clock().instant();
        if (!delegation.agent().equals(agent.name())) {
            return Decision.deny("delegation \"" + delegation.id() + "\" is not for agent \"" + agent.name() + "\"");
        }
        if (!delegation.inForce(now)) {
            return Decision.deny("delegation \"" + delegation.id() + "\" is " + delegation.stateAt(now));
        }
        String userName = delegation.delegateUser();
        Optional<RegistryUser> user = registry.findUser(userName);
        if (user.isEmpty() || !agent.delegates().contains(userName)) {
            return Decision.deny("user \"" + userName + "\" is no longer a delegate of agent \"" + agent.name() + "\"");
        }
        if (!policies.allows(user.get().policies(), path, capability)) {
            return Decision.deny("delegate \"" + userName + "\" policies do not allow " + capability + " on " + path);
        }
        for (String scopeName : delegation.scopes()) {
            Optional<Scope> scope = registry.findScope(scopeName);
            if (scope.isPresent() && policies.bodyAllows(scope.get().policy(), path, capability)) {
                return Decision.ALLOW;
            }
        }
        return Decision.deny("no scope granted by delegation \"" + delegation.id() + "\" " + delegation.scopes()
                + " covers " + capability + " on " + path);
    }
}
