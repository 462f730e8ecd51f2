package dev.av.server.agent;

import dev.av.core.AvException;
import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.agent.RegistryUser;
import dev.av.registry.oidc.OidcConfig;
import dev.av.registry.oidc.OidcConfigStore;
import dev.av.registry.oidc.OidcVerifier;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code auth/oidc/config}: the trusted identity provider (issuer, JWKS URL or keys, audience, the
 * claim matched to a user's {@code oidc_subject}). {@code auth/oidc/login} ({@code jwt}) gives a
 * registered human a token with her own policies, carrying her as {@code delegate_user}: with it she
 * can revoke her own delegations.
 */
final class OidcBackend implements RoutedBackend {

    private final OidcConfigStore store;
    private final OidcVerifier verifier;
    private final AgentRegistry registry;
    private final TokenStore tokens;
    private final AgentTokens agentTokens;

    OidcBackend(OidcConfigStore store, OidcVerifier verifier, AgentRegistry registry, TokenStore tokens,
                AgentTokens agentTokens) {
        this.store = store;
        this.verifier = verifier;
        this.registry = registry;
        this.tokens = tokens;
        this.agentTokens = agentTokens;
    }

    @Override
    public String prefix() {
        return "auth/oidc/";
    }

    @Override
    public String type() {
        return "oidc";
    }

    @Override
    public boolean isUnauthenticated(String relativePath, Operation operation) {
        return relativePath.equals("login");
    }

    @Override
    public LogicalResponse handle(LogicalRequest r) {
        boolean write = r.operation() == Operation.CREATE || r.operation() == Operation.UPDATE;
        switch (r.relativePath()) {
            case "config" -> {
                if (write) {
                    store.save(OidcConfig.parse(r.data()));
                    verifier.reset();
                } else if (r.operation() != Operation.READ) {
                    break;
                }
                OidcConfig c = store.find().orElseThrow(() -> AvException.notFound("no identity provider is configured"));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("issuer", c.issuer());
                m.put("jwks_url", c.jwksUrl() == null ? "" : c.jwksUrl());
                m.put("jwks_keys", c.jwksKeys() == null ? "" : c.jwksKeys());
                m.put("audience", c.audience());
                m.put("user_claim", c.userClaim());
                return LogicalResponse.of(m);
            }
            case "login" -> {
                if (!write) {
                    break;
                }
                Object jwt = r.data().get("jwt");
                OidcVerifier.Verified v = verifier.verify(jwt == null ? null : jwt.toString());
                RegistryUser user = registry.userBySubject(v.user()).orElseThrow(() -> new AvException(
                        AvException.Kind.PERMISSION_DENIED, List.of("permission denied",
                        "no agent-registry user has this oidc_subject"), null));
                IssuedToken issued = tokens.create(TokenRequest.builder()
                        .policies(user.policies())
                        .ttl(Duration.ofHours(1))
                        .noParent(true)
                        .displayName("oidc-" + user.name())
                        .meta(Map.of("user", user.name()))
                        .path("auth/oidc/login")
                        .kind(TokenKind.SERVICE)
                        .delegateUser(user.name())
                        .build(), null, true);
                return LogicalResponse.auth(agentTokens.authInfo(issued), issued.warnings());
            }
            default -> {
            }
        }
        throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED,
                "unsupported operation " + r.operation().capability() + " on " + r.path());
    }
}
