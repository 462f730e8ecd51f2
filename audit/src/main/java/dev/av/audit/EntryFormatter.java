package dev.av.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.av.core.Secret;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns an {@link AuditEvent} into one device's JSON entry, in Vault's field order ({@code time},
 * {@code type}, {@code auth}, {@code request}, {@code response}, {@code error}) plus av's {@code av}
 * block. Unless {@code log_raw}: tokens are HMAC'd; accessors too when {@code hmac_accessor}; every
 * string anywhere in request and response data (map keys excepted, and the mount's non-HMAC keys),
 * every header value and the proxied query string. Empty fields are omitted as Vault's omitempty does,
 * except {@code auth.policy_results.allowed}. Thread-safe.
 */
public final class EntryFormatter {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final AuditHasher hasher;
    private final boolean logRaw;
    private final boolean hmacAccessor;
    private final boolean elideListResponses;

    public EntryFormatter(AuditHasher hasher, boolean logRaw, boolean hmacAccessor, boolean elideListResponses) {
        this.hasher = hasher;
        this.logRaw = logRaw;
        this.hmacAccessor = hmacAccessor;
        this.elideListResponses = elideListResponses;
    }

    /** The entry as one line of JSON bytes, without a trailing newline or chain fields. */
    public byte[] format(AuditEvent e) {
        try {
            return JSON.writeValueAsBytes(toJson(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise an audit entry", ex);
        }
    }

    public ObjectNode toJson(AuditEvent e) {
        ObjectNode root = F.objectNode();
        root.put("time", (e.time() == null ? Instant.EPOCH : e.time()).toString());
        root.put("type", e.type().wire());
        if (e.type() != AuditEvent.Type.ALERT) {
            root.set("auth", auth(e));
            root.set("request", request(e));
            if (e.type() == AuditEvent.Type.RESPONSE) {
                root.set("response", response(e));
            }
            root.put("error", e.error());
        }
        ObjectNode av = av(e);
        if (!av.isEmpty()) {
            root.set("av", av);
        }
        return root;
    }

    private ObjectNode auth(AuditEvent e) {
        ObjectNode a = F.objectNode();
        AuditEvent.Auth auth = e.auth();
        if (auth != null) {
            putToken(a, "client_token", auth.clientToken());
            putAccessor(a, "accessor", auth.accessor());
            putStr(a, "display_name", auth.displayName());
            putList(a, "policies", auth.policies());
            putList(a, "token_policies", auth.tokenPolicies());
            putList(a, "identity_policies", auth.identityPolicies());
            if (!auth.metadata().isEmpty()) {
                ObjectNode m = a.putObject("metadata");
                auth.metadata().forEach(m::put);
            }
            putStr(a, "entity_id", auth.entityId());
            putStr(a, "token_type", auth.tokenType());
            if (auth.tokenTtl() != 0) {
                a.put("token_ttl", auth.tokenTtl());
            }
            if (auth.tokenIssueTime() != null) {
                a.put("token_issue_time", auth.tokenIssueTime().toString());
            }
        }
        ObjectNode results = a.putObject("policy_results");
        AuditEvent.Decision d = e.decision();
        results.put("allowed", d != null && d.allowed());
        if (d != null && !d.grantingAclPolicies().isEmpty()) {
            ArrayNode granting = results.putArray("granting_policies");
            for (String p : d.grantingAclPolicies()) {
                granting.addObject().put("name", p).put("namespace_id", "root").put("type", "acl");
            }
        }
        return a;
    }

    private ObjectNode request(AuditEvent e) {
        ObjectNode r = F.objectNode();
        putStr(r, "id", e.requestId());
        putStr(r, "operation", e.operation());
        putStr(r, "mount_point", e.mountPoint());
        putStr(r, "mount_type", e.mountType());
        putStr(r, "mount_accessor", e.mountAccessor());
        if (e.auth() != null) {
            putToken(r, "client_token", e.auth().clientToken());
            putAccessor(r, "client_token_accessor", e.auth().accessor());
        }
        r.putObject("namespace").put("id", "root");
        putStr(r, "path", e.path());
        if (e.requestData() != null && !e.requestData().isEmpty()) {
            r.set("data", hashData(e.requestData(), e.nonHmacRequestKeys()));
        }
        putStr(r, "remote_address", e.remoteAddress());
        if (e.remotePort() != 0) {
            r.put("remote_port", e.remotePort());
        }
        if (e.wrapTtl() != 0) {
            r.put("wrap_ttl", e.wrapTtl());
        }
        if (e.requestHeaders() != null) {
            ObjectNode h = r.putObject("headers");
            e.requestHeaders().forEach((k, vals) -> {
                ArrayNode arr = h.putArray(k.toLowerCase(java.util.Locale.ROOT));
                vals.forEach(v -> arr.add(plainOrHash(v)));
            });
        }
        return r;
    }

    private ObjectNode response(AuditEvent e) {
        ObjectNode r = F.objectNode();
        putStr(r, "mount_point", e.mountPoint());
        putStr(r, "mount_type", e.mountType());
        putStr(r, "mount_accessor", e.mountAccessor());
        AuditEvent.ResponseAuth ra = e.responseAuth();
        if (ra != null) {
            ObjectNode a = r.putObject("auth");
            putToken(a, "client_token", ra.clientToken());
            putAccessor(a, "accessor", ra.accessor());
            putStr(a, "display_name", ra.displayName());
            putList(a, "policies", ra.policies());
            if (!ra.metadata().isEmpty()) {
                ObjectNode m = a.putObject("metadata");
                ra.metadata().forEach(m::put);
            }
            if (ra.leaseDuration() != 0) {
                a.put("lease_duration", ra.leaseDuration());
            }
            putStr(a, "token_type", ra.tokenType());
        }
        if (e.leaseId() != null && !e.leaseId().isEmpty()) {
            r.putObject("secret").put("lease_id", e.leaseId());
        }
        if (e.responseData() != null && !e.responseData().isEmpty()) {
            Map<String, Object> data = e.responseData();
            ObjectNode hashed = hashData(data, e.nonHmacResponseKeys());
            if (elideListResponses && "list".equals(e.operation())) {
                elide(hashed, data);
            }
            r.set("data", hashed);
        }
        putList(r, "warnings", e.warnings());
        AuditEvent.WrapInfo w = e.wrapInfo();
        if (w != null) {
            ObjectNode wi = r.putObject("wrap_info");
            wi.put("ttl", w.ttl());
            putToken(wi, "token", w.token());
            putAccessor(wi, "accessor", w.accessor());
            if (w.creationTime() != null) {
                wi.put("creation_time", w.creationTime().toString());
            }
            putStr(wi, "creation_path", w.creationPath());
            putAccessor(wi, "wrapped_accessor", w.wrappedAccessor());
        }
        return r;
    }

    private static void elide(ObjectNode hashed, Map<String, Object> raw) {
        if (raw.get("keys") instanceof Collection<?> keys) {
            hashed.put("keys", keys.size());
        }
        if (raw.get("key_info") instanceof Map<?, ?> info) {
            hashed.put("key_info", info.size());
        }
    }

    private ObjectNode av(AuditEvent e) {
        ObjectNode av = F.objectNode();
        AuditEvent.Actor actor = e.actor();
        if (actor != null) {
            putStr(av, "token_kind", actor.tokenKind());
            putStr(av, "agent", actor.agent());
            putStr(av, "delegate", actor.delegateUser());
            putStr(av, "delegation_id", actor.delegationId());
            putList(av, "consent_scopes", actor.consentScopes());
            putAccessor(av, "ephemeral_token_accessor", actor.ephemeralAccessor());
        }
        AuditEvent.Decision d = e.decision();
        if (d != null) {
            ObjectNode dn = av.putObject("decision");
            dn.put("allowed", d.allowed());
            putList(dn, "granting_acl_policies", d.grantingAclPolicies());
            putList(dn, "forbidding_cedar_policies", d.forbiddingCedarPolicies());
            putStr(dn, "reason", d.reason());
        }
        ProxyRequestInfo p = e.proxy();
        if (p != null) {
            ObjectNode pn = av.putObject("proxy");
            putStr(pn, "method", p.method());
            putStr(pn, "host", p.host());
            if (p.port() != 0) {
                pn.put("port", p.port());
            }
            putStr(pn, "path", p.path());
            if (p.query() != null && !p.query().isEmpty()) {
                pn.put("query", plainOrHash(p.query()));
            }
            if (p.upstreamStatus() != 0) {
                pn.put("upstream_status", p.upstreamStatus());
            }
            if (p.bytesSent() >= 0) {
                pn.put("bytes_sent", p.bytesSent());
            }
            if (p.bytesReceived() >= 0) {
                pn.put("bytes_received", p.bytesReceived());
            }
            putStr(pn, "service", p.service());
        }
        AuditEvent.AdminAction admin = e.admin();
        if (admin != null) {
            ObjectNode an = av.putObject("admin");
            an.put("action", admin.action());
            an.put("object_type", admin.objectType());
            putStr(an, "target", admin.target());
            ObjectNode by = an.putObject("by");
            if (e.auth() != null) {
                putStr(by, "display_name", e.auth().displayName());
                putAccessor(by, "accessor", e.auth().accessor());
                putStr(by, "entity_id", e.auth().entityId());
            }
            if (actor != null) {
                putStr(by, "agent", actor.agent());
                putStr(by, "delegate", actor.delegateUser());
            }
            putStr(by, "remote_address", e.remoteAddress());
        }
        if (e.statusCode() != 0) {
            av.put("status_code", e.statusCode());
        }
        AuditEvent.Alert alert = e.alert();
        if (alert != null) {
            ObjectNode al = av.putObject("alert");
            al.put("rule", alert.rule());
            putStr(al, "agent", alert.agent());
            al.put("denials", alert.denials());
            al.put("window_seconds", alert.window().toSeconds());
        }
        return av;
    }

    /** HMACs every string value under a data map (keys excepted, and the listed top-level keys). */
    ObjectNode hashData(Map<String, Object> data, List<String> plainKeys) {
        ObjectNode out = F.objectNode();
        data.forEach((k, v) -> out.set(k, plainKeys.contains(k) ? raw(v) : hashValue(v)));
        return out;
    }

    private JsonNode hashValue(Object v) {
        if (v == null) {
            return F.nullNode();
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = F.objectNode();
            m.forEach((k, val) -> o.set(String.valueOf(k), hashValue(val)));
            return o;
        }
        if (v instanceof Collection<?> c) {
            ArrayNode a = F.arrayNode();
            c.forEach(x -> a.add(hashValue(x)));
            return a;
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (v instanceof Number n) {
            return F.numberNode(new java.math.BigDecimal(n.toString()));
        }
        return F.textNode(plainOrHash(scalarText(v)));
    }

    private static JsonNode raw(Object v) {
        if (v instanceof Secret) {
            return F.textNode("[redacted]");
        }
        if (v instanceof Map<?, ?> || v instanceof Collection<?> || v instanceof Boolean || v instanceof Number
                || v == null) {
            return JSON.valueToTree(v);
        }
        return F.textNode(scalarText(v));
    }

    private static String scalarText(Object v) {
        if (v instanceof Secret s) {
            return s.reveal();
        }
        if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof TemporalAccessor t && v instanceof Instant) {
            return t.toString();
        }
        return v.toString();
    }

    private String plainOrHash(String v) {
        return logRaw ? v : hasher.hash(v);
    }

    private void putToken(ObjectNode o, String field, String token) {
        if (token != null && !token.isEmpty()) {
            o.put(field, plainOrHash(token));
        }
    }

    private void putAccessor(ObjectNode o, String field, String accessor) {
        if (accessor != null && !accessor.isEmpty()) {
            o.put(field, hmacAccessor && !logRaw ? hasher.hash(accessor) : accessor);
        }
    }

    private static void putStr(ObjectNode o, String field, String v) {
        if (v != null && !v.isEmpty()) {
            o.put(field, v);
        }
    }

    private static void putList(ObjectNode o, String field, List<String> v) {
        if (v != null && !v.isEmpty()) {
            ArrayNode a = o.putArray(field);
            v.forEach(a::add);
        }
    }

    public String hash(String input) {
        return hasher.hash(input);
    }
}
