package dev.av.server.agent;

import dev.av.registry.agent.AclPolicyOracle;
import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.agent.Authority;
import dev.av.registry.agent.EphemeralIssuer;
import dev.av.registry.agent.UseCheck;
import dev.av.registry.oidc.OidcConfigStore;
import dev.av.registry.oidc.OidcVerifier;
import dev.av.registry.token.TokenStore;
import dev.av.policy.cedar.CedarRequest;
import dev.av.server.auth.AgentFacts;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.PolicyStore;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Set;
import javax.sql.DataSource;

/** Wires the agent registry (plain Java in {@code dev.av.registry.agent}) into the server. */
@Factory
public class AgentFactory {

    @Singleton
    AclPolicyOracle aclPolicyOracle(PolicyStore policies) {
        AclPolicyOracle oracle = new AclPolicyOracle(name -> policies.get("acl", name));
        policies.onChange(oracle::invalidate);
        return oracle;
    }

    @Singleton
    AgentRegistry agentRegistry(DataSource ds, AclPolicyOracle oracle, Clock clock) {
        return new AgentRegistry(ds, oracle, clock);
    }

    /** The agent's type and metadata and the delegation's scopes for Cedar, from the registry's caches. */
    @Singleton
    AgentFacts agentFacts(AgentRegistry registry) {
        return new AgentFacts() {
            @Override
            public CedarRequest.Principal agent(String name) {
                return registry.findAgent(name)
                        .map(a -> CedarRequest.Principal.agent(a.name(), a.type(), a.metadata()))
                        .orElseGet(() -> AgentFacts.NONE.agent(name));
            }

            @Override
            public Set<String> scopes(String delegationId) {
                return registry.findDelegation(delegationId).map(d -> Set.copyOf(d.scopes())).orElse(Set.of());
            }
        };
    }

    @Singleton
    Authority authority(AgentRegistry registry) {
        return new Authority(registry);
    }

    @Singleton
    EphemeralIssuer ephemeralIssuer(AgentRegistry registry, Authority authority) {
        return new EphemeralIssuer(registry, authority);
    }

    @Singleton
    UseCheck useCheck(AgentRegistry registry, Authority authority) {
        return new UseCheck(registry, authority);
    }

    @Singleton
    AgentTokens agentTokens(TokenStore tokens, AgentRegistry registry) {
        return new AgentTokens(tokens, registry);
    }

    @Singleton
    AgentRequestGuard agentRequestGuard(UseCheck check) {
        return new AgentRequestGuard(check);
    }

    @Singleton
    AgentRegistryBackend agentRegistryBackend(AgentRegistry registry, EphemeralIssuer issuer, UseCheck check,
                                              AgentTokens agentTokens, Authorizer authorizer) {
        return new AgentRegistryBackend(registry, issuer, check, agentTokens, authorizer);
    }

    @Singleton
    OidcConfigStore oidcConfigStore(DataSource ds, Clock clock) {
        return new OidcConfigStore(ds, clock);
    }

    @Singleton
    OidcVerifier oidcVerifier(OidcConfigStore store) {
        return new OidcVerifier(store);
    }

    @Singleton
    TokenExchangeBackend tokenExchangeBackend(AgentRegistry registry, EphemeralIssuer issuer, UseCheck check,
                                              AgentTokens agentTokens, TokenStore tokens, OidcVerifier verifier) {
        return new TokenExchangeBackend(registry, issuer, check, agentTokens, tokens, verifier);
    }

    @Singleton
    OidcBackend oidcBackend(OidcConfigStore store, OidcVerifier verifier, AgentRegistry registry, TokenStore tokens,
                            AgentTokens agentTokens) {
        return new OidcBackend(store, verifier, registry, tokens, agentTokens);
    }
}
