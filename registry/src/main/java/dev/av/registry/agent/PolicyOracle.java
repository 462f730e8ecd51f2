package dev.av.registry.agent;

import java.util.List;

/**
 * What the registry needs from the policy engine: ACL answers for named (stored) policies and for
 * inline policy bodies (consent scopes). Implementations are thread-safe and cache compiled policies,
 * because the per-use checks call them on every request.
 */
public interface PolicyOracle {

    /** Whether the named stored ACL policies, taken together as one token's policies, grant {@code capability} on {@code path}. */
    boolean allows(List<String> policies, String path, String capability);

    /** Whether an ACL policy body grants {@code capability} on {@code path}. The body was validated before. */
    boolean bodyAllows(String policyBody, String path, String capability);

    /** Parses a policy body; throws {@code AvException} (bad request) naming the problem. */
    void validateBody(String policyBody);
}
