package dev.av.secrets.kv;

import java.time.Instant;

/**
 * What is known about one version of a secret without opening it.
 *
 * @param deletionTime when the version is (or will be) soft-deleted; null when not scheduled
 */
public record VersionInfo(long version, Instant createdTime, Instant deletionTime, boolean destroyed) {

    /** Soft-deleted at {@code now}: the deletion time has passed (Vault compares with "before now"). */
    public boolean deletedAt(Instant now) {
        return deletionTime != null && !deletionTime.isAfter(now);
    }

    /** Readable at {@code now}: neither deleted nor destroyed. */
    public boolean liveAt(Instant now) {
        return !destroyed && !deletedAt(now);
    }
}
