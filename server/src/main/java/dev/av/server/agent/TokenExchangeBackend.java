package dev.av.server.agent;

import dev.av.core.AvException;
import dev.av.registry.agent.Decision;
import dev.av.registry.agent.EphemeralGrant;
import dev.av.registry.agent.EphemeralIssuer;
import dev.av.registry.agent.EphemeralRequest;
import dev.av.registry.agent.RegistryUser;
import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.agent.UseCheck;
import dev.av.registry.oidc.OidcVerifier;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenStore;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RFC 8693 token exchange at {@code auth/token/exchange}: {@code subject_token} is the human's IdP
 * token (verified against {@code auth/oidc/config}), {@code actor_token} the agent's identity token.
 * The subject maps to a registry user by {@code oidc_subject}; an active delegation of the agent for
 * that user is required. The answer is an OBO ephemeral token ({@code sub} = user, {@code act} = agent),
 * in RFC 8693 fields and in Vault's {@code auth} block. With av's optional {@code paths} the token is
 * scoped to exactly those (as at {@code agent-registry/ephemeral-token}); without, every use is bounded
 * by agent ∩ user ∩ the delegation's scopes.
 */
final class TokenExchangeBackend implements RoutedBackend {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final Set<String> SUBJECT_TYPES = Set.of("urn:ietf:params:oauth:token-type:jwt",
            "urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:access_token");
    private static final Set<String> KNOWN = Set.of("grant_type", "subject_token", "subject_token_type", "actor_token",
            "actor_token_type", "requested_token_type", "audience", "resource", "scope", "paths", "ttl", "num_uses");

    private final AgentRegistry registry;
    private final EphemeralIssuer issuer;
    private final UseCheck useCheck;
    private final AgentTokens agentTokens;
    private final TokenStore tokens;
    private final OidcVerifier verifier;

    TokenExchangeBackend(AgentRegistry registry, EphemeralIssuer issuer, UseCheck useCheck, AgentTokens agentTokens,
                         TokenStore tokens, OidcVerifier verifier) {
        this.registry = registry;
        this.issuer = issuer;
        this.useCheck = useCheck;
        this.agentTokens = agentTokens;
        this.tokens = tokens;
        this.verifier = verifier;
    }

    @Override
    public String prefix() {
        return "auth/token/exchange/";
    }

    @Override
    public String type() {
        return "token";
    }

    @Override
    public boolean isUnauthenticated(String relativePath, Operation operation) {
        return true;
    }

    @Override
    public LogicalResponse handle(LogicalRequest r) {
        if (!(r.operation() == Operation.CREATE || r.operation() == Operation.UPDATE) || !r.relativePath().isEmpty()) {
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "token exchange takes a POST to auth/token/exchange");
        }
        Map<String, Object> data = r.data();
        for (String k : data.keySet()) {
            if (!KNOWN.contains(k)) {
                throw AvException.badRequest("unknown field \"" + k + "\"");
            }
        }
        if (!GRANT_TYPE.equals(data.get("grant_type"))) {
            throw AvException.badRequest("grant_type must be " + GRANT_TYPE);
        }
        Object subjectType = data.get("subject_token_type");
        if (subjectType != null && !SUBJECT_TYPES.contains(subjectType.toString())) {
            throw AvException.badRequest("subject_token_type must be a JWT, id_token or access_token type");
        }
        Object actorToken = data.get("actor_token");
        if (actorToken == null || actorToken.toString().isBlank()) {
            throw AvException.badRequest("actor_token (the agent's token) is required");
        }
        TokenEntry actor = tokens.lookup(actorToken.toString())
                .filter(t -> t.kind() == TokenKind.AGENT && t.agent() != null)
                .orElseThrow(() -> new AvException(AvException.Kind.PERMISSION_DENIED,
                        List.of("permission denied", "actor_token is not a live agent identity token"), null));
        Decision live = useCheck.check(new UseCheck.TokenFacts(actor.kind().wire(), actor.accessor(), actor.agent(),
                null, null, null), "agent-registry/ephemeral-token", "update");
        if (live instanceof Decision.Deny deny) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED, List.of("permission denied", deny.reason()), null);
        }
        OidcVerifier.Verified subject = verifier.verify(data.get("subject_token") == null ? null
                : data.get("subject_token").toString());
        RegistryUser user = registry.userBySubject(subject.user()).orElseThrow(() -> new AvException(
                AvException.Kind.PERMISSION_DENIED, List.of("permission denied",
                "the subject_token's user is not registered (no agent-registry user has this oidc_subject)"), null));
        EphemeralGrant grant;
        if (data.containsKey("paths")) {
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("paths", data.get("paths"));
            req.put("on_behalf_of", user.name());
            copy(data, req, "ttl");
            copy(data, req, "num_uses");
            grant = issuer.issue(actor.agent(), EphemeralRequest.parse(req));
        } else {
            Duration ttl = data.get("ttl") == null ? null : dev.av.core.Durations.parse("ttl", data.get("ttl"));
            Integer uses = data.get("num_uses") == null ? null
                    : dev.av.registry.agent.Fields.integer(data, "num_uses");
            grant = issuer.issueObo(actor.agent(), user.name(), ttl, uses);
        }
        IssuedToken issued = agentTokens.mintEphemeral(grant, actor);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("access_token", issued.token());
        out.put("issued_token_type", "urn:ietf:params:oauth:token-type:access_token");
        out.put("token_type", "Bearer");
        out.put("expires_in", issued.entry().grantedTtlSeconds());
        out.put("sub", user.name());
        out.put("act", Map.of("sub", actor.agent()));
        return new LogicalResponse(200, out, agentTokens.authInfo(issued), issued.warnings(), "", false, 0, null);
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to, String key) {
        if (from.containsKey(key)) {
            to.put(key, from.get(key));
        }
    }
}
