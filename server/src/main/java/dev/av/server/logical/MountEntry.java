package dev.av.server.logical;

import java.time.Instant;
import java.util.Map;

/**
 * One row of the mount table ({@code sys/mounts}).
 *
 * @param path        with a trailing slash, e.g. {@code secret/}
 * @param type        the {@link BackendFactory#type()} that serves it, e.g. {@code kv}
 * @param accessor    e.g. {@code kv_1a2b3c4d}
 * @param uuid        stable id: storage belonging to the mount should be keyed by it, not by path
 * @param options     engine options, e.g. {@code version=2}
 * @param config      {@code default_lease_ttl}, {@code max_lease_ttl} (seconds) and other tunables
 */
public record MountEntry(String path, String type, String description, String accessor, String uuid,
                         Map<String, String> options, Map<String, Object> config, Instant createdAt) {

    public MountEntry {
        options = options == null ? Map.of() : Map.copyOf(options);
        config = config == null ? Map.of() : Map.copyOf(config);
        description = description == null ? "" : description;
    }
}
