package dev.av.server.http;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.core.Secret;
import dev.av.registry.keyring.Keyring;
import dev.av.registry.token.Cidr;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenStore;
import dev.av.server.audit.AuditHook;
import dev.av.server.audit.AuditRecord;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.Decision;
import dev.av.server.auth.RequestGuard;
import dev.av.server.auth.RequestOrigin;
import dev.av.server.logical.AuthInfo;
import dev.av.server.logical.Backend;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API request, end to end: parse and validate the path, pick the operation, refuse while sealed,
 * route, authenticate the token, authorize (ACL, Cedar, guards), audit, count the token use, run the
 * backend, audit the response, render Vault's envelope. Every failure becomes {@code {"errors":[...]}}.
 * See {@code docs/architecture.md}.
 */
public final class RequestPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
    private static final Set<String> SEALED_OK = Set.of("sys/health", "sys/seal-status", "sys/init", "sys/unseal");
    private static final Set<String> HIDDEN_HEADERS = Set.of("x-vault-token", "authorization", "cookie",
            "proxy-authorization");

    private final Router router;
    private final TokenStore tokens;
    private final Keyring keyring;
    private final Authorizer authorizer;
    private final List<RequestGuard> guards;
    private final List<AuditHook> auditHooks;
    private final Clock clock;

    public RequestPipeline(Router router, TokenStore tokens, Keyring keyring, Authorizer authorizer,
                           List<RequestGuard> guards, List<AuditHook> auditHooks, Clock clock) {
        this.router = router;
        this.tokens = tokens;
        this.keyring = keyring;
        this.authorizer = authorizer;
        this.guards = List.copyOf(guards);
        this.auditHooks = List.copyOf(auditHooks);
        this.clock = clock;
    }

    public ApiResponse handle(ApiRequest in) {
        String requestId = UUID.randomUUID().toString();
        try {
            return process(in, requestId);
        } catch (AvException e) {
            return ApiResponse.errors(e.kind().status(), e.errors());
        } catch (RuntimeException e) {
            LOG.error("request {} failed: {}", requestId, e.getClass().getName(), e);
            return ApiResponse.errors(500, List.of("internal error"));
        }
    }

    private ApiResponse process(ApiRequest in, String requestId) {
        String path = ApiPaths.parse(in.rawPath());
        Map<String, List<String>> query = ApiPaths.parseQuery(in.rawQuery());
        String method = in.method().toUpperCase(Locale.ROOT);
        Operation op = switch (method) {
            case "GET", "HEAD" -> isTrue(query.get("list")) ? Operation.LIST : Operation.READ;
            case "LIST" -> Operation.LIST;
            case "POST", "PUT" -> null;
            case "PATCH" -> Operation.PATCH;
            case "DELETE" -> Operation.DELETE;
            default -> throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        };
        if (op == Operation.LIST && !path.endsWith("/")) {
            path = path + "/";
        }
        Map<String, Object> data;
        if (op == null || op == Operation.PATCH) {
            if (op == Operation.PATCH && (in.contentType() == null
                    || !in.contentType().toLowerCase(Locale.ROOT).startsWith("application/merge-patch+json"))) {
                throw new AvException(AvException.Kind.BAD_REQUEST,
                        "PATCH requires Content-Type of application/merge-patch+json");
            }
            data = Json.parseObject(in.body());
        } else {
            data = new LinkedHashMap<>();
            query.forEach((k, v) -> {
                if (!k.equals("list")) {
                    data.put(k, v.size() == 1 ? v.get(0) : List.copyOf(v));
                }
            });
        }
        String bare = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean lifecycle = SEALED_OK.contains(bare);
        if (!lifecycle && keyring.isSealed()) {
            throw AvException.sealed();
        }
        Router.Route route = router.resolve(path);
        Backend backend = router.backend(route);
        String relative = relative(path, route.prefix());
        Map<String, List<String>> headers = visibleHeaders(in.headers());
        long wrapTtl = wrapTtl(in.headers());
        LogicalRequest req = new LogicalRequest(requestId, op, path, route.prefix(), relative, data, null, null,
                in.remoteAddress(), headers, wrapTtl);
        if (op == null) {
            Boolean exists = backend.exists(req.withOperation(Operation.UPDATE));
            op = exists == null || exists ? Operation.UPDATE : Operation.CREATE;
            req = req.withOperation(op);
        }
        String tokenString = ApiPaths.token(in.headers());
        if (backend.isUnauthenticated(relative, op)) {
            if (tokenString != null && !lifecycle) {
                TokenEntry t = tokens.lookup(tokenString).orElse(null);
                if (t != null) {
                    req = withToken(req, t, tokenString);
                }
            }
            return execute(req, backend, route, lifecycle ? null : new AuditRecord(clock.instant(), req, route.type(),
                    route.accessor(), true, List.of(), null), null);
        }
        if (tokenString == null) {
            throw refused(req, route, "missing client token");
        }
        TokenEntry token = tokens.lookup(tokenString).orElse(null);
        if (token == null) {
            throw refused(withToken(req, null, tokenString), route, "invalid or expired token");
        }
        req = withToken(req, token, tokenString);
        if (!token.boundCidrs().isEmpty() && !(token.isRoot() && token.expireAt() == null)
                && token.boundCidrs().stream().noneMatch(c -> Cidr.contains(c, in.remoteAddress()))) {
            throw refused(req, route, "token is not allowed from this address (bound CIDRs)");
        }
        Decision decision = authorizer.authorize(token, path, op, data, backend.isRootProtected(relative, op), wrapTtl,
                RequestOrigin.api(in.remoteAddress()));
        if (decision.allowed()) {
            try {
                for (RequestGuard g : guards) {
                    g.check(req, decision);
                }
            } catch (AvException e) {
                decision = new Decision(false, decision.capabilities(), decision.grantingPolicies(), e.getMessage());
                auditDenied(req, route, decision);
                throw e;
            }
        }
        if (!decision.allowed()) {
            auditDenied(req, route, decision);
            throw AvException.permissionDenied();
        }
        AuditRecord record = new AuditRecord(clock.instant(), req, route.type(), route.accessor(), true,
                decision.grantingPolicies(), null);
        TokenStore.Use use = tokens.use(token);
        if (!use.allowed()) {
            throw refused(req, route, "token has no uses left");
        }
        try {
            return execute(req, backend, route, record, decision);
        } finally {
            if (use.lastUse()) {
                tokens.revokeTree(token);
            }
        }
    }

    private ApiResponse execute(LogicalRequest req, Backend backend, Router.Route route, AuditRecord record,
                                Decision decision) {
        if (record != null) {
            for (AuditHook h : auditHooks) {
                try {
                    h.onRequest(record);
                } catch (AvException e) {
                    throw new AvException(AvException.Kind.INTERNAL, e.errors(), null);
                } catch (RuntimeException e) {
                    LOG.error("audit hook {} failed on request {}", h.getClass().getName(), req.id(), e);
                    throw new AvException(AvException.Kind.INTERNAL, "no audit backend succeeded in logging the request");
                }
            }
        }
        LogicalResponse resp;
        try {
            resp = backend.handle(req);
            if (resp == null) {
                resp = LogicalResponse.noContent();
            }
        } catch (AvException e) {
            auditResponse(record, null, e.getMessage(), false);
            throw e;
        } catch (RuntimeException e) {
            LOG.error("backend {} failed on request {}", route.type(), req.id(), e);
            auditResponse(record, null, "internal error", false);
            throw new AvException(AvException.Kind.INTERNAL, "internal error", null);
        }
        if (!auditResponse(record, resp, null, true)) {
            return new ApiResponse(500, new byte[0]);
        }
        return render(req.id(), route.type(), resp);
    }

    private boolean auditResponse(AuditRecord record, LogicalResponse resp, String error, boolean strict) {
        if (record == null) {
            return true;
        }
        for (AuditHook h : auditHooks) {
            try {
                h.onResponse(record, resp, error);
            } catch (RuntimeException e) {
                LOG.error("audit hook {} failed on response to {}", h.getClass().getName(), record.request().id(), e);
                if (strict) {
                    return false;
                }
            }
        }
        return true;
    }

    private void auditDenied(LogicalRequest req, Router.Route route, Decision decision) {
        AuditRecord record = new AuditRecord(clock.instant(), req, route.type(), route.accessor(), false,
                decision.grantingPolicies(), "permission denied", decision.reason(), decision.forbiddingCedarPolicies());
        for (AuditHook h : auditHooks) {
            try {
                h.onRequest(record);
            } catch (RuntimeException e) {
                LOG.warn("audit hook {} failed on denied request {}", h.getClass().getName(), req.id());
            }
        }
    }

    /**
     * A request refused before any policy was evaluated (no token, unknown token, wrong address, no
     * uses left): audited as a denial with the reason, like a policy denial, then 403.
     */
    private AvException refused(LogicalRequest req, Router.Route route, String reason) {
        auditDenied(req, route, new Decision(false, Set.of(), List.of(), reason));
        return AvException.permissionDenied();
    }

    private static LogicalRequest withToken(LogicalRequest r, TokenEntry t, String tokenString) {
        return new LogicalRequest(r.id(), r.operation(), r.path(), r.mountPoint(), r.relativePath(), r.data(), t,
                Secret.of(tokenString), r.remoteAddress(), r.headers(), r.wrapTtlSeconds());
    }

    static ApiResponse render(String requestId, String mountType, LogicalResponse resp) {
        if (resp.raw() != null) {
            return new ApiResponse(resp.status(), Json.write(resp.raw()));
        }
        if (resp.status() == 204) {
            return new ApiResponse(204, new byte[0]);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", requestId);
        body.put("lease_id", resp.leaseId());
        body.put("renewable", resp.renewable());
        body.put("lease_duration", resp.leaseDuration());
        body.put("data", resp.data());
        body.put("wrap_info", null);
        body.put("warnings", resp.warnings().isEmpty() ? null : resp.warnings());
        body.put("auth", resp.auth() == null ? null : renderAuth(resp.auth()));
        body.put("mount_type", mountType);
        return new ApiResponse(resp.status(), Json.write(body));
    }

    private static Map<String, Object> renderAuth(AuthInfo a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_token", a.clientToken());
        m.put("accessor", a.accessor());
        m.put("policies", a.policies());
        m.put("token_policies", a.tokenPolicies());
        m.put("identity_policies", null);
        m.put("metadata", a.metadata() == null || a.metadata().isEmpty() ? null : a.metadata());
        m.put("lease_duration", a.leaseDuration());
        m.put("renewable", a.renewable());
        m.put("entity_id", a.entityId() == null ? "" : a.entityId());
        m.put("token_type", a.tokenType());
        m.put("orphan", a.orphan());
        m.put("mfa_requirement", null);
        m.put("num_uses", a.numUses());
        return m;
    }

    private static String relative(String path, String prefix) {
        if (path.length() < prefix.length()) {
            return "";
        }
        return path.substring(prefix.length());
    }

    private static Map<String, List<String>> visibleHeaders(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            String name = k.toLowerCase(Locale.ROOT);
            if (!HIDDEN_HEADERS.contains(name)) {
                out.computeIfAbsent(name, x -> new ArrayList<>()).addAll(v);
            }
        });
        return out;
    }

    private static long wrapTtl(Map<String, List<String>> headers) {
        String v = ApiPaths.header(headers, "x-vault-wrap-ttl");
        if (v == null || v.isBlank()) {
            return 0;
        }
        if (v.trim().startsWith("-")) {
            throw AvException.badRequest("wrap ttl must not be negative");
        }
        return Durations.parse("X-Vault-Wrap-TTL", v).toSeconds();
    }

    private static boolean isTrue(List<String> v) {
        return v != null && !v.isEmpty() && (v.get(0).equalsIgnoreCase("true") || v.get(0).equals("1"));
    }

    /** Used by URL decoding helpers. */
    static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
