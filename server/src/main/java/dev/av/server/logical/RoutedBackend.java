package dev.av.server.logical;

/**
 * A backend at a fixed path prefix, registered as a Micronaut bean (e.g. {@code sys/audit/},
 * {@code sys/leases/}, {@code agent-registry/}, {@code proxy/}). The router picks the longest prefix
 * among routed backends and the mount table; {@code sys/} itself belongs to the server.
 */
public interface RoutedBackend extends Backend {

    /** The prefix with a trailing slash, e.g. {@code "sys/audit/"}; a request to the prefix without the slash also matches. */
    String prefix();

    /** The {@code mount_type} shown in responses and audit entries. */
    default String type() {
        return "system";
    }
}
