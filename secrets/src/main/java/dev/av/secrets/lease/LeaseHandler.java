package dev.av.secrets.lease;

import java.time.Instant;

/**
 * What an engine does when one of its leases is renewed or revoked. Both calls must be idempotent:
 * after a crash a revocation may run twice.
 */
public interface LeaseHandler {

    /**
     * Extends the secret behind {@code lease} to {@code requested}. Returns the expiry actually
     * granted, which may be earlier (an upstream may cap it).
     */
    Instant renew(Lease lease, Instant requested);

    /** Destroys the secret behind {@code lease}. Throws when the backend could not be reached. */
    void revoke(Lease lease);
}
