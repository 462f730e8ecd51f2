package dev.av.server.auth;

import dev.av.policy.cedar.CedarRequest;
import java.util.Map;
import java.util.Set;

/**
 * What the agent registry knows about the agent and the delegation behind a token, for the Cedar
 * request: the agent as a principal (its type and metadata) and the consent scopes the delegation
 * grants. Implementations read the registry's in-memory caches (no database query on a warm cache) and
 * are thread-safe.
 */
public interface AgentFacts {

    /** The agent as a Cedar principal; an agent unknown to the registry has no type and no metadata. */
    CedarRequest.Principal agent(String name);

    /** The scope names the delegation {@code delegationId} grants; empty when it is unknown. */
    Set<String> scopes(String delegationId);

    /** For servers and tests without an agent registry: no type, no metadata, no scopes. */
    AgentFacts NONE = new AgentFacts() {
        @Override
        public CedarRequest.Principal agent(String name) {
            return CedarRequest.Principal.agent(name, null, Map.of());
        }

        @Override
        public Set<String> scopes(String delegationId) {
            return Set.of();
        }
    };
}
