package dev.av.secrets.kv;

import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A change to a secret's metadata; a null field is left as it is. {@code customMetadata} maps the
 * current custom metadata (null when never set) to the new one, so replace and merge-patch both
 * happen under the secret's lock.
 */
public record MetadataUpdate(
        Integer maxVersions,
        Boolean casRequired,
        Duration deleteVersionAfter,
        UnaryOperator<Map<String, String>> customMetadata) {
}
