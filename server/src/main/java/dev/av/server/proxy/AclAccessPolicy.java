package dev.av.server.proxy;

import dev.av.core.AvException;
import dev.av.proxy.AccessDecision;
import dev.av.proxy.AccessPolicy;
import dev.av.proxy.AccessRequest;
import dev.av.proxy.ProxyPrincipal;
import dev.av.registry.token.TokenEntry;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.Decision;
import dev.av.server.auth.RequestGuard;
import dev.av.server.auth.RequestOrigin;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.Operation;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Authorizes a proxied request exactly like an API request on {@code proxy/<host>/<path>}: the ACL
 * of the token's policies through the shared {@link Authorizer}, then every {@link RequestGuard}
 * (Cedar, ephemeral scope, OBO delegation ∩ consent, disabled agents), which can only narrow.
 */
final class AclAccessPolicy implements AccessPolicy {

    private final Authorizer authorizer;
    private final List<RequestGuard> guards;

    AclAccessPolicy(Authorizer authorizer, List<RequestGuard> guards) {
        this.authorizer = authorizer;
        this.guards = List.copyOf(guards);
    }

    /**
     * The ACL sets, Cedar set and registry facts are in-memory caches (reloaded once after a write);
     * on-behalf-of tokens also read their delegation and consent, so they always take the blocking path.
     */
    @Override
    public boolean decidesWithoutBlocking(ProxyPrincipal principal) {
        return principal.attachment() instanceof TokenEntry t && t.delegationId() == null;
    }

    @Override
    public AccessDecision authorize(ProxyPrincipal principal, AccessRequest request) {
        TokenEntry token = (TokenEntry) principal.attachment();
        Operation op = Operation.valueOf(request.capability().toUpperCase(Locale.ROOT));
        Decision d = authorizer.authorize(token, request.policyPath(), op, Map.of(), false, 0,
                RequestOrigin.proxied(request.remoteAddress(), request.method(), request.host()));
        if (!d.allowed()) {
            return AccessDecision.deny(d.reason(), null);
        }
        if (!guards.isEmpty()) {
            String relative = request.policyPath().substring("proxy/".length());
            LogicalRequest lr = new LogicalRequest("proxy", op, request.policyPath(), "proxy/", relative, Map.of(), token,
                    null, null, Map.of(), 0);
            for (RequestGuard g : guards) {
                try {
                    g.check(lr, d);
                } catch (AvException e) {
                    return AccessDecision.deny(e.getMessage(), null);
                }
            }
        }
        return AccessDecision.allow(d.grantingPolicies());
    }
}
