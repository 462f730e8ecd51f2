package dev.av.registry.agent;

import java.time.Instant;
import java.util.List;

/** A human an agent may act for (a delegate). {@code oidcSubject} is null when not set. */
public record RegistryUser(
        String name,
        String displayName,
        String email,
        String oidcSubject,
        List<String> policies,
        Instant createdAt,
        Instant updatedAt) {

    public RegistryUser {
        policies = List.copyOf(policies);
    }
}
