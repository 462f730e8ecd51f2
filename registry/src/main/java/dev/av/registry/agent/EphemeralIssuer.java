package dev.av.registry.agent;

import dev.av.core.AvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether an agent gets an ephemeral token: every requested path and capability is evaluated
 * now (with OBO, against agent ∩ user ∩ granted scopes); all must be allowed, else a 403 names each
 * refusal. The TTL is min(requested, agent default_ttl, agent max_ttl). Thread-safe.
 */
public final class EphemeralIssuer {

    private final AgentRegistry registry;
    private final Authority authority;

    public EphemeralIssuer(AgentRegistry registry, Authority authority) {
        this.registry = registry;
        this.authority = authority;
    }

    public EphemeralGrant issue(String agentName, EphemeralRequest request) {
        Agent agent = registry.findAgent(agentName)
                .orElseThrow(() -> denied(List.of("agent \"" + agentName + "\" is not registered")));
        if (!agent.active()) {
            throw denied(List.of("agent \"" + agentName + "\" is disabled"));
        }
        if (!agent.ephemeral().enabled()) {
            throw denied(List.of("ephemeral tokens are not enabled for agent \"" + agentName
                    + "\" (write agent-registry/agents/" + agentName + "/ephemeral enabled=true)"));
        }
        Delegation chosen = null;
        List<String> refused;
        if (request.onBehalfOf() == null) {
            refused = evaluate(agent, null, request.paths());
        } else {
            List<Delegation> candidates = candidates(agent, request);
            refused = null;
            for (Delegation d : candidates) {
                List<String> r = evaluate(agent, d, request.paths());
                if (r.isEmpty()) {
                    chosen = d;
                    refused = r;
                    break;
                }
                if (refused == null) {
                    refused = r;
                }
            }
        }
        if (!refused.isEmpty()) {
            throw denied(refused);
        }
        Duration ttl = agent.ephemeral().ttlFor(request.ttl());
        return new EphemeralGrant(agent.name(), request.onBehalfOf(), chosen == null ? null : chosen.id(),
                request.paths(), ttl, numUses(agent.ephemeral().numUses(), request.numUses()), agent.policies());
    }

    /**
     * An on-behalf-of token without named paths (RFC 8693 exchange): bounded on every use by agent ∩
     * user ∩ the delegation's scopes. Requires ephemeral mode and a delegation in force.
     */
    public EphemeralGrant issueObo(String agentName, String user, java.time.Duration ttl, Integer numUses) {
        Agent agent = registry.findAgent(agentName)
                .orElseThrow(() -> denied(List.of("agent \"" + agentName + "\" is not registered")));
        if (!agent.active()) {
            throw denied(List.of("agent \"" + agentName + "\" is disabled"));
        }
        if (!agent.ephemeral().enabled()) {
            throw denied(List.of("ephemeral tokens are not enabled for agent \"" + agentName + "\""));
        }
        List<Delegation> found = registry.delegationsInForce(agentName, user);
        if (found.isEmpty() || !agent.delegates().contains(user)) {
            throw denied(List.of("no active delegation lets agent \"" + agentName + "\" act for user \"" + user + "\""));
        }
        return new EphemeralGrant(agentName, user, found.get(0).id(), Map.of(), agent.ephemeral().ttlFor(ttl),
                numUses(agent.ephemeral().numUses(), numUses), agent.policies());
    }

    /** Requested uses, capped by the agent's num_uses when it sets one; 0 means unlimited. */
    static int numUses(int agentUses, Integer requested) {
        if (requested == null || requested == 0) {
            return agentUses;
        }
        return agentUses > 0 ? Math.min(agentUses, requested) : requested;
    }

    private List<Delegation> candidates(Agent agent, EphemeralRequest request) {
        String user = request.onBehalfOf();
        if (request.delegationId() != null) {
            Delegation d = registry.findDelegation(request.delegationId())
                    .orElseThrow(() -> denied(List.of("delegation \"" + request.delegationId() + "\" not found")));
            if (!d.agent().equals(agent.name()) || !d.delegateUser().equals(user)) {
                throw denied(List.of("delegation \"" + d.id() + "\" does not let agent \"" + agent.name()
                        + "\" act for user \"" + user + "\""));
            }
            return List.of(d);
        }
        List<Delegation> found = registry.delegationsInForce(agent.name(), user);
        if (found.isEmpty()) {
            throw denied(List.of("no active delegation lets agent \"" + agent.name() + "\" act for user \"" + user + "\""));
        }
        return found;
    }

    private List<String> evaluate(Agent agent, Delegation delegation, Map<String, List<String>> paths) {
        List<String> refused = new ArrayList<>();
        paths.forEach((path, caps) -> {
            for (String cap : caps) {
                Decision d = delegation == null ? authority.check(agent, path, cap)
                        : authority.check(agent, delegation, path, cap);
                if (d instanceof Decision.Deny deny) {
                    refused.add("refused " + cap + " on " + path + ": " + deny.reason());
                }
            }
        });
        return refused;
    }

    private static AvException denied(List<String> reasons) {
        List<String> errors = new ArrayList<>();
        errors.add("permission denied");
        errors.addAll(reasons);
        return new AvException(AvException.Kind.PERMISSION_DENIED, errors, null);
    }
}
