package dev.av.server.proxy;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.proxy.ProxySettings;
import dev.av.proxy.ServiceRule;
import dev.av.proxy.tls.ProxyCa;
import dev.av.registry.agent.Agent;
import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.server.auth.Decision;
import dev.av.server.logical.AuthInfo;
import io.micronaut.context.BeanContext;
import dev.av.server.auth.Authorizer;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy's API under {@code proxy/}:
 * <ul>
 *   <li>{@code proxy/services/:name} read, create/update (full replace), delete; {@code proxy/services} list;</li>
 *   <li>{@code proxy/settings} read and update (fields merge over the current settings);</li>
 *   <li>{@code proxy/ca} read, no token needed (a trust anchor is public): the signing root, the
 *       bundle to trust (with roots still in rotation overlap) and the proxy address;
 *       {@code proxy/ca/rotate} update with {@code overlap} (default 7 days);</li>
 *   <li>{@code proxy/discover} read, any valid token: the services the caller may use, without
 *       credential references;</li>
 *   <li>{@code proxy/session} update, any valid token: a session token for {@code av run} /
 *       {@code av proxy env}, a child of the caller's token (so it dies with it). Without {@code agent}
 *       it carries the caller's own agent and policies (a root token must name an agent: a program
 *       never gets an admin token); with {@code agent} the caller needs {@code update} on
 *       {@code proxy/session} and the session gets that agent's policies. {@code ttl} defaults to 1h.</li>
 * </ul>
 * Requests to {@code proxy/<host>/...} are the proxy's policy paths, not API endpoints: 404 here.
 */
final class ProxyBackend implements RoutedBackend {

    private final ProxyStore store;
    private final Provider<ProxyService> service;
    private final Authorizer authorizer;
    private final TokenStore tokens;
    private final BeanContext context;

    ProxyBackend(ProxyStore store, Provider<ProxyService> service, Authorizer authorizer, TokenStore tokens, BeanContext context) {
        this.store = store;
        this.service = service;
        this.authorizer = authorizer;
        this.tokens = tokens;
        this.context = context;
    }

    @Override
    public String prefix() {
        return "proxy/";
    }

    @Override
    public String type() {
        return "proxy";
    }

    @Override
    public boolean isUnauthenticated(String relativePath, Operation operation) {
        return operation == Operation.READ && (relativePath.equals("ca") || relativePath.equals("discover"))
                || relativePath.equals("session") && (operation == Operation.UPDATE || operation == Operation.CREATE);
    }

    @Override
    public Boolean exists(LogicalRequest request) {
        String rel = request.relativePath();
        if (rel.startsWith("services/")) {
            return store.service(rel.substring("services/".length())).isPresent();
        }
        return null;
    }

    @Override
    public LogicalResponse handle(LogicalRequest req) {
        String rel = req.relativePath();
        Operation op = req.operation();
        if (rel.equals("services/") || rel.equals("services")) {
            if (op != Operation.LIST) {
                throw unsupported(op, rel);
            }
            return LogicalResponse.of(Map.of("keys", store.services().stream().map(ServiceRule::name).toList()));
        }
        if (rel.startsWith("services/")) {
            return service(req, rel.substring("services/".length()));
        }
        return switch (rel) {
            case "settings" -> settings(req);
            case "ca" -> {
                if (op != Operation.READ) {
                    throw unsupported(op, rel);
                }
                yield LogicalResponse.of(caData());
            }
            case "ca/rotate" -> {
                if (op != Operation.UPDATE && op != Operation.CREATE) {
                    throw unsupported(op, rel);
                }
                Duration overlap = req.data().containsKey("overlap") ? Durations.parse("overlap", req.data().get("overlap"))
                        : Duration.ofDays(7);
                service.get().rotateCa(overlap);
                yield LogicalResponse.of(caData());
            }
            case "discover" -> discover(req);
            case "session" -> {
                if (op != Operation.UPDATE && op != Operation.CREATE) {
                    throw unsupported(op, rel);
                }
                yield session(req);
            }
            default -> throw AvException.notFound("no proxy endpoint at proxy/" + rel
                    + " (proxy/<host>/<path> names policy paths for proxied requests, not API endpoints)");
        };
    }

    private LogicalResponse service(LogicalRequest req, String name) {
        switch (req.operation()) {
            case READ -> {
                ServiceRule r = store.service(name).orElseThrow(() -> AvException.notFound("no proxy service named " + name));
                return LogicalResponse.of(r.toMap());
            }
            case CREATE, UPDATE -> {
                Map<String, Object> data = new LinkedHashMap<>(req.data());
                data.values().removeIf(v -> v == null);
                store.putService(ServiceRule.fromMap(name, data));
                return LogicalResponse.noContent();
            }
            case DELETE -> {
                store.deleteService(name);
                return LogicalResponse.noContent();
            }
            default -> throw unsupported(req.operation(), "services/" + name);
        }
    }

