package dev.av.secrets.kv;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * The metadata of one secret path: its settings and the versions still kept. The settings are the
 * per-secret overrides (0 / false / zero = use the mount's config).
 *
 * @param customMetadata null when never set (Vault answers {@code null})
 */
public record SecretMetadata(
        String path,
        long currentVersion,
        long oldestVersion,
        int maxVersions,
        boolean casRequired,
        Duration deleteVersionAfter,
        Map<String, String> customMetadata,
        Instant createdTime,
        Instant updatedTime,
        SortedMap<Long, VersionInfo> versions) {
}
