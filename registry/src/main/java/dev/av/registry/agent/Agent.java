package dev.av.registry.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A non-human identity. Immutable; {@link AgentStore} returns fresh copies.
 *
 * @param policies  ACL policies attached to the agent, in attach order
 * @param delegates the registry users the agent may act for
 */
public record Agent(
        String name,
        String type,
        String description,
        Map<String, String> metadata,
        Status status,
        List<String> policies,
        List<String> delegates,
        EphemeralSettings ephemeral,
        Instant createdAt,
        Instant updatedAt) {

    public enum Status {
        ACTIVE, DISABLED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status parse(String raw) {
            return switch (raw == null ? "" : raw.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "active" -> ACTIVE;
                case "disabled" -> DISABLED;
                default -> throw dev.av.core.AvException.badRequest(
                        "invalid status \"" + raw + "\": must be \"active\" or \"disabled\"");
            };
        }
    }

    public Agent {
        metadata = Map.copyOf(metadata);
        policies = List.copyOf(policies);
        delegates = List.copyOf(delegates);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
