package dev.av.registry.agent;

import dev.av.policy.acl.Acl;
import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.AclRequest;
import dev.av.policy.acl.Operation;
import dev.av.policy.acl.PolicyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The registry's questions answered by the policy module's ACL engine (Vault semantics). Named
 * policies are read through {@code policyText} (the server's policy store); compiled ACLs are
 * cached per policy list and per scope body, and {@link #invalidate()} drops them when a policy
 * changes. Thread-safe.
 */
public final class AclPolicyOracle implements PolicyOracle {

    private static final int CACHE_LIMIT = 10_000;

    private final Function<String, Optional<String>> policyText;
    private final Map<List<String>, Acl> byNames = new ConcurrentHashMap<>();
    private final Map<String, Acl> byBody = new ConcurrentHashMap<>();

    public AclPolicyOracle(Function<String, Optional<String>> policyText) {
        this.policyText = policyText;
    }

    /** Forgets compiled named policies; call whenever a stored policy is written or deleted. */
    public void invalidate() {
        byNames.clear();
    }

    @Override
    public boolean allows(List<String> policies, String path, String capability) {
        if (policies.contains(AclPolicy.ROOT)) {
            return true;
        }
        Acl acl = byNames.get(policies);
        if (acl == null) {
            acl = compileNamed(policies);
            if (byNames.size() >= CACHE_LIMIT) {
                byNames.clear();
            }
            byNames.put(List.copyOf(policies), acl);
        }
        return decide(acl, path, capability);
    }

    @Override
    public boolean bodyAllows(String policyBody, String path, String capability) {
        Acl acl = byBody.get(policyBody);
        if (acl == null) {
            acl = Acl.compile(List.of(parse(policyBody)));
            if (byBody.size() >= CACHE_LIMIT) {
                byBody.clear();
            }
            byBody.put(policyBody, acl);
        }
        return decide(acl, path, capability);
    }

    @Override
    public void validateBody(String policyBody) {
        parse(policyBody);
    }

    private static AclPolicy parse(String body) {
        try {
            AclPolicy p = AclPolicy.parse("scope", body);
            if (p.isTemplated()) {
                throw dev.av.core.AvException.badRequest("a scope policy cannot use identity templates");
            }
            return p;
        } catch (PolicyException e) {
            throw e.toAvException();
        }
    }

    private Acl compileNamed(List<String> names) {
        List<AclPolicy> parsed = new ArrayList<>();
        for (String name : names) {
            Optional<String> text = policyText.apply(name);
            if (text.isPresent()) {
                try {
                    parsed.add(AclPolicy.parse(name, text.get()));
                } catch (PolicyException e) {
                    // a stored policy that no longer parses grants nothing
                }
            } else if (AclPolicy.DEFAULT.equals(name)) {
                parsed.add(AclPolicy.defaultPolicy());
            }
        }
        return Acl.compile(parsed);
    }

    private static boolean decide(Acl acl, String path, String capability) {
        if ("sudo".equals(capability)) {
            return acl.capabilities(path).contains("sudo") || acl.isRoot();
        }
        return acl.evaluate(AclRequest.of(Operation.parse(capability), path)).allowed();
    }
}
