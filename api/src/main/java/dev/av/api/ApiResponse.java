package dev.av.api;

import java.util.List;
import java.util.Map;

/**
 * One answer from av's API. {@link #body()} is the parsed JSON (Vault's envelope
 * {@code request_id, lease_id, renewable, lease_duration, data, wrap_info, warnings, auth}), or
 * {@code null} for an empty body (204).
 */
public record ApiResponse(int status, Map<String, List<String>> headers, Object body) {

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The body as an object, or an empty map when the body is empty or not an object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> envelope() {
        return body instanceof Map ? (Map<String, Object>) body : Map.of();
    }

    /** The envelope's {@code data} block, or {@code null}. */
    public Map<String, Object> data() {
        return mapField(envelope(), "data");
    }

    /** The envelope's {@code auth} block (token creation and login), or {@code null}. */
    public Map<String, Object> auth() {
        return mapField(envelope(), "auth");
    }

    /** The envelope's {@code wrap_info} block, or {@code null}. */
    public Map<String, Object> wrapInfo() {
        return mapField(envelope(), "wrap_info");
    }

    /** The envelope's warnings (never null). */
    public List<String> warnings() {
        return stringList(envelope().get("warnings"));
    }

    /** Vault's {@code errors} list (never null). */
    public List<String> errors() {
        return stringList(envelope().get("errors"));
    }

    public String leaseId() {
        Object v = envelope().get("lease_id");
        return v == null ? "" : v.toString();
    }

    public long leaseDuration() {
        return envelope().get("lease_duration") instanceof Number n ? n.longValue() : 0;
    }

    public boolean renewable() {
        return Boolean.TRUE.equals(envelope().get("renewable"));
    }

    /** {@code auth.client_token}, or {@code null}. */
    public String clientToken() {
        Map<String, Object> auth = auth();
        return auth == null || auth.get("client_token") == null ? null : auth.get("client_token").toString();
    }

    /** The first value of a response header (case-insensitive name), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Throws {@link ApiException} unless the status is 2xx; returns this otherwise. */
    public ApiResponse orThrow() {
        if (!isSuccess()) {
            throw new ApiException(status, errors());
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> mapField(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Map ? (Map<String, Object>) v : null;
    }

    static List<String> stringList(Object v) {
        if (!(v instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().map(String::valueOf).toList();
    }
}
