package dev.av.secrets.kv;

import java.time.Duration;

/**
 * A mount's {@code config}: defaults for every secret. {@code maxVersions} 0 means Vault's default
 * of {@value #DEFAULT_MAX_VERSIONS}; a zero {@code deleteVersionAfter} means versions never expire.
 */
public record KvConfig(int maxVersions, boolean casRequired, Duration deleteVersionAfter) {

    public static final int DEFAULT_MAX_VERSIONS = 10;

    public static final KvConfig DEFAULT = new KvConfig(0, false, Duration.ZERO);
}
