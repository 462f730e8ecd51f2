package dev.av.policy;

import dev.av.policy.acl.AclDecision;
import dev.av.policy.cedar.CedarDecision;
import java.util.List;

/**
 * The engine's decision: the ACL's, narrowed by Cedar.
 *
 * @param allowed allowed by the ACL and by Cedar
 * @param acl     the ACL decision (always present)
 * @param cedar   Cedar's decision, or null when the ACL already denied (Cedar is then not asked)
 * @param reason  why it is denied (null when allowed)
 */
public record PolicyDecision(boolean allowed, AclDecision acl, CedarDecision cedar, String reason) {

    /** The Cedar policies that forbade the request (empty unless Cedar denied it). */
    public List<String> forbiddenBy() {
        return cedar != null && !cedar.allowed() ? cedar.policyIds() : List.of();
    }

    /** True when the ACL allowed the request and Cedar refused it. */
    public boolean deniedByCedar() {
        return acl.allowed() && cedar != null && !cedar.allowed();
    }
}
