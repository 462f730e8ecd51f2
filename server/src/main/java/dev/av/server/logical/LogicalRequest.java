package dev.av.server.logical;

import dev.av.core.Secret;
import dev.av.registry.token.TokenEntry;
import java.util.List;
import java.util.Map;

/**
 * One API request as a backend sees it (Vault's {@code logical.Request}).
 *
 * @param id            the request id (also returned as {@code request_id})
 * @param operation     what is asked
 * @param path          the full API path without {@code /v1/}, e.g. {@code secret/data/app}
 * @param mountPoint    the mount or routed prefix that answers, with a trailing slash, e.g. {@code secret/}
 * @param relativePath  {@link #path} relative to {@link #mountPoint}, e.g. {@code data/app} ("" for the mount itself)
 * @param data          the JSON body (POST/PUT/PATCH), or the query parameters for GET/LIST/DELETE
 *                      (single values as strings, repeated ones as a list); never null
 * @param token         the authenticated token; null on unauthenticated paths
 * @param clientToken   the token string as sent (for audit HMACs and {@code lookup-self}); null when none
 * @param remoteAddress the client's IP address
 * @param headers       request headers, lower-case names
 * @param wrapTtlSeconds requested response-wrapping TTL ({@code X-Vault-Wrap-TTL}); 0 = none
 */
public record LogicalRequest(
        String id,
        Operation operation,
        String path,
        String mountPoint,
        String relativePath,
        Map<String, Object> data,
        TokenEntry token,
        Secret clientToken,
        String remoteAddress,
        Map<String, List<String>> headers,
        long wrapTtlSeconds) {

    public LogicalRequest {
        data = data == null ? Map.of() : data;
        headers = headers == null ? Map.of() : headers;
    }

    /** The first value of a header (lower-case name), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The same request for another operation (e.g. a backend re-checking as READ). */
    public LogicalRequest withOperation(Operation op) {
        return new LogicalRequest(id, op, path, mountPoint, relativePath, data, token, clientToken, remoteAddress,
                headers, wrapTtlSeconds);
    }

    /** The same request re-routed: used by the router once it knows the mount. */
    public LogicalRequest withMount(String newMountPoint, String newRelativePath) {
        return new LogicalRequest(id, operation, path, newMountPoint, newRelativePath, data, token, clientToken,
                remoteAddress, headers, wrapTtlSeconds);
    }

    @Override
    public String toString() {
        // data and clientToken may hold secrets: never printed
        return "LogicalRequest[" + id + " " + operation + " " + path + " from " + remoteAddress + "]";
    }
}
