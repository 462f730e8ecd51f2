package dev.av.secrets;

import dev.av.secrets.lease.Lease;
import java.util.List;
import java.util.Map;

/**
 * An engine's answer. {@code data == null} means "no content" (HTTP 204). A non-null {@code lease}
 * is rendered in Vault's envelope as {@code lease_id}, {@code lease_duration} and {@code renewable}.
 */
public record EngineResponse(Map<String, Object> data, Lease lease, List<String> warnings) {

    public EngineResponse {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public static EngineResponse of(Map<String, Object> data) {
        return new EngineResponse(data, null, List.of());
    }

    public static EngineResponse noContent() {
        return new EngineResponse(null, null, List.of());
    }

    public static EngineResponse leased(Map<String, Object> data, Lease lease) {
        return new EngineResponse(data, lease, List.of());
    }
}
