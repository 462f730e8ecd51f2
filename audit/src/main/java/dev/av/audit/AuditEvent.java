package dev.av.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened, before any device has seen it: the raw values (tokens, accessors,
 * request and response data) are still in clear here, which is why {@link #toString()} shows
 * nothing but the type and path. Each device turns an event into its own entry, HMAC'ing with its
 * own salt ({@link EntryFormatter}).
 *
 * <p>Build one with {@link #request(String)} or {@link #builder(Type)}; derive the response entry
 * from the request entry with {@link #toResponse()} so both carry the same auth and request parts.
 * Immutable and thread-safe.
 */
public final class AuditEvent {

    /** The entry types. {@code request} and {@code response} are Vault's; the others are av's. */
    public enum Type {
        REQUEST("request"), RESPONSE("response"), ALERT("alert");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** The authorization outcome: granting ACL policies when allowed, forbidding Cedar policies when Cedar denied. */
    public record Decision(boolean allowed, List<String> grantingAclPolicies, List<String> forbiddingCedarPolicies,
                           String reason) {
        public Decision {
            grantingAclPolicies = List.copyOf(grantingAclPolicies);
            forbiddingCedarPolicies = List.copyOf(forbiddingCedarPolicies);
            reason = reason == null ? "" : reason;
        }

        public static Decision allow(List<String> grantingAclPolicies) {
            return new Decision(true, grantingAclPolicies, List.of(), "");
        }

        public static Decision deny(String reason, List<String> forbiddingCedarPolicies) {
            return new Decision(false, List.of(), forbiddingCedarPolicies, reason);
        }
    }

    /** The token that made the request, in clear (devices hash it). All fields may be null/empty. */
    public record Auth(String clientToken, String accessor, String displayName, List<String> policies,
                       List<String> tokenPolicies, List<String> identityPolicies, Map<String, String> metadata,
                       String entityId, String tokenType, long tokenTtl, Instant tokenIssueTime) {
        public Auth {
            policies = policies == null ? List.of() : List.copyOf(policies);
            tokenPolicies = tokenPolicies == null ? List.of() : List.copyOf(tokenPolicies);
            identityPolicies = identityPolicies == null ? List.of() : List.copyOf(identityPolicies);
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }

        public static Auth of(String clientToken, String accessor, String displayName, List<String> policies) {
            return new Auth(clientToken, accessor, displayName, policies, policies, List.of(), Map.of(), null,
                    "service", 0, null);
        }

        @Override
        public String toString() {
            return "Auth[" + displayName + "]";
        }
    }

    /**
     * Who acts: av's additions to Vault's auth block. {@code delegateUser}, {@code delegationId} and
     * {@code consentScopes} are set when an agent acts on behalf of a user; {@code ephemeralAccessor}
     * is the accessor of the ephemeral token used or minted for this request.
     */
    public record Actor(String tokenKind, String agent, String delegateUser, String delegationId,
                        List<String> consentScopes, String ephemeralAccessor) {
        public Actor {
            consentScopes = consentScopes == null ? List.of() : List.copyOf(consentScopes);
        }

        public static Actor agent(String agent) {
            return new Actor("agent", agent, null, null, List.of(), null);
        }
    }

    /** An administrative change (policy, agent, delegation, service, credential, audit device ...). */
    public record AdminAction(String action, String objectType, String target) {
        public AdminAction {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(objectType, "objectType");
        }
    }

    /** Vault's wrap_info of a wrapped response. Token and accessors are hashed by devices. */
    public record WrapInfo(long ttl, String token, String accessor, Instant creationTime, String creationPath,
                           String wrappedAccessor) {
        @Override
        public String toString() {
            return "WrapInfo[" + creationPath + "]";
        }
    }

    /** The auth block of a response that issued a token (login, token create, ephemeral token). */
    public record ResponseAuth(String clientToken, String accessor, String displayName, List<String> policies,
                               long leaseDuration, String tokenType, Map<String, String> metadata) {
        public ResponseAuth {
            policies = policies == null ? List.of() : List.copyOf(policies);
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }

        @Override
        public String toString() {
            return "ResponseAuth[" + displayName + "]";
        }
    }

    /** What fired an alert: N denials for one agent within a window. */
    public record Alert(String rule, String agent, int denials, Duration window) {
    }

    private final Type type;
    private final Instant time;
    private final String requestId;
    private final Auth auth;
    private final Actor actor;
    private final Decision decision;
    private final String operation;
    private final String path;
    private final String mountPoint;
    private final String mountType;
    private final String mountAccessor;
    private final Map<String, Object> requestData;
    private final String remoteAddress;
    private final int remotePort;
    private final long wrapTtl;
    private final Map<String, List<String>> requestHeaders;
    private final List<String> nonHmacRequestKeys;
    private final List<String> nonHmacResponseKeys;
    private final ProxyRequestInfo proxy;
    private final AdminAction admin;
    private final Map<String, Object> responseData;
    private final ResponseAuth responseAuth;
    private final String leaseId;
    private final List<String> warnings;
    private final WrapInfo wrapInfo;
    private final int statusCode;
    private final String error;
    private final Alert alert;

    private AuditEvent(Builder b) {
        this.type = b.type;
        this.time = b.time;
        this.requestId = b.requestId;
        this.auth = b.auth;
        this.actor = b.actor;
        this.decision = b.decision;
        this.operation = b.operation;
        this.path = b.path;
        this.mountPoint = b.mountPoint;
        this.mountType = b.mountType;
        this.mountAccessor = b.mountAccessor;
        this.requestData = b.requestData;
        this.remoteAddress = b.remoteAddress;
        this.remotePort = b.remotePort;
        this.wrapTtl = b.wrapTtl;
        this.requestHeaders = b.requestHeaders;
        this.nonHmacRequestKeys = List.copyOf(b.nonHmacRequestKeys);
        this.nonHmacResponseKeys = List.copyOf(b.nonHmacResponseKeys);
        this.proxy = b.proxy;
        this.admin = b.admin;
        this.responseData = b.responseData;
        this.responseAuth = b.responseAuth;
        this.leaseId = b.leaseId;
        this.warnings = List.copyOf(b.warnings);
        this.wrapInfo = b.wrapInfo;
        this.statusCode = b.statusCode;
        this.error = b.error == null ? "" : b.error;
        this.alert = b.alert;
    }

    public static Builder builder(Type type) {
        return new Builder(type);
    }

    /** A request entry with the given request id. */
    public static Builder request(String requestId) {
        return new Builder(Type.REQUEST).requestId(requestId);
    }

    /** The response entry for this request entry: same auth, actor, decision and request part. */
    public Builder toResponse() {
        Builder b = new Builder(Type.RESPONSE);
        b.time = null;
        b.requestId = requestId;
        b.auth = auth;
        b.actor = actor;
        b.decision = decision;
        b.operation = operation;
        b.path = path;
        b.mountPoint = mountPoint;
        b.mountType = mountType;
        b.mountAccessor = mountAccessor;
        b.requestData = requestData;
        b.remoteAddress = remoteAddress;
        b.remotePort = remotePort;
        b.wrapTtl = wrapTtl;
        b.requestHeaders = requestHeaders;
        b.nonHmacRequestKeys = nonHmacRequestKeys;
        b.nonHmacResponseKeys = nonHmacResponseKeys;
        b.proxy = proxy;
        b.admin = admin;
        b.error = error;
        return b;
    }

    public Type type() { return type; }
    /** Null until a broker stamps it. */
    public Instant time() { return time; }
    public String requestId() { return requestId; }
    public Auth auth() { return auth; }
    public Actor actor() { return actor; }
    public Decision decision() { return decision; }
    public String operation() { return operation; }
    public String path() { return path; }
    public String mountPoint() { return mountPoint; }
    public String mountType() { return mountType; }
    public String mountAccessor() { return mountAccessor; }
    public Map<String, Object> requestData() { return requestData; }
    public String remoteAddress() { return remoteAddress; }
    public int remotePort() { return remotePort; }
    public long wrapTtl() { return wrapTtl; }
    public Map<String, List<String>> requestHeaders() { return requestHeaders; }
    public List<String> nonHmacRequestKeys() { return nonHmacRequestKeys; }
    public List<String> nonHmacResponseKeys() { return nonHmacResponseKeys; }
    public ProxyRequestInfo proxy() { return proxy; }
    public AdminAction admin() { return admin; }
    public Map<String, Object> responseData() { return responseData; }
    public ResponseAuth responseAuth() { return responseAuth; }
    public String leaseId() { return leaseId; }
    public List<String> warnings() { return warnings; }
    public WrapInfo wrapInfo() { return wrapInfo; }
    public int statusCode() { return statusCode; }
    public String error() { return error; }
    public Alert alert() { return alert; }

    /** The agent this event concerns, if any (the acting agent, or the alert's agent). */
    public String agent() {
        if (actor != null && actor.agent() != null) {
            return actor.agent();
        }
        return alert == null ? null : alert.agent();
    }

    /** True when a decision was made and it was a denial. */
    public boolean denied() {
        return decision != null && !decision.allowed();
    }

    AuditEvent stamped(Instant at) {
        if (time != null) {
            return this;
        }
        Builder b = copy();
        b.time = at;
        return b.build();
    }

    private Builder copy() {
        Builder b = toResponse();
        b.type = type;
        b.responseData = responseData;
        b.responseAuth = responseAuth;
        b.leaseId = leaseId;
        b.warnings = warnings;
        b.wrapInfo = wrapInfo;
        b.statusCode = statusCode;
        b.alert = alert;
        b.time = time;
        return b;
    }

    @Override
    public String toString() {
        return "AuditEvent[" + type.wire() + " " + operation + " " + path + "]";
    }

    /** Not thread-safe; build once. */
    public static final class Builder {
        private Type type;
        private Instant time;
        private String requestId;
        private Auth auth;
        private Actor actor;
        private Decision decision;
        private String operation;
        private String path;
        private String mountPoint;
        private String mountType;
        private String mountAccessor;
        private Map<String, Object> requestData;
        private String remoteAddress;
        private int remotePort;
        private long wrapTtl;
        private Map<String, List<String>> requestHeaders;
        private List<String> nonHmacRequestKeys = List.of();
        private List<String> nonHmacResponseKeys = List.of();
        private ProxyRequestInfo proxy;
        private AdminAction admin;
        private Map<String, Object> responseData;
        private ResponseAuth responseAuth;
        private String leaseId;
        private List<String> warnings = List.of();
        private WrapInfo wrapInfo;
        private int statusCode;
        private String error;
        private Alert alert;

        private Builder(Type type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder time(Instant v) { this.time = v; return this; }
        public Builder requestId(String v) { this.requestId = v; return this; }
        public Builder auth(Auth v) { this.auth = v; return this; }
        public Builder actor(Actor v) { this.actor = v; return this; }
        public Builder decision(Decision v) { this.decision = v; return this; }
        /** Vault's operation: create, read, update, patch, delete, list (also used for proxied requests). */
        public Builder operation(String v) { this.operation = v; return this; }
        public Builder path(String v) { this.path = v; return this; }
        public Builder mount(String point, String type, String accessor) {
            this.mountPoint = point;
            this.mountType = type;
            this.mountAccessor = accessor;
            return this;
        }
        public Builder requestData(Map<String, ?> v) { this.requestData = copyTree(v); return this; }
        public Builder remote(String address, int port) { this.remoteAddress = address; this.remotePort = port; return this; }
        public Builder wrapTtl(long seconds) { this.wrapTtl = seconds; return this; }
        public Builder requestHeaders(Map<String, List<String>> v) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            if (v != null) {
                v.forEach((k, vals) -> copy.put(k, vals == null ? List.of() : List.copyOf(vals)));
            }
            this.requestHeaders = copy.isEmpty() ? null : java.util.Collections.unmodifiableMap(copy);
            return this;
        }
        /** Keys of request data left in clear (a mount's {@code audit_non_hmac_request_keys}). */
        public Builder nonHmacRequestKeys(List<String> v) { this.nonHmacRequestKeys = v; return this; }
        public Builder nonHmacResponseKeys(List<String> v) { this.nonHmacResponseKeys = v; return this; }
        public Builder proxy(ProxyRequestInfo v) { this.proxy = v; return this; }
        public Builder admin(AdminAction v) { this.admin = v; return this; }
        public Builder responseData(Map<String, ?> v) { this.responseData = copyTree(v); return this; }
        public Builder responseAuth(ResponseAuth v) { this.responseAuth = v; return this; }
        public Builder leaseId(String v) { this.leaseId = v; return this; }
        public Builder warnings(List<String> v) { this.warnings = v == null ? List.of() : v; return this; }
        public Builder wrapInfo(WrapInfo v) { this.wrapInfo = v; return this; }
        public Builder statusCode(int v) { this.statusCode = v; return this; }
        /** The error shown to the caller (never a secret), e.g. {@code permission denied}. */
        public Builder error(String v) { this.error = v; return this; }
        public Builder alert(Alert v) { this.alert = v; return this; }

        public AuditEvent build() {
            return new AuditEvent(this);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyTree(Map<String, ?> in) {
        if (in == null) {
            return null;
        }
        return (Map<String, Object>) copyValue(in);
    }

    private static Object copyValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), copyValue(val)));
            return java.util.Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(copyValue(x)));
            return java.util.Collections.unmodifiableList(out);
        }
        if (v instanceof Object[] arr) {
            return copyValue(java.util.Arrays.asList(arr));
        }
        return v;
    }
}
