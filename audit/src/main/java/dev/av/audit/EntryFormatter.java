package dev.av.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
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

    private final AuditHasher hasher;
    private final boolean logRaw;
    private final boolean hmacAccessor;
    private final boolean elideListResponses;
    // Reusable output buffers: a pool rather than a ThreadLocal, as requests may run on virtual threads.
    private static final int POOL = 64;
    private static final int MAX_POOLED_BUFFER = 256 * 1024;
    private final java.util.concurrent.ConcurrentLinkedQueue<JsonOut> buffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pooledBuffers = new java.util.concurrent.atomic.AtomicInteger();

    public EntryFormatter(AuditHasher hasher, boolean logRaw, boolean hmacAccessor, boolean elideListResponses) {
        this.hasher = hasher;
        this.logRaw = logRaw;
        this.hmacAccessor = hmacAccessor;
        this.elideListResponses = elideListResponses;
    }

    /** The entry as one line of JSON bytes, without a trailing newline or chain fields. */
    public byte[] format(AuditEvent e) {
        JsonOut g = buffers.poll();
        if (g == null) {
            g = new JsonOut();
        } else {
            pooledBuffers.decrementAndGet();
        }
        write(g.reset(), e);
        byte[] out = g.toBytes();
        // Keep a few buffers for the next entries; an oversized one (a huge response) is dropped.
        if (g.buffer().length <= MAX_POOLED_BUFFER && pooledBuffers.incrementAndGet() <= POOL) {
            buffers.offer(g);
        } else if (g.buffer().length <= MAX_POOLED_BUFFER) {
            pooledBuffers.decrementAndGet();
        }
        return out;
    }

    /** The entry as a JSON tree (for callers that want to inspect it). */
    public ObjectNode toJson(AuditEvent e) {
        try {
            return (ObjectNode) JSON.readTree(format(e));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void write(JsonOut g, AuditEvent e) {
        g.startObject();
        g.field("time", (e.time() == null ? Instant.EPOCH : e.time()).toString());
        g.field("type", e.type().wire());
        if (e.type() != AuditEvent.Type.ALERT) {
            g.field("auth");
            auth(g, e);
            g.field("request");
            request(g, e);
            if (e.type() == AuditEvent.Type.RESPONSE) {
                g.field("response");
                response(g, e);
            }
            g.field("error", e.error());
        }
        if (e.actor() != null || e.decision() != null || e.proxy() != null || e.admin() != null
                || e.statusCode() != 0 || e.alert() != null) {
            g.field("av");
            av(g, e);
        }
        g.endObject();
    }

    private void auth(JsonOut g, AuditEvent e) {
        g.startObject();
        AuditEvent.Auth auth = e.auth();
        if (auth != null) {
            putToken(g, "client_token", auth.clientToken());
            putAccessor(g, "accessor", auth.accessor());
            putStr(g, "display_name", auth.displayName());
            putList(g, "policies", auth.policies());
            putList(g, "token_policies", auth.tokenPolicies());
            putList(g, "identity_policies", auth.identityPolicies());
            putMap(g, "metadata", auth.metadata());
            putStr(g, "entity_id", auth.entityId());
            putStr(g, "token_type", auth.tokenType());
            if (auth.tokenTtl() != 0) {
                g.field("token_ttl", auth.tokenTtl());
            }
            if (auth.tokenIssueTime() != null) {
                g.field("token_issue_time", auth.tokenIssueTime().toString());
            }
        }
        g.field("policy_results").startObject();
        AuditEvent.Decision d = e.decision();
        g.field("allowed", d != null && d.allowed());
        if (d != null && !d.grantingAclPolicies().isEmpty()) {
            g.field("granting_policies").startArray();
            for (String p : d.grantingAclPolicies()) {
                g.startObject();
                g.field("name", p);
                g.field("namespace_id", "root");
                g.field("type", "acl");
                g.endObject();
            }
            g.endArray();
        }
        g.endObject();
        g.endObject();
    }

    private void request(JsonOut g, AuditEvent e) {
        g.startObject();
        putStr(g, "id", e.requestId());
        putStr(g, "operation", e.operation());
        putStr(g, "mount_point", e.mountPoint());
        putStr(g, "mount_type", e.mountType());
        putStr(g, "mount_accessor", e.mountAccessor());
        if (e.auth() != null) {
            putToken(g, "client_token", e.auth().clientToken());
            putAccessor(g, "client_token_accessor", e.auth().accessor());
        }
        g.field("namespace").startObject();
        g.field("id", "root");
        g.endObject();
        putStr(g, "path", e.path());
        if (e.requestData() != null && !e.requestData().isEmpty()) {
            g.field("data");
            hashData(g, e.requestData(), e.nonHmacRequestKeys(), false);
        }
        putStr(g, "remote_address", e.remoteAddress());
        if (e.remotePort() != 0) {
            g.field("remote_port", e.remotePort());
        }
        if (e.wrapTtl() != 0) {
            g.field("wrap_ttl", e.wrapTtl());
        }
        if (e.requestHeaders() != null) {
            g.field("headers").startObject();
            for (Map.Entry<String, List<String>> h : e.requestHeaders().entrySet()) {
                g.field(h.getKey().toLowerCase(java.util.Locale.ROOT)).startArray();
                for (String v : h.getValue()) {
                    g.string(plainOrHash(v));
                }
                g.endArray();
            }
            g.endObject();
        }
        g.endObject();
    }

    private void response(JsonOut g, AuditEvent e) {
        g.startObject();
        putStr(g, "mount_point", e.mountPoint());
        putStr(g, "mount_type", e.mountType());
        putStr(g, "mount_accessor", e.mountAccessor());
        AuditEvent.ResponseAuth ra = e.responseAuth();
        if (ra != null) {
            g.field("auth").startObject();
            putToken(g, "client_token", ra.clientToken());
            putAccessor(g, "accessor", ra.accessor());
            putStr(g, "display_name", ra.displayName());
            putList(g, "policies", ra.policies());
            putMap(g, "metadata", ra.metadata());
            if (ra.leaseDuration() != 0) {
                g.field("lease_duration", ra.leaseDuration());
            }
            putStr(g, "token_type", ra.tokenType());
            g.endObject();
        }
        if (e.leaseId() != null && !e.leaseId().isEmpty()) {
            g.field("secret").startObject();
            g.field("lease_id", e.leaseId());
            g.endObject();
        }
        if (e.responseData() != null && !e.responseData().isEmpty()) {
            g.field("data");
            hashData(g, e.responseData(), e.nonHmacResponseKeys(), elideListResponses && "list".equals(e.operation()));
        }
        putList(g, "warnings", e.warnings());
        AuditEvent.WrapInfo w = e.wrapInfo();
        if (w != null) {
            g.field("wrap_info").startObject();
            g.field("ttl", w.ttl());
            putToken(g, "token", w.token());
            putAccessor(g, "accessor", w.accessor());
            if (w.creationTime() != null) {
                g.field("creation_time", w.creationTime().toString());
            }
            putStr(g, "creation_path", w.creationPath());
            putAccessor(g, "wrapped_accessor", w.wrappedAccessor());
            g.endObject();
        }
        g.endObject();
    }

    private void av(JsonOut g, AuditEvent e) {
        g.startObject();
        AuditEvent.Actor actor = e.actor();
        if (actor != null) {
            putStr(g, "token_kind", actor.tokenKind());
            putStr(g, "agent", actor.agent());
            putStr(g, "delegate", actor.delegateUser());
            putStr(g, "delegation_id", actor.delegationId());
            putList(g, "consent_scopes", actor.consentScopes());
            putAccessor(g, "ephemeral_token_accessor", actor.ephemeralAccessor());
        }
        AuditEvent.Decision d = e.decision();
        if (d != null) {
            g.field("decision").startObject();
            g.field("allowed", d.allowed());
            putList(g, "granting_acl_policies", d.grantingAclPolicies());
            putList(g, "forbidding_cedar_policies", d.forbiddingCedarPolicies());
            putStr(g, "reason", d.reason());
            g.endObject();
        }
        ProxyRequestInfo p = e.proxy();
        if (p != null) {
            g.field("proxy").startObject();
            putStr(g, "method", p.method());
            putStr(g, "host", p.host());
            if (p.port() != 0) {
                g.field("port", p.port());
            }
            putStr(g, "path", p.path());
            if (p.query() != null && !p.query().isEmpty()) {
                g.field("query", plainOrHash(p.query()));
            }
            if (p.upstreamStatus() != 0) {
                g.field("upstream_status", p.upstreamStatus());
            }
            if (p.bytesSent() >= 0) {
                g.field("bytes_sent", p.bytesSent());
            }
            if (p.bytesReceived() >= 0) {
                g.field("bytes_received", p.bytesReceived());
            }
            putStr(g, "service", p.service());
            g.endObject();
        }
        AuditEvent.AdminAction admin = e.admin();
        if (admin != null) {
            g.field("admin").startObject();
            g.field("action", admin.action());
            g.field("object_type", admin.objectType());
            putStr(g, "target", admin.target());
            g.field("by").startObject();
            if (e.auth() != null) {
                putStr(g, "display_name", e.auth().displayName());
                putAccessor(g, "accessor", e.auth().accessor());
                putStr(g, "entity_id", e.auth().entityId());
            }
            if (actor != null) {
                putStr(g, "agent", actor.agent());
                putStr(g, "delegate", actor.delegateUser());
            }
            putStr(g, "remote_address", e.remoteAddress());
            g.endObject();
            g.endObject();
        }
        if (e.statusCode() != 0) {
            g.field("status_code", e.statusCode());
        }
        AuditEvent.Alert alert = e.alert();
        if (alert != null) {
            g.field("alert").startObject();
            g.field("rule", alert.rule());
            putStr(g, "agent", alert.agent());
            g.field("denials", alert.denials());
            g.field("window_seconds", alert.window().toSeconds());
            g.endObject();
        }
        g.endObject();
    }

    /** HMACs every string value under a data map (keys excepted, and the listed top-level keys). */
    private void hashData(JsonOut g, Map<String, Object> data, List<String> plainKeys, boolean elide)
            {
        g.startObject();
        for (Map.Entry<String, Object> en : data.entrySet()) {
            String k = en.getKey();
            Object v = en.getValue();
            g.field(k);
            if (elide && k.equals("keys") && v instanceof Collection<?> keys) {
                g.number(keys.size());
            } else if (elide && k.equals("key_info") && v instanceof Map<?, ?> info) {
                g.number(info.size());
            } else if (plainKeys.contains(k)) {
                writeRaw(g, v);
            } else {
                writeHashed(g, v);
            }
        }
        g.endObject();
    }

    private void writeHashed(JsonOut g, Object v) {
        if (v == null) {
            g.nullValue();
        } else if (v instanceof Map<?, ?> m) {
            g.startObject();
            for (Map.Entry<?, ?> en : m.entrySet()) {
                g.field(String.valueOf(en.getKey()));
                writeHashed(g, en.getValue());
            }
            g.endObject();
        } else if (v instanceof Collection<?> c) {
            g.startArray();
            for (Object x : c) {
                writeHashed(g, x);
            }
            g.endArray();
        } else if (v instanceof Boolean b) {
            g.bool(b);
        } else if (v instanceof Number n) {
            number(g, n);
        } else {
            g.string(plainOrHash(scalarText(v)));
        }
    }

    private static void writeRaw(JsonOut g, Object v) {
        if (v instanceof Secret) {
            g.string("[redacted]");
        } else if (v == null) {
            g.nullValue();
        } else if (v instanceof Map<?, ?> m) {
            g.startObject();
            for (Map.Entry<?, ?> en : m.entrySet()) {
                g.field(String.valueOf(en.getKey()));
                writeRaw(g, en.getValue());
            }
            g.endObject();
        } else if (v instanceof Collection<?> c) {
            g.startArray();
            for (Object x : c) {
                writeRaw(g, x);
            }
            g.endArray();
        } else if (v instanceof Boolean b) {
            g.bool(b);
        } else if (v instanceof Number n) {
            number(g, n);
        } else {
            g.string(scalarText(v));
        }
    }

    private static void number(JsonOut g, Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            g.number(n.longValue());
            return;
        }
        try {
            g.rawNumber(new java.math.BigDecimal(n.toString()).toString());
        } catch (NumberFormatException notFinite) {
            g.string(n.toString()); // NaN, Infinity: JSON has no such numbers
        }
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

    private void putToken(JsonOut g, String field, String token) {
        if (token != null && !token.isEmpty()) {
            g.field(field, logRaw ? token : hasher.hashCredential(token));
        }
    }

    private void putAccessor(JsonOut g, String field, String accessor) {
        if (accessor != null && !accessor.isEmpty()) {
            g.field(field, hmacAccessor && !logRaw ? hasher.hashCredential(accessor) : accessor);
        }
    }

    private static void putStr(JsonOut g, String field, String v) {
        if (v != null && !v.isEmpty()) {
            g.field(field, v);
        }
    }

    private static void putList(JsonOut g, String field, List<String> v) {
        if (v != null && !v.isEmpty()) {
            g.field(field).startArray();
            for (String x : v) {
                g.string(x);
            }
            g.endArray();
        }
    }

    private static void putMap(JsonOut g, String field, Map<String, String> v) {
        if (v != null && !v.isEmpty()) {
            g.field(field).startObject();
            for (Map.Entry<String, String> en : v.entrySet()) {
                g.field(en.getKey(), en.getValue());
            }
            g.endObject();
        }
    }

    public String hash(String input) {
        return hasher.hash(input);
    }
}
