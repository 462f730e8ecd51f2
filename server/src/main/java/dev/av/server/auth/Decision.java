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
 * @param forbiddingCedarPolicies the Cedar policies that forbade an ACL-allowed request (for audit)
 */
public record Decision(boolean allowed, Set<String> capabilities, List<String> grantingPolicies, String reason,
                       List<String> forbiddingCedarPolicies) {

    public Decision {
        capabilities = Set.copyOf(capabilities);
        grantingPolicies = List.copyOf(grantingPolicies);
        forbiddingCedarPolicies = List.copyOf(forbiddingCedarPolicies);
    }

    public Decision(boolean allowed, Set<String> capabilities, List<String> grantingPolicies, String reason) {
        this(allowed, capabilities, grantingPolicies, reason, List.of());
    }

    public static Decision deny(String reason, Set<String> capabilities) {
        return new Decision(false, capabilities, List.of(), reason);
    }

    /** Cedar refused what the ACL allowed; the ACL's granting policies stay on record. */
    public static Decision forbiddenByCedar(String reason, Set<String> capabilities, List<String> grantingPolicies,
                                            List<String> forbiddingCedarPolicies) {
        return new Decision(false, capabilities, grantingPolicies, reason, forbiddingCedarPolicies);
    }

    public boolean hasSudo() {
        return capabilities.contains("sudo") || capabilities.contains("root");
    }
}
