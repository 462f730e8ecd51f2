package dev.av.policy.cedar;

import java.util.List;

/**
 * Cedar's answer.
 *
 * @param allowed     Cedar permits the request
 * @param evaluated   false when the native call was skipped (the policy set only permits everything)
 * @param policyIds   the policies that determined the decision: the forbidding ones on a deny
 *                    (empty when nothing permitted), the permitting ones on an allow
 * @param errors      evaluation errors (a policy with an error is ignored by Cedar; a failed call denies)
 */
public record CedarDecision(boolean allowed, boolean evaluated, List<String> policyIds, List<String> errors) {

    public CedarDecision {
        policyIds = List.copyOf(policyIds);
        errors = List.copyOf(errors);
    }

    static final CedarDecision SKIPPED = new CedarDecision(true, false, List.of(), List.of());
}