    private LogicalResponse settings(LogicalRequest req) {
        switch (req.operation()) {
            case READ -> {
                return LogicalResponse.of(store.settings().toMap());
            }
            case CREATE, UPDATE, PATCH -> {
                store.putSettings(ProxySettings.fromMap(store.settings(), req.data()));
                return LogicalResponse.of(store.settings().toMap());
            }
            default -> throw unsupported(req.operation(), "settings");
        }
    }

    private Map<String, Object> caData() {
        ProxyService s = service.get();
        ProxyCa ca = s.ca().current();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("certificate", ca.rootPem());
        m.put("ca_bundle", ca.trustBundlePem());
        m.put("proxy_address", s.hostPort());
        return m;
    }

    private LogicalResponse discover(LogicalRequest req) {
        TokenEntry token = req.token();
        if (token == null) {
            throw AvException.permissionDenied();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (ServiceRule r : store.services()) {
            List<String> probes = new ArrayList<>();
            probes.add("proxy/" + r.host() + "/");
            for (String p : r.paths()) {
                probes.add("proxy/" + r.host() + (p.endsWith("*") ? p.substring(0, p.length() - 1) : p));
            }
            List<String> caps = List.of("deny");
            for (String probe : probes) {
                caps = authorizer.capabilities(token, probe);
                if (!caps.equals(List.of("deny"))) {
                    break;
                }
            }
            if (caps.equals(List.of("deny"))) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("host", r.host());
            m.put("port", r.port());
            m.put("scheme", r.scheme());
            m.put("methods", List.copyOf(r.methods()));
            m.put("paths", r.paths());
            m.put("auth", r.auth().name().toLowerCase(java.util.Locale.ROOT));
            m.put("placeholders", r.substitutions().stream().map(s -> s.placeholder()).toList());
            m.put("capabilities", caps);
            out.add(m);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("services", out);
        data.put("proxy_address", service.get().hostPort());
        return LogicalResponse.of(data);
    }

    private LogicalResponse session(LogicalRequest req) {
        TokenEntry caller = req.token();
        if (caller == null) {
            throw AvException.permissionDenied();
        }
        Object agentField = req.data().get("agent");
        String agentName = agentField == null || agentField.toString().isBlank() ? null : agentField.toString();
        Duration ttl = req.data().get("ttl") == null ? Duration.ofHours(1) : Durations.parse("ttl", req.data().get("ttl"));
        TokenRequest.Builder b = TokenRequest.builder().ttl(ttl).kind(TokenKind.SESSION).path("proxy/session");
        boolean sudo = caller.isRoot();
        String agent;
        if (agentName == null || agentName.equals(caller.agent())) {
            if (caller.isRoot()) {
                throw AvException.badRequest("a root token cannot start a proxy session for itself (the program would hold an "
                        + "admin token): name the agent, e.g. av run -agent NAME");
            }
            agent = caller.agent();
            b.policies(caller.policies()).delegateUser(caller.delegateUser()).delegationId(caller.delegationId());
        } else {
            Decision d = authorizer.authorize(caller, "proxy/session", Operation.UPDATE, Map.of(), false);
            if (!d.allowed()) {
                throw AvException.permissionDenied();
            }
            AgentRegistry registry = context.findBean(AgentRegistry.class).orElseThrow(() -> new AvException(
                    AvException.Kind.UNAVAILABLE, "the agent registry is not available in this build"));
            Agent a = registry.findAgent(agentName).orElseThrow(() -> AvException.notFound("no agent named " + agentName));
            if (!a.active()) {
                throw AvException.badRequest("agent " + agentName + " is disabled");
            }
            agent = a.name();
            sudo = sudo || d.hasSudo();
            b.policies(a.policies());
        }
        b.agent(agent).displayName("session-" + (agent == null ? caller.displayName() : agent))
                .meta(agent == null ? Map.of() : Map.of("agent", agent));
        IssuedToken t = tokens.create(b.build(), caller, sudo);
        TokenEntry e = t.entry();
        return LogicalResponse.auth(new AuthInfo(t.token(), e.accessor(), e.policies(), e.policies(), e.meta(),
                e.grantedTtlSeconds(), false, "service", false, 0, null), t.warnings());
    }

    private static AvException unsupported(Operation op, String rel) {
        return new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation " + op.capability() + " on proxy/" + rel);
    }
}
