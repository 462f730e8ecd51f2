package dev.av.registry.agent;

import java.time.Instant;

/** A consent scope: what a human is shown ({@code description}) and what it grants (an ACL policy body). */
public record Scope(String name, String description, String policy, Instant createdAt, Instant updatedAt) {
}
