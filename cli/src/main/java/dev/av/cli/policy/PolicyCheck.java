package dev.av.cli.policy;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.policy.acl.Acl;
import dev.av.policy.acl.AclCache;
import dev.av.policy.acl.AclDecision;
import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.AclRequest;
import dev.av.policy.acl.ControlGroup;
import dev.av.policy.acl.Operation;
import dev.av.policy.acl.PolicyException;
import dev.av.policy.acl.TemplateIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one test case offline: policies (name and text; {@code root} without text is the
 * built-in root policy, {@code default} without text the built-in default policy) and a request.
 * Parsed policies and compiled ACLs are cached, so thousands of cases run in one process.
 */
final class PolicyCheck {

    private static final int MAX_CACHED = 10_000;

    private record Source(String name, String text) {
    }

    private final Map<Source, AclPolicy> parsed = new LinkedHashMap<>();
    private final AclCache acls = new AclCache(MAX_CACHED);

    AclPolicy policy(String name, String text) {
        if (text == null || text.isEmpty()) {
            if (name.equalsIgnoreCase(AclPolicy.ROOT)) {
                return AclPolicy.root();
            }
            if (name.equalsIgnoreCase(AclPolicy.DEFAULT)) {
                return AclPolicy.defaultPolicy();
            }
        }
        if (name.equalsIgnoreCase(AclPolicy.ROOT)) {
            return AclPolicy.root();
        }
        Source key = new Source(name, text == null ? "" : text);
        AclPolicy p = parsed.get(key);
        if (p == null) {
            p = AclPolicy.parse(name, key.text());
            if (parsed.size() >= MAX_CACHED) {
                parsed.clear();
            }
            parsed.put(key, p);
        }
        return p;
    }

    /** The result fields of {@code av policy check} (JSON form). */
    Map<String, Object> run(List<AclPolicy> policies, TemplateIdentity identity, Operation op, String path,
                            Map<String, Object> data, Duration wrapTtl, boolean rootProtected) {
        Acl acl = acls.get(policies, identity);
        AclDecision d = acl.evaluate(new AclRequest(op, path, data, wrapTtl, rootProtected));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("allowed", d.allowed());
        out.put("root_privs", d.rootPrivs());
        out.put("is_root", d.isRoot());
        List<String> caps = new ArrayList<>(acl.capabilities(path));
        caps.sort(null);
        out.put("capabilities", caps);
        out.put("granting_policies", d.grantingPolicyNames());
        out.put("mfa_methods", d.mfaMethods());
        out.put("control_group", controlGroup(d.controlGroup()));
        out.put("reason", d.detail());
        return out;
    }

    static Map<String, Object> controlGroup(ControlGroup cg) {
        if (cg == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ttl", cg.ttl().toSeconds());
        List<Object> factors = new ArrayList<>();
        for (ControlGroup.Factor f : cg.factors()) {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("group_ids", f.groupIds());
            identity.put("group_names", f.groupNames());
            identity.put("approvals", f.approvals());
            Map<String, Object> factor = new LinkedHashMap<>();
            factor.put("name", f.name());
            factor.put("identity", identity);
            factor.put("controlled_capabilities", f.controlledCapabilities());
            factors.add(factor);
        }
        out.put("factors", factors);
        return out;
    }

    static Duration wrapTtl(Object raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Durations.parse("wrap_ttl", raw);
        } catch (AvException e) {
            throw new PolicyException(e.getMessage());
        }
    }

    static Operation operation(Object raw) {
        if (!(raw instanceof String s) || s.isEmpty()) {
            throw new PolicyException("missing \"operation\"");
        }
        return Operation.parse(s.toLowerCase(java.util.Locale.ROOT));
    }
}
