package dev.av.policy.acl;

import java.time.Duration;
import java.util.Map;

/**
 * What an ACL decision is asked about.
 *
 * @param operation     the logical operation (the HTTP layer maps LIST / GET ?list=true to
 *                      {@link Operation#LIST} and appends the trailing '/')
 * @param path          the request path without {@code /v1/}
 * @param data          the request's top-level data (may be empty, never null)
 * @param wrapTtl       the requested response-wrapping TTL, or null when none is requested
 * @param rootProtected true when the path is root-protected (sudo) for this operation; the
 *                      decision then also needs {@code sudo} (help is exempt)
 */
public record AclRequest(Operation operation, String path, Map<String, Object> data, Duration wrapTtl,
                         boolean rootProtected) {

    public AclRequest {
        if (operation == null || path == null) {
            throw new IllegalArgumentException("operation and path are required");
        }
        data = data == null ? Map.of() : data;
        if (wrapTtl != null && wrapTtl.isZero()) {
            wrapTtl = null;
        }
    }

    public static AclRequest of(Operation operation, String path) {
        return new AclRequest(operation, path, Map.of(), null, false);
    }

    public static AclRequest of(Operation operation, String path, Map<String, Object> data) {
        return new AclRequest(operation, path, data, null, false);
    }

    public AclRequest withWrapTtl(Duration ttl) {
        return new AclRequest(operation, path, data, ttl, rootProtected);
    }

    public AclRequest withRootProtected(boolean value) {
        return new AclRequest(operation, path, data, wrapTtl, value);
    }
}
