package dev.av.policy.cedar;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What Cedar is asked: who, which action (an ACL capability word), which path, and the context.
 *
 * @param principal     the caller
 * @param action        the capability the operation needs ({@code read}, {@code update}, ...)
 * @param operation     the logical operation ({@code revoke} needs {@code update}, ...)
 * @param path          the request path (for proxied requests {@code proxy/<host>/<path>})
 * @param time          the request time
 * @param remoteAddress the client's IP address, or null
 * @param delegate      the user an agent acts for (OBO), or null
 * @param scopes        the consent scopes of the delegation (empty when none)
 * @param httpMethod    the upstream HTTP method for proxied requests, or null
 * @param host          the upstream host for proxied requests, or null
 */
public record CedarRequest(Principal principal, String action, String operation, String path, Instant time,
                           String remoteAddress, String delegate, Set<String> scopes, String httpMethod, String host) {

    public CedarRequest {
        if (principal == null || action == null || path == null || time == null) {
            throw new IllegalArgumentException("principal, action, path and time are required");
        }
        operation = operation == null ? action : operation;
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    }

    /** True for requests that came through the proxy. */
    public boolean proxied() {
        return host != null;
    }

    /** The caller as a Cedar entity. */
    public record Principal(Kind kind, String name, String agentType, Map<String, String> metadata, Set<String> groups) {
        public Principal {
            if (kind == null || name == null) {
                throw new IllegalArgumentException("principal kind and name are required");
            }
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
            groups = groups == null ? Set.of() : Set.copyOf(groups);
        }

        public static Principal agent(String name, String agentType, Map<String, String> metadata) {
            return new Principal(Kind.AGENT, name, agentType, metadata, Set.of());
        }

        public static Principal user(String name) {
            return new Principal(Kind.USER, name, null, Map.of(), Set.of());
        }

        public static Principal token(String accessor) {
            return new Principal(Kind.TOKEN, accessor, null, Map.of(), Set.of());
        }

        public Principal withGroups(Set<String> names) {
            return new Principal(kind, name, agentType, metadata, names);
        }
    }

    /** The Cedar entity type of a principal. */
    public enum Kind {
        AGENT("Agent"), USER("User"), TOKEN("Token");

        private final String type;

        Kind(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }
    }
}
