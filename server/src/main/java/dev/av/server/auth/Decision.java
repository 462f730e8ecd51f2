package dev.av.server.auth;

import java.util.List;
import java.util.Set;

/**
 * The outcome of authorizing one request.
 *
 * @param allowed           whether the request may proceed
 * @param capabilities      the capabilities the token holds on the path (ACL), e.g. {@code [read, list]}
 * @param grantingPolicies  the ACL policies that granted the operation (for audit {@code policy_results})
 * @param reason            why it was denied (not shown to callers beyond "permission denied"); null when allowed
 */
public record Decision(boolean allowed, Set<String> capabilities, List<String> grantingPolicies, String reason) {

    public Decision {
        capabilities = Set.copyOf(capabilities);
        grantingPolicies = List.copyOf(grantingPolicies);
    }

    public static Decision deny(String reason, Set<String> capabilities) {
        return new Decision(false, capabilities, List.of(), reason);
    }

    public boolean hasSudo() {
        return capabilities.contains("sudo") || capabilities.contains("root");
    }
}
