package dev.av.server.logical;

/**
 * A logical backend (Vault's term): answers requests under one mount point or routed prefix. Paths
 * it sees are relative to the mount. It throws {@link dev.av.core.AvException} for errors; the HTTP
 * layer renders {@code {"errors":[...]}} with the kind's status.
 *
 * <p>By the time {@link #handle} runs, the request has been authenticated, authorized by the ACL
 * (and Cedar, and every {@link dev.av.server.auth.RequestGuard}) for {@code request.path()} and the
 * operation, and audited. A backend must not trust anything else about the caller.
 */
public interface Backend {

    LogicalResponse handle(LogicalRequest request);

    /**
     * Vault's existence check, deciding whether a POST/PUT is a CREATE (target absent: false) or an
     * UPDATE (present: true). Return null when the backend does not distinguish; then the operation
     * is UPDATE, as in Vault.
     */
    default Boolean exists(LogicalRequest request) {
        return null;
    }

    /** Paths (relative) that need no token at all, like Vault's {@code PathsSpecial.Unauthenticated}. */
    default boolean isUnauthenticated(String relativePath, Operation operation) {
        return false;
    }

    /** Paths (relative) that also need the {@code sudo} capability, like Vault's {@code PathsSpecial.Root}. */
    default boolean isRootProtected(String relativePath, Operation operation) {
        return false;
    }
}
