package dev.av.registry.token;

/**
 * Told about every token that stops existing: explicit revocation, tree revocation of its parent,
 * expiry and use-up. Leases and sessions register one so they die with their token. Called after the
 * token rows are gone, on the revoking thread; an exception is logged and does not stop the others.
 */
@FunctionalInterface
public interface TokenRevocationListener {
    void revoked(TokenEntry entry);
}
