package dev.av.proxy.internal;

import dev.av.proxy.CredentialSource;
import dev.av.proxy.ProxyPrincipal;
import dev.av.proxy.SecretData;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caches credential reads per subject and secret path until the read's TTL (its lease) or, when it
 * has none, {@code defaultTtl} ends, whichever is sooner. Keyed by subject so one agent's read never
 * serves another. Thread-safe; concurrent misses for one key may each read (reads are idempotent).
 */
public final class CredentialCache {

    private static final int MAX_ENTRIES = 10_000;

    private record Key(String subject, String path) {
    }

    private record Entry(SecretData data, Instant expires) {
    }

    private final CredentialSource source;
    private final InstantSource clock;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    public CredentialCache(CredentialSource source, InstantSource clock) {
        this.source = source;
        this.clock = clock;
    }

    public SecretData read(ProxyPrincipal principal, String path, Duration defaultTtl) {
        Key key = new Key(principal.subject(), path);
        Instant now = clock.instant();
        Entry e = entries.get(key);
        if (e != null && now.isBefore(e.expires())) {
            return e.data();
        }
        SecretData data = source.read(principal, path);
        Duration ttl = data.ttl() == null || data.ttl().isZero() || data.ttl().compareTo(defaultTtl) > 0 ? defaultTtl : data.ttl();
        if (!ttl.isZero() && !ttl.isNegative()) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry(data, now.plus(ttl)));
        }
        return data;
    }

    /** The cached read of {@code path} for the principal while it is fresh, else null; never reads the source. */
    public SecretData cached(ProxyPrincipal principal, String path) {
        Entry e = entries.get(new Key(principal.subject(), path));
        return e != null && clock.instant().isBefore(e.expires()) ? e.data() : null;
    }

    /** Drops everything cached for {@code subject} (e.g. when its access changes). */
    public void invalidate(String subject) {
        entries.keySet().removeIf(k -> k.subject().equals(subject));
    }

    public void invalidateAll() {
        entries.clear();
    }
}
