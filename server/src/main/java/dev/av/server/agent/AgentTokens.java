package dev.av.server.agent;

import dev.av.core.AvException;
import dev.av.registry.agent.Agent;
import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.agent.EphemeralGrant;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.server.logical.AuthInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Mints the registry's tokens in the token store: agent identity tokens (orphans, recorded in the
 * registry so rotation and revocation take effect on the next request) and ephemeral tokens
 * (children of the identity token that asked, scoped by {@code restrictions}, not renewable).
 */
final class AgentTokens {

    private final TokenStore tokens;
    private final AgentRegistry registry;

    AgentTokens(TokenStore tokens, AgentRegistry registry) {
        this.tokens = tokens;
        this.registry = registry;
        registry.onAgentStopped(this::revokeAll);
    }

    /** Issues a new identity token; earlier ones end now or after {@code overlap}. */
    IssuedToken issueIdentity(Agent agent, Duration ttl, Duration overlap) {
        if (!agent.active()) {
            throw AvException.badRequest("agent \"" + agent.name() + "\" is disabled: enable it before issuing a token");
        }
        IssuedToken issued = tokens.create(TokenRequest.builder()
                .policies(agent.policies())
                .ttl(ttl)
                .noParent(true)
                .displayName("agent-" + agent.name())
                .meta(Map.of("agent", agent.name()))
                .path("agent-registry/agents/" + agent.name() + "/token")
                .kind(TokenKind.AGENT)
                .agent(agent.name())
                .build(), null, true);
        List<String> ended = registry.recordIdentityToken(agent.name(), issued.entry().accessor(), overlap);
        if (overlap.isZero()) {
            ended.forEach(this::revokeAccessor);
        }
        return issued;
    }

    /** Revokes every identity token of the agent (and, as their children, its ephemeral tokens). */
    void revokeAll(String agent) {
        registry.revokeIdentityTokens(agent).forEach(this::revokeAccessor);
    }

    private void revokeAccessor(String accessor) {
        tokens.lookupAccessor(accessor).ifPresent(tokens::revokeTree);
    }

    IssuedToken mintEphemeral(EphemeralGrant grant, TokenEntry parent) {
        return tokens.create(TokenRequest.builder()
                .policies(grant.policies())
                .ttl(grant.ttl())
                .explicitMaxTtl(grant.ttl())
                .numUses(grant.numUses())
                .renewable(false)
                .displayName("ephemeral-" + grant.agent())
                .meta(grant.delegateUser() == null ? Map.of("agent", grant.agent())
                        : Map.of("agent", grant.agent(), "on_behalf_of", grant.delegateUser()))
                .path("agent-registry/ephemeral-token")
                .kind(TokenKind.EPHEMERAL)
                .agent(grant.agent())
                .delegateUser(grant.delegateUser())
                .delegationId(grant.delegationId())
                .restrictions(grant.restrictionsJson())
                .build(), parent, true);
    }

    AuthInfo authInfo(IssuedToken issued) {
        TokenEntry e = issued.entry();
        return new AuthInfo(issued.token(), e.accessor(), e.policies(), e.policies(), e.meta(),
                e.grantedTtlSeconds(), e.renewable(), "service", e.orphan(), e.numUses(), "");
    }
}
