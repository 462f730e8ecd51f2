package dev.av.server.proxy;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.proxy.ProxySettings;
import dev.av.proxy.ServiceRule;
import dev.av.proxy.tls.ProxyCa;
import dev.av.registry.token.TokenEntry;
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
 *       credential references.</li>
 * </ul>
 * Requests to {@code proxy/<host>/...} are the proxy's policy paths, not API endpoints: 404 here.
 */
final class ProxyBackend implements RoutedBackend {

    private final ProxyStore store;
    private final Provider<ProxyService> service;
    private final Authorizer authorizer;

    ProxyBackend(ProxyStore store, Provider<ProxyService> service, Authorizer authorizer) {
        this.store = store;
        this.service = service;
        this.authorizer = authorizer;
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
        return operation == Operation.READ && (relativePath.equals("ca") || relativePath.equals("discover"));
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

    private static AvException unsupported(Operation op, String rel) {
        return new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation " + op.capability() + " on proxy/" + rel);
    }
}
