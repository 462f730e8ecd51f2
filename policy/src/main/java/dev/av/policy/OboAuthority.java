package dev.av.policy;

import dev.av.policy.acl.Acl;
import dev.av.policy.acl.AclDecision;
import dev.av.policy.acl.AclRequest;
import dev.av.policy.acl.PolicyRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * On-behalf-of authority: what an agent may do for a user within consent scopes is
 * {@code agent ∩ user ∩ union(scopes)}. A request is allowed only if the agent's ACL, the user's
 * ACL and at least one scope's ACL each allow it. Immutable and thread-safe.
 */
public record OboAuthority(Acl agent, Acl user, List<Acl> scopes) {

    public OboAuthority {
        if (agent == null || user == null) {
            throw new IllegalArgumentException("agent and user ACLs are required");
        }
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /**
     * The combined decision. Root privileges need all three parts to have them; granting policies
     * and MFA methods are those of the allowing parts. A deny names the part that refused.
     */
    public AclDecision evaluate(AclRequest request) {
        AclDecision a = agent.evaluate(request);
        AclDecision u = user.evaluate(request);
        AclDecision s = null;
        for (Acl scope : scopes) {
            AclDecision d = scope.evaluate(request);
            if (s == null || (d.allowed() && !s.allowed())) {
                s = d;
            }
            if (d.allowed()) {
                break;
            }
        }
        if (!a.allowed()) {
            return refuse(a, "agent", a);
        }
        if (!u.allowed()) {
            return refuse(a, "delegate user", u);
        }
        if (s == null) {
            return new AclDecision(false, false, false, List.of(), a.mfaMethods(), a.controlGroup(), a.matchedPattern(),
                    AclDecision.Reason.NO_MATCHING_RULE, "the delegation has no consent scopes");
        }
        if (!s.allowed()) {
            return refuse(a, "consent scopes", s);
        }
        Set<PolicyRef> granting = new LinkedHashSet<>(a.grantingPolicies());
        granting.addAll(u.grantingPolicies());
        granting.addAll(s.grantingPolicies());
        TreeSet<String> mfa = new TreeSet<>(a.mfaMethods());
        mfa.addAll(u.mfaMethods());
        mfa.addAll(s.mfaMethods());
        return new AclDecision(true, a.rootPrivs() && u.rootPrivs() && s.rootPrivs(), false, new ArrayList<>(granting),
                new ArrayList<>(mfa), a.controlGroup() != null ? a.controlGroup() : u.controlGroup(), a.matchedPattern(),
                null, null);
    }

    private static AclDecision refuse(AclDecision agentDecision, String part, AclDecision d) {
        String detail = part + ": " + (d.detail() == null ? "permission denied" : d.detail());
        return new AclDecision(false, false, false, List.of(), agentDecision.mfaMethods(), agentDecision.controlGroup(),
                d.matchedPattern(), d.reason(), detail);
    }

    /**
     * {@code sys/capabilities} under OBO: the capabilities all three parts have on the path (the
     * scopes' union), in Vault's order; {@code ["deny"]} when none remain.
     */
    public List<String> capabilities(String path) {
        List<String> a = agent.capabilities(path);
        List<String> u = user.capabilities(path);
        Set<String> union = new LinkedHashSet<>();
        for (Acl scope : scopes) {
            union.addAll(expand(scope.capabilities(path)));
        }
        List<String> out = new ArrayList<>();
        for (String c : List.of("sudo", "read", "list", "update", "delete", "create", "patch", "subscribe", "recover")) {
            if (expand(a).contains(c) && expand(u).contains(c) && union.contains(c)) {
                out.add(c);
            }
        }
        return out.isEmpty() ? List.of("deny") : List.copyOf(out);
    }

    private static List<String> expand(List<String> caps) {
        if (caps.equals(List.of("root"))) {
            return List.of("sudo", "read", "list", "update", "delete", "create", "patch", "subscribe", "recover");
        }
        return caps;
    }
}
