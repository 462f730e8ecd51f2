package dev.av.proxy;

import dev.av.core.Secret;
import java.time.Duration;
import java.util.Map;

/**
 * The fields of one secret read (e.g. {@code token} of a KV entry, or {@code username} and
 * {@code password} of one dynamic lease) and how long they may be cached ({@code ttl}, zero when
 * the source gives no lease; the proxy then caches for its short default).
 */
public record SecretData(Map<String, Secret> fields, Duration ttl) {

    public SecretData {
        fields = Map.copyOf(fields);
    }

    @Override
    public String toString() {
        return "SecretData[fields=" + fields.keySet() + ", ttl=" + ttl + "]";
    }
}
