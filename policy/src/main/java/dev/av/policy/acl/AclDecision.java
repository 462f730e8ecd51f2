package dev.av.policy.acl;

import java.util.List;

/**
 * An ACL decision (Vault's ACLResults plus the reason for a deny).
 *
 * @param allowed          the operation is allowed (including the sudo check for root-protected paths)
 * @param rootPrivs        the matched rule grants sudo (returned even when denied, as Vault does)
 * @param isRoot           the token holds the root policy
 * @param grantingPolicies the policies that granted the needed capability, in policy order
 * @param mfaMethods       the matched rule's MFA methods (also when denied)
 * @param controlGroup     the matched rule's control group, or null (also when denied)
 * @param matchedPattern   the stored pattern of the matched rule ({@code *} suffix for globs), or null
 * @param reason           why the request is denied; null when allowed
 * @param detail           a human-readable explanation of {@code reason}; null when allowed
 */
public record AclDecision(boolean allowed, boolean rootPrivs, boolean isRoot, List<PolicyRef> grantingPolicies,
                          List<String> mfaMethods, ControlGroup controlGroup, String matchedPattern,
                          Reason reason, String detail) {

    /** Why an ACL refused a request. */
    public enum Reason {
        /** No rule matches the path: deny by default. */
        NO_MATCHING_RULE,
        /** The matching rule is a deny. */
        EXPLICIT_DENY,
        /** The matching rule does not grant the capability the operation needs. */
        MISSING_CAPABILITY,
        /** The operation is not one an ACL can grant. */
        UNSUPPORTED_OPERATION,
        /** The requested wrapping TTL is missing or outside min/max_wrapping_ttl. */
        WRAPPING_TTL,
        /** A required parameter is missing. */
        REQUIRED_PARAMETER,
        /** A parameter (or value) is denied. */
        DENIED_PARAMETER,
        /** A parameter (or value) is not in the allowed list. */
        PARAMETER_NOT_ALLOWED,
        /** The path is root-protected and the rule does not grant sudo. */
        SUDO_REQUIRED
    }

    public AclDecision {
        grantingPolicies = grantingPolicies == null ? List.of() : List.copyOf(grantingPolicies);
        mfaMethods = mfaMethods == null ? List.of() : List.copyOf(mfaMethods);
    }

    /** The names of the granting policies, in order. */
    public List<String> grantingPolicyNames() {
        return grantingPolicies.stream().map(PolicyRef::name).toList();
    }
}
