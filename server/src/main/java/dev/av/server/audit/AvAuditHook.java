package dev.av.server.audit;

import dev.av.audit.AuditEvent;
import dev.av.registry.agent.Delegation;
import dev.av.registry.agent.DelegationStore;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.server.logical.AuthInfo;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's {@link AuditHook}: turns each API request into a request entry before the backend
 * acts and a response entry after it, through the fail-closed {@link dev.av.audit.AuditBroker}.
 * Denied requests get both entries, best effort. Changes to policies, agents, users, scopes,
 * delegations, services, mounts, credentials and audit devices carry an {@code av.admin} block
 * naming who made them. Thread-safe.
 */
public final class AvAuditHook implements AuditHook {

    /** Path prefixes whose changes are admin actions, and the object type they change. */
    private static final List<Map.Entry<String, String>> ADMIN = List.of(
            Map.entry("sys/policies/acl/", "acl_policy"),
            Map.entry("sys/policy/", "acl_policy"),
            Map.entry("sys/policies/cedar/", "cedar_policy"),
            Map.entry("sys/audit/", "audit_device"),
            Map.entry("sys/mounts/", "mount"),
            Map.entry("sys/leases/revoke", "lease"),
            Map.entry("auth/token/create", "token"),
            Map.entry("auth/token/revoke", "token"),
            Map.entry("auth/oidc/config", "oidc_config"),
            Map.entry("agent-registry/agents/", "agent"),
            Map.entry("agent-registry/users/", "user"),
            Map.entry("agent-registry/scopes/", "scope"),
            Map.entry("agent-registry/delegations/", "delegation"),
            Map.entry("proxy/services/", "service"),
            Map.entry("proxy/settings", "proxy_settings"),
            Map.entry("database/config/", "credential"),
            Map.entry("database/roles/", "credential"));

    private final AuditService audit;
    private final DelegationStore delegations;

    public AvAuditHook(AuditService audit, DelegationStore delegations) {
        this.audit = audit;
        this.delegations = delegations;
    }

    @Override
    public void onRequest(AuditRecord record) {
        if (!audit.active()) {
            return;
        }
        AuditEvent request = request(record);
        if (record.allowed() && isDisablingADevice(record)) {
            // The escape hatch: a device that cannot write would otherwise refuse its own removal.
            // Sudo is required; the other devices still record it when they can.
            audit.recordBestEffort(request);
        } else if (record.allowed()) {
            audit.record(request);
        } else {
            audit.recordBestEffort(request);
            audit.recordBestEffort(request.toResponse().statusCode(403).build());
        }
    }

    @Override
    public void onResponse(AuditRecord record, LogicalResponse response, String error) {
        if (!audit.active()) {
            return;
        }
        AuditEvent.Builder b = request(record).toResponse();
        if (error != null) {
            b.error(error);
        }
        if (response != null) {
            b.statusCode(response.status());
            Map<String, Object> data = response.data() != null ? response.data() : response.raw();
            if (data != null) {
                b.responseData(data);
            }
            AuthInfo a = response.auth();
            if (a != null) {
                b.responseAuth(new AuditEvent.ResponseAuth(a.clientToken(), a.accessor(), null, a.policies(),
                        a.leaseDuration(), a.tokenType(), a.metadata()));
            }
            b.leaseId(response.leaseId()).warnings(response.warnings());
        }
        if (isDisablingADevice(record)) {
            audit.recordBestEffort(b.build());
        } else {
            audit.record(b.build());
        }
    }

    private static boolean isDisablingADevice(AuditRecord r) {
        return r.request().operation() == dev.av.server.logical.Operation.DELETE
                && r.request().path().startsWith("sys/audit/");
    }

    AuditEvent request(AuditRecord r) {
        LogicalRequest q = r.request();
        AuditEvent.Builder b = AuditEvent.request(q.id())
                .time(r.time())
                .operation(q.operation() == null ? null : q.operation().capability())
                .path(q.path())
                .mount(q.mountPoint(), r.mountType(), r.mountAccessor())
                .requestData(q.data())
                .remote(q.remoteAddress(), 0)
                .wrapTtl(q.wrapTtlSeconds())
                .requestHeaders(q.headers())
                .decision(r.allowed() ? AuditEvent.Decision.allow(r.grantingPolicies())
                        : new AuditEvent.Decision(false, r.grantingPolicies(), r.forbiddingCedarPolicies(),
                                r.denyReason() != null ? r.denyReason() : r.error() == null ? "permission denied" : r.error()));
        if (r.error() != null) {
            b.error(r.error());
        }
        TokenEntry t = q.token();
        if (t != null) {
            b.auth(new AuditEvent.Auth(q.clientToken() == null ? null : q.clientToken().reveal(), t.accessor(),
                    t.displayName(), t.policies(), t.policies(), List.of(), t.meta(), null,
                    "service", t.grantedTtlSeconds(), t.createdAt()));
            List<String> scopes = List.of();
            if (t.delegationId() != null) {
                scopes = delegations.find(t.delegationId()).map(Delegation::scopes).orElse(List.of());
            }
            String kind = t.kind() == null ? null : t.kind().name().toLowerCase(Locale.ROOT);
            b.actor(new AuditEvent.Actor(kind, t.agent(), t.delegateUser(), t.delegationId(), scopes,
                    t.kind() == TokenKind.EPHEMERAL ? t.accessor() : null));
        } else if (q.clientToken() != null) {
            // an unknown or expired token: recorded (HMAC'd like any token) so that guessing is visible
            b.auth(AuditEvent.Auth.of(q.clientToken().reveal(), null, null, List.of()));
        }
        String objectType = adminObject(q.path());
        if (objectType != null && q.operation() != null
                && !q.operation().capability().equals("read") && !q.operation().capability().equals("list")) {
            String target = targetOf(q.path());
            b.admin(new AuditEvent.AdminAction(q.operation().capability(), objectType, target));
        }
        return b.build();
    }

    static String adminObject(String path) {
        for (Map.Entry<String, String> e : ADMIN) {
            String prefix = e.getKey();
            if (path.startsWith(prefix) || (prefix.endsWith("/") && path.equals(prefix.substring(0, prefix.length() - 1)))) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String targetOf(String path) {
        for (Map.Entry<String, String> e : ADMIN) {
            if (path.startsWith(e.getKey()) && e.getKey().endsWith("/")) {
                return path.substring(e.getKey().length());
            }
        }
        return path;
    }
}
