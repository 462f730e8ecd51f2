package dev.av.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.proxy.AccessDecision;
import dev.av.proxy.AccessRequest;
import dev.av.proxy.ProxyPrincipal;
import dev.av.registry.storage.Database;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.server.auth.AgentFacts;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.PolicyModuleAclEngine;
import dev.av.server.auth.PolicyStore;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A proxied request reaches Cedar with its upstream method and host: a guardrail on
 * {@code context.http_method} and on the {@code Service} takes effect through {@link AclAccessPolicy}.
 */
class AclAccessPolicyCedarTest {

    @Test
    void cedarSeesTheUpstreamMethodAndHostOfAProxiedRequest() {
        try (TestDatabase db = TestDatabase.h2()) {
            Database.migrate(db.dataSource());
            MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
            PolicyStore policies = new PolicyStore(db.dataSource(), clock);
            policies.put("acl", "proxy-all", "path \"proxy/*\" { capabilities = [\"read\", \"create\"] }");
            policies.put("cedar", "github-reads", "forbid(principal, action, resource in Service::\"api.github.com\")\n"
                    + "unless { context.proxied && context has http_method && context.http_method == \"GET\" };");
            Authorizer authorizer = new Authorizer(policies, new PolicyModuleAclEngine(), clock, AgentFacts.NONE);
            TokenStore tokens = new TokenStore(db.dataSource(), clock);
            TokenEntry root = tokens.createRoot(null, "root").entry();
            TokenEntry token = tokens.create(TokenRequest.builder().policies(List.of("proxy-all")).build(), root, true).entry();
            ProxyPrincipal principal = new ProxyPrincipal(token.accessor(), "t", token);
            AclAccessPolicy policy = new AclAccessPolicy(authorizer, List.of());

            AccessDecision get = policy.authorize(principal, new AccessRequest("GET", "read", "api.github.com", 443,
                    "/repos/x", "proxy/api.github.com/repos/x", null));
            AccessDecision post = policy.authorize(principal, new AccessRequest("POST", "create", "api.github.com", 443,
                    "/repos/x/issues", "proxy/api.github.com/repos/x/issues", null));
            AccessDecision elsewhere = policy.authorize(principal, new AccessRequest("POST", "create", "example.com", 443,
                    "/x", "proxy/example.com/x", null));

            assertThat(get).as("GET to the service").isInstanceOf(AccessDecision.Allow.class);
            assertThat(post).as("POST to the service").isInstanceOfSatisfying(AccessDecision.Deny.class,
                    d -> assertThat(d.reason()).contains("forbidden by Cedar policy"));
            assertThat(elsewhere).as("POST elsewhere").isInstanceOf(AccessDecision.Allow.class);
        }
    }

    @Test
    void cedarSeesTheProxyClientsAddressAsRemoteAddr() {
        try (TestDatabase db = TestDatabase.h2()) {
            Database.migrate(db.dataSource());
            MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
            PolicyStore policies = new PolicyStore(db.dataSource(), clock);
            policies.put("acl", "proxy-all", "path \"proxy/*\" { capabilities = [\"read\"] }");
            policies.put("cedar", "lan-only", "forbid(principal, action, resource)\n"
                    + "unless { context has remote_addr && context.remote_addr.isInRange(ip(\"10.0.0.0/8\")) };");
            Authorizer authorizer = new Authorizer(policies, new PolicyModuleAclEngine(), clock, AgentFacts.NONE);
            TokenStore tokens = new TokenStore(db.dataSource(), clock);
            TokenEntry root = tokens.createRoot(null, "root").entry();
            TokenEntry token = tokens.create(TokenRequest.builder().policies(List.of("proxy-all")).build(), root, true).entry();
            ProxyPrincipal principal = new ProxyPrincipal(token.accessor(), "t", token);
            AclAccessPolicy policy = new AclAccessPolicy(authorizer, List.of());

            AccessDecision inside = policy.authorize(principal, new AccessRequest("GET", "read", "api.github.com", 443,
                    "/x", "proxy/api.github.com/x", null, "10.1.2.3"));
            AccessDecision outside = policy.authorize(principal, new AccessRequest("GET", "read", "api.github.com", 443,
                    "/x", "proxy/api.github.com/x", null, "192.0.2.7"));
            AccessDecision unknown = policy.authorize(principal, new AccessRequest("GET", "read", "api.github.com", 443,
                    "/x", "proxy/api.github.com/x", null));

            assertThat(inside).as("client in 10.0.0.0/8").isInstanceOf(AccessDecision.Allow.class);
            assertThat(outside).as("client outside").isInstanceOfSatisfying(AccessDecision.Deny.class,
                    d -> assertThat(d.reason()).contains("forbidden by Cedar policy"));
            assertThat(unknown).as("no address: the guardrail's unless cannot hold").isInstanceOf(AccessDecision.Deny.class);
        }
    }
}
