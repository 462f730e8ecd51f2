package dev.av.proxy;

/** What the {@link AccessPolicy} decided; a denial carries its reason and what the agent could ask for. */
public sealed interface AccessDecision {

    record Allow() implements AccessDecision {
    }

    /** {@code suggestion} may be null; the proxy then suggests the missing capability on the policy path. */
    record Deny(String reason, String suggestion) implements AccessDecision {
    }

    static AccessDecision allow() {
        return new Allow();
    }

    static AccessDecision deny(String reason, String suggestion) {
        return new Deny(reason, suggestion);
    }
}
