package dev.av.proxy;

/** What the {@link AccessPolicy} decided; a denial carries its reason and what the agent could ask for. */
public sealed interface AccessDecision {

    /** {@code grantingPolicies}: the policies that allowed it, for the audit entry (may be empty). */
    record Allow(java.util.List<String> grantingPolicies) implements AccessDecision {
        public Allow {
            grantingPolicies = grantingPolicies == null ? java.util.List.of() : java.util.List.copyOf(grantingPolicies);
        }
    }

    /** {@code suggestion} may be null; the proxy then suggests the missing capability on the policy path. */
    record Deny(String reason, String suggestion) implements AccessDecision {
    }

    static AccessDecision allow() {
        return new Allow(java.util.List.of());
    }

    static AccessDecision allow(java.util.List<String> grantingPolicies) {
        return new Allow(grantingPolicies);
    }

    static AccessDecision deny(String reason, String suggestion) {
        return new Deny(reason, suggestion);
    }
}
