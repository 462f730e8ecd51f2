package dev.av.server;

import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.oidc.OidcVerifier;
import dev.av.registry.storage.Invalidations;
import dev.av.registry.token.TokenStore;
import dev.av.server.auth.PolicyStore;
import dev.av.server.mount.MountTable;
import dev.av.server.proxy.ProxyStore;
import io.micronaut.context.annotation.Context;
import jakarta.inject.Singleton;

/**
 * Subscribes every per-node cache to the other nodes' writes ({@link Invalidations}): on PostgreSQL a
 * committed change to a cached table drops the entry here within milliseconds, and a lost listener
 * connection drops everything. On H2 (one process) there are no other nodes and this subscribes to a
 * bus that never fires. Created eagerly, so caches are covered before the first request.
 *
 * <p>Table to cache: {@code av_tokens} → {@link TokenStore} (tokens without a use limit, by hash);
 * {@code av_policies} → {@link PolicyStore} (and through its listeners the {@code Authorizer}'s compiled
 * ACL and Cedar sets and the registry's {@code AclPolicyOracle}); {@code av_agents},
 * {@code av_agent_tokens}, {@code av_registry_users}, {@code av_scopes}, {@code av_delegations} →
 * {@link AgentRegistry}; {@code proxy_services}, {@code proxy_settings} → {@link ProxyStore} (and its
 * listener, the proxy's credential cache); {@code av_mounts} → {@link MountTable} (re-reads the row); {@code av_oidc_config} → {@link OidcVerifier}.
 */
@Context
@Singleton
public final class CacheCoherence {

    CacheCoherence(Invalidations bus, TokenStore tokens, PolicyStore policies, AgentRegistry registry, ProxyStore proxy,
                   MountTable mounts, OidcVerifier oidc) {
        bus.on("av_tokens", tokens::invalidate);
        bus.on("av_policies", policies::invalidate);
        bus.on("av_mounts", mounts::refresh);
        bus.on("av_oidc_config", k -> oidc.reset());
        bus.on("av_agents", registry::invalidateAgent);
        bus.on("av_agent_tokens", registry::invalidateIdentityTokens);
        bus.on("av_registry_users", registry::invalidateUser);
        bus.on("av_scopes", registry::invalidateScope);
        bus.on("av_delegations", registry::invalidateDelegation);
        bus.on("proxy_services", k -> proxy.invalidate());
        bus.on("proxy_settings", k -> proxy.invalidate());
        // one reset each, so that one failing (the database is down while the listener reconnects)
        // does not keep the others: the in-memory ones first, those that re-read the database last
        bus.onReset(tokens::invalidateAll);
        bus.onReset(registry::invalidateAll);
        bus.onReset(proxy::invalidate);
        bus.onReset(oidc::reset);
        bus.onReset(policies::invalidateAll);
        bus.onReset(mounts::refreshAll);
    }
}
