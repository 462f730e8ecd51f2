package dev.av.policy;

import dev.av.policy.acl.Acl;
import dev.av.policy.acl.AclDecision;
import dev.av.policy.acl.AclRequest;
import dev.av.policy.acl.Operation;
import dev.av.policy.cedar.Cedar;
import dev.av.policy.cedar.CedarDecision;
import dev.av.policy.cedar.CedarPolicySet;
import dev.av.policy.cedar.CedarRequest;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides requests: the Vault ACL first, then Cedar, which can only narrow. Cedar is not asked when
 * the ACL denies, for {@code help}, or when the Cedar set only permits everything (the fresh
 * install). Thread-safe; {@link #replaceCedar} swaps the Cedar set atomically after a policy write.
 */
public final class PolicyEngine {

    private final AtomicReference<CedarPolicySet> cedar;

    /** Loads cedar-java's native library now, so that a broken install fails at start-up. */
    public PolicyEngine(CedarPolicySet cedar) {
        Cedar.ensureLoaded();
        this.cedar = new AtomicReference<>(Objects.requireNonNull(cedar, "cedar"));
    }

    /** An engine with the fresh-install Cedar set. */
    public static PolicyEngine withDefaultCedar() {
        return new PolicyEngine(CedarPolicySet.defaultSet());
    }

    public CedarPolicySet cedar() {
        return cedar.get();
    }

    public void replaceCedar(CedarPolicySet set) {
        cedar.set(Objects.requireNonNull(set, "set"));
    }

    /**
     * Decides a request.
     *
     * @param acl      the token's compiled ACL (or an {@link OboAuthority}'s decision via {@link #decide(AclDecision, AclRequest, CedarRequest)})
     * @param request  the ACL request
     * @param context  the Cedar request; its action and path are taken from {@code request}
     */
    public PolicyDecision decide(Acl acl, AclRequest request, CedarRequest context) {
        return decide(acl.evaluate(request), request, context);
    }

    /** Composes an ACL decision already made (e.g. an OBO intersection) with Cedar. */
    public PolicyDecision decide(AclDecision aclDecision, AclRequest request, CedarRequest context) {
        if (!aclDecision.allowed()) {
            return new PolicyDecision(false, aclDecision, null,
                    aclDecision.detail() == null ? "permission denied" : aclDecision.detail());
        }
        if (request.operation() == Operation.HELP || context == null) {
            return new PolicyDecision(true, aclDecision, null, null);
        }
        CedarRequest req = new CedarRequest(context.principal(), request.operation().needs().word(),
                request.operation().word(), stripSlashes(request.path()), context.time(), context.remoteAddress(),
                context.delegate(), context.scopes(), context.httpMethod(), context.host());
        CedarDecision d = cedar.get().authorize(req);
        if (d.allowed()) {
            return new PolicyDecision(true, aclDecision, d, null);
        }
        String reason = !d.policyIds().isEmpty() ? "forbidden by Cedar policy " + String.join(", ", d.policyIds())
                : !d.errors().isEmpty() ? String.join("; ", d.errors())
                : "no Cedar policy permits the request";
        return new PolicyDecision(false, aclDecision, d, reason);
    }

    private static String stripSlashes(String path) {
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return path.substring(i);
    }
}
