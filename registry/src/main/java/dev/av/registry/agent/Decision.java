package dev.av.registry.agent;

/** The outcome of a registry check; a denial carries a reason the caller may see (never a secret). */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

    Allow ALLOW = new Allow();

    record Allow() implements Decision {
    }

    record Deny(String reason) implements Decision {
    }

    static Decision deny(String reason) {
        return new Deny(reason);
    }

    default boolean allowed() {
        return this instanceof Allow;
    }
}
