package dev.av.secrets;

import java.util.Map;
import java.util.Objects;

/**
 * One request to a secret engine.
 *
 * @param operation   what the caller does
 * @param path        the path relative to the mount, without a leading slash ({@code creds/ro})
 * @param data        the request body (or query parameters for a read); never null
 * @param owner       the id of the token (or {@code av run} session token) on whose behalf the
 *                    request runs; leases created by the request are revoked when it is revoked.
 *                    Null for internal callers.
 * @param displayName the caller's display name, used in generated user names; may be empty
 */
public record EngineRequest(Operation operation, String path, Map<String, Object> data, String owner,
                            String displayName) {

    public EngineRequest {
        Objects.requireNonNull(operation, "operation");
        path = path == null ? "" : strip(path);
        data = data == null ? Map.of() : data;
        displayName = displayName == null ? "" : displayName;
    }

    public static EngineRequest of(Operation operation, String path, Map<String, Object> data, String owner) {
        return new EngineRequest(operation, path, data, owner, "");
    }

    private static String strip(String p) {
        String s = p;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s;
    }
}
