package dev.av.server.auth;

import dev.av.core.AvException;
import dev.av.policy.acl.Acl;
import dev.av.policy.acl.AclDecision;
import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.AclRequest;
import dev.av.policy.acl.PolicyException;
import dev.av.server.logical.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link AclEngine} over the policy module's compiled Vault ACL ({@code dev.av.policy.acl.Acl}). */
public final class PolicyModuleAclEngine implements AclEngine {

    @Override
    public Compiled compile(Map<String, String> policies) {
        List<AclPolicy> parsed = new ArrayList<>();
        for (Map.Entry<String, String> e : policies.entrySet()) {
            if (e.getKey().equals(AclPolicy.ROOT)) {
                parsed.add(AclPolicy.root());
            } else {
                try {
                    parsed.add(AclPolicy.parse(e.getKey(), e.getValue()));
                } catch (PolicyException ex) {
                    // a stored policy that no longer parses grants nothing (fail closed)
                }
            }
        }
        Acl acl;
        try {
            acl = Acl.compile(parsed);
        } catch (PolicyException ex) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED, "permission denied", null);
        }
        return new Compiled() {
            @Override
            public Set<String> capabilities(String path) {
                return new LinkedHashSet<>(acl.capabilities(path));
            }

            @Override
            public Evaluation evaluate(String path, Operation op, Map<String, Object> data) {
                return evaluate(path, op, data, 0, false);
            }

            @Override
            public Evaluation evaluate(String path, Operation op, Map<String, Object> data, long wrapTtlSeconds,
                                       boolean rootProtected) {
                AclRequest req = new AclRequest(dev.av.policy.acl.Operation.valueOf(op.name()), path, data,
                        wrapTtlSeconds > 0 ? Duration.ofSeconds(wrapTtlSeconds) : null, rootProtected);
                AclDecision d = acl.evaluate(req);
                Set<String> caps = new LinkedHashSet<>();
                if (d.isRoot()) {
                    caps.add("root");
                } else if (d.rootPrivs()) {
                    caps.add("sudo");
                }
                return new Evaluation(d.allowed(), caps, d.grantingPolicyNames(),
                        d.allowed() ? null : d.reason() + (d.detail() == null ? "" : ": " + d.detail()));
            }
        };
    }

    @Override
    public void validate(String name, String text) {
        try {
            AclPolicy.parse(name, text);
        } catch (PolicyException e) {
            throw e.toAvException();
        }
    }
}
