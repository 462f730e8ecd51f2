package dev.av.audit;

import com.fasterxml.jackson.core.JsonGenerator;
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

    public EntryFormatter(AuditHasher hasher, boolean logRaw, boolean hmacAccessor, boolean elideListResponses) {
        this.hasher = hasher;
        this.logRaw = logRaw;
        this.hmacAccessor = hmacAccessor;
        this.elideListResponses = elideListResponses;
    }

    /** The entry as one line of JSON bytes, without a trailing newline or chain fields. */
    public byte[] format(AuditEvent e) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            write(g, e);
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("cannot serialise an audit entry", ex);
        }
        return out.toByteArray();
    }

    /** The entry as a JSON tree (for callers that want to inspect it). */
    public ObjectNode toJson(AuditEvent e) {
        try {
            return (ObjectNode) JSON.readTree(format(e));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void write(JsonGenerator g, AuditEvent e) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("time", (e.time() == null ? Instant.EPOCH : e.time()).toString());
        g.writeStringField("type", e.type().wire());
        if (e.type() != AuditEvent.Type.ALERT) {
            g.writeFieldName("auth");
            auth(g, e);
            g.writeFieldName("request");
            request(g, e);
            if (e.type() == AuditEvent.Type.RESPONSE) {
                g.writeFieldName("response");
                response(g, e);
            }
            g.writeStringField("error", e.error());
        }
        if (e.actor() != null || e.decision() != null || e.proxy() != null || e.admin() != null
                || e.statusCode() != 0 || e.alert() != null) {
            g.writeFieldName("av");
            av(g, e);
        }
        g.writeEndObject();
    }

    private void auth(JsonGenerator g, AuditEvent e) throws java.io.IOException {
        g.writeStartObject();
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
                g.writeNumberField("token_ttl", auth.tokenTtl());
            }
            if (auth.tokenIssueTime() != null) {
                g.writeStringField("token_issue_time", auth.tokenIssueTime().toString());
            }
        }
        g.writeObjectFieldStart("policy_results");
        AuditEvent.Decision d = e.decision();
        g.writeBooleanField("allowed", d != null && d.allowed());
        if (d != null && !d.grantingAclPolicies().isEmpty()) {
            g.writeArrayFieldStart("granting_policies");
            for (String p : d.grantingAclPolicies()) {
                g.writeStartObject();
                g.writeStringField("name", p);
                g.writeStringField("namespace_id", "root");
                g.writeStringField("type", "acl");
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void request(JsonGenerator g, AuditEvent e) throws java.io.IOException {
        g.writeStartObject();
        putStr(g, "id", e.requestId());
        putStr(g, "operation", e.operation());
        putStr(g, "mount_point", e.mountPoint());
        putStr(g, "mount_type", e.mountType());
        putStr(g, "mount_accessor", e.mountAccessor());
        if (e.auth() != null) {
            putToken(g, "client_token", e.auth().clientToken());
            putAccessor(g, "client_token_accessor", e.auth().accessor());
        }
        g.writeObjectFieldStart("namespace");
        g.writeStringField("id", "root");
        g.writeEndObject();
        putStr(g, "path", e.path());
        if (e.requestData() != null && !e.requestData().isEmpty()) {
            g.writeFieldName("data");
            hashData(g, e.requestData(), e.nonHmacRequestKeys(), false);
        }
        putStr(g, "remote_address", e.remoteAddress());
        if (e.remotePort() != 0) {
            g.writeNumberField("remote_port", e.remotePort());
        }
        if (e.wrapTtl() != 0) {
            g.writeNumberField("wrap_ttl", e.wrapTtl());
        }
        if (e.requestHeaders() != null) {
            g.writeObjectFieldStart("headers");
            for (Map.Entry<String, List<String>> h : e.requestHeaders().entrySet()) {
                g.writeArrayFieldStart(h.getKey().toLowerCase(java.util.Locale.ROOT));
                for (String v : h.getValue()) {
                    g.writeString(plainOrHash(v));
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void response(JsonGenerator g, AuditEvent e) throws java.io.IOException {
        g.writeStartObject();
        putStr(g, "mount_point", e.mountPoint());
        putStr(g, "mount_type", e.mountType());
        putStr(g, "mount_accessor", e.mountAccessor());
        AuditEvent.ResponseAuth ra = e.responseAuth();
        if (ra != null) {
            g.writeObjectFieldStart("auth");
            putToken(g, "client_token", ra.clientToken());
            putAccessor(g, "accessor", ra.accessor());
            putStr(g, "display_name", ra.displayName());
            putList(g, "policies", ra.policies());
            putMap(g, "metadata", ra.metadata());
            if (ra.leaseDuration() != 0) {
                g.writeNumberField("lease_duration", ra.leaseDuration());
            }
            putStr(g, "token_type", ra.tokenType());
            g.writeEndObject();
        }
        if (e.leaseId() != null && !e.leaseId().isEmpty()) {
            g.writeObjectFieldStart("secret");
            g.writeStringField("lease_id", e.leaseId());
            g.writeEndObject();
        }
        if (e.responseData() != null && !e.responseData().isEmpty()) {
            g.writeFieldName("data");
            hashData(g, e.responseData(), e.nonHmacResponseKeys(), elideListResponses && "list".equals(e.operation()));
        }
        putList(g, "warnings", e.warnings());
        AuditEvent.WrapInfo w = e.wrapInfo();
        if (w != null) {
            g.writeObjectFieldStart("wrap_info");
            g.writeNumberField("ttl", w.ttl());
            putToken(g, "token", w.token());
            putAccessor(g, "accessor", w.accessor());
            if (w.creationTime() != null) {
                g.writeStringField("creation_time", w.creationTime().toString());
            }
            putStr(g, "creation_path", w.creationPath());
            putAccessor(g, "wrapped_accessor", w.wrappedAccessor());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void av(JsonGenerator g, AuditEvent e) throws java.io.IOException {
        g.writeStartObject();
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
            g.writeObjectFieldStart("decision");
            g.writeBooleanField("allowed", d.allowed());
            putList(g, "granting_acl_policies", d.grantingAclPolicies());
            putList(g, "forbidding_cedar_policies", d.forbiddingCedarPolicies());
            putStr(g, "reason", d.reason());
            g.writeEndObject();
        }
        ProxyRequestInfo p = e.proxy();
        if (p != null) {
            g.writeObjectFieldStart("proxy");
            putStr(g, "method", p.method());
            putStr(g, "host", p.host());
            if (p.port() != 0) {
                g.writeNumberField("port", p.port());
            }
            putStr(g, "path", p.path());
            if (p.query() != null && !p.query().isEmpty()) {
                g.writeStringField("query", plainOrHash(p.query()));
            }
            if (p.upstreamStatus() != 0) {
                g.writeNumberField("upstream_status", p.upstreamStatus());
            }
            if (p.bytesSent() >= 0) {
                g.writeNumberField("bytes_sent", p.bytesSent());
            }
            if (p.bytesReceived() >= 0) {
                g.writeNumberField("bytes_received", p.bytesReceived());
            }
            putStr(g, "service", p.service());
            g.writeEndObject();
        }
        AuditEvent.AdminAction admin = e.admin();
        if (admin != null) {
            g.writeObjectFieldStart("admin");
            g.writeStringField("action", admin.action());
            g.writeStringField("object_type", admin.objectType());
            putStr(g, "target", admin.target());
            g.writeObjectFieldStart("by");
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
            g.writeEndObject();
            g.writeEndObject();
        }
        if (e.statusCode() != 0) {
            g.writeNumberField("status_code", e.statusCode());
        }
        AuditEvent.Alert alert = e.alert();
        if (alert != null) {
            g.writeObjectFieldStart("alert");
            g.writeStringField("rule", alert.rule());
            putStr(g, "agent", alert.agent());
            g.writeNumberField("denials", alert.denials());
            g.writeNumberField("window_seconds", alert.window().toSeconds());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** HMACs every string value under a data map (keys excepted, and the listed top-level keys). */
    private void hashData(JsonGenerator g, Map<String, Object> data, List<String> plainKeys, boolean elide)
            throws java.io.IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> en : data.entrySet()) {
            String k = en.getKey();
            Object v = en.getValue();
            g.writeFieldName(k);
            if (elide && k.equals("keys") && v instanceof Collection<?> keys) {
                g.writeNumber(keys.size());
            } else if (elide && k.equals("key_info") && v instanceof Map<?, ?> info) {
                g.writeNumber(info.size());
            } else if (plainKeys.contains(k)) {
                writeRaw(g, v);
            } else {
                writeHashed(g, v);
            }
        }
        g.writeEndObject();
    }

    private void writeHashed(JsonGenerator g, Object v) throws java.io.IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> en : m.entrySet()) {
                g.writeFieldName(String.valueOf(en.getKey()));
                writeHashed(g, en.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object x : c) {
                writeHashed(g, x);
            }
            g.writeEndArray();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Number n) {
            g.writeNumber(new java.math.BigDecimal(n.toString()));
        } else {
            g.writeString(plainOrHash(scalarText(v)));
        }
    }

    private static void writeRaw(JsonGenerator g, Object v) throws java.io.IOException {
        if (v instanceof Secret) {
            g.writeString("[redacted]");
        } else if (v == null || v instanceof Map<?, ?> || v instanceof Collection<?> || v instanceof Boolean
                || v instanceof Number) {
            JSON.writeValue(new NonClosing(g), v);
        } else {
            g.writeString(scalarText(v));
        }
    }

    /** Lets ObjectMapper write a value into a generator it must not close. */
    private static final class NonClosing extends com.fasterxml.jackson.core.util.JsonGeneratorDelegate {
        NonClosing(JsonGenerator d) {
            super(d, false);
        }

        @Override
        public void close() {
            // the outer generator stays open
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

    private void putToken(JsonGenerator g, String field, String token) throws java.io.IOException {
        if (token != null && !token.isEmpty()) {
            g.writeStringField(field, plainOrHash(token));
        }
    }

    private void putAccessor(JsonGenerator g, String field, String accessor) throws java.io.IOException {
        if (accessor != null && !accessor.isEmpty()) {
            g.writeStringField(field, hmacAccessor && !logRaw ? hasher.hash(accessor) : accessor);
        }
    }

    private static void putStr(JsonGenerator g, String field, String v) throws java.io.IOException {
        if (v != null && !v.isEmpty()) {
            g.writeStringField(field, v);
        }
    }

    private static void putList(JsonGenerator g, String field, List<String> v) throws java.io.IOException {
        if (v != null && !v.isEmpty()) {
            g.writeArrayFieldStart(field);
            for (String x : v) {
                g.writeString(x);
            }
            g.writeEndArray();
        }
    }

    private static void putMap(JsonGenerator g, String field, Map<String, String> v) throws java.io.IOException {
        if (v != null && !v.isEmpty()) {
            g.writeObjectFieldStart(field);
            for (Map.Entry<String, String> en : v.entrySet()) {
                g.writeStringField(en.getKey(), en.getValue());
            }
            g.writeEndObject();
        }
    }

    public String hash(String input) {
        return hasher.hash(input);
    }
}
