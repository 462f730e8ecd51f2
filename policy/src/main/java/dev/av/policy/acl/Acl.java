package dev.av.policy.acl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A token's policies compiled into an immutable, thread-safe evaluator (Vault's ACL).
 *
 * <p>Rules are kept in three tables, as Vault keeps them: exact patterns in a hash map, glob
 * patterns ({@code secret/*}, stored without the '*') in a character trie answering
 * "longest prefix", and segment-wildcard patterns ({@code secret/+/config}) in a trie over path
 * segments. A lookup therefore costs time proportional to the path's length and depth, never to
 * the number of rules. Stanzas with the same pattern are merged as Vault merges them (see
 * {@code docs/policy-semantics.md}).
 */
public final class Acl {

    private static final Acl ROOT_ACL = new Acl(true, List.of(AclPolicy.ROOT), Map.of(), Map.of(), Map.of());

    private final boolean root;
    private final List<String> policyNames;
    private final Map<String, Permissions> exact;
    private final PrefixTrie prefix;
    private final SegmentIndex segments;
    private final boolean hasNonExact;

    private Acl(boolean root, List<String> policyNames, Map<String, Permissions> exact,
                Map<String, Permissions> prefixRules, Map<String, Permissions> segmentRules) {
        this.root = root;
        this.policyNames = List.copyOf(policyNames);
        this.exact = new HashMap<>(exact);
        this.prefix = new PrefixTrie(prefixRules);
        this.segments = new SegmentIndex(segmentRules);
        this.hasNonExact = !prefixRules.isEmpty() || !segmentRules.isEmpty();
    }

    /** Compiles policies without an identity: templated stanzas that need one are dropped. */
    public static Acl compile(List<AclPolicy> policies) {
        return compile(policies, null);
    }

    /**
     * Compiles a token's policies, in order (token policies, then identity policies).
     *
     * @param identity the token's entity and groups for templated policies; may be null
     * @throws PolicyException {@code other policies present along with root} when the root
     *                         policy is not alone, or when a filled template makes a path invalid
     */
    public static Acl compile(List<AclPolicy> policies, TemplateIdentity identity) {
        List<AclPolicy> list = new ArrayList<>();
        for (AclPolicy p : policies) {
            if (p != null) {
                list.add(p);
            }
        }
        for (AclPolicy p : list) {
            if (p.isRoot() || p.name().equals(AclPolicy.ROOT)) {
                if (list.size() != 1) {
                    throw new PolicyException("other policies present along with root");
                }
                return ROOT_ACL;
            }
        }
        Map<String, Permissions> exact = new LinkedHashMap<>();
        Map<String, Permissions> prefix = new LinkedHashMap<>();
        Map<String, Permissions> segments = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (AclPolicy policy : list) {
            names.add(policy.name());
            for (Stanza s : policy.stanzas()) {
                String label = s.label();
                if (label.contains("{{")) {
                    label = PolicyTemplate.fill(label, identity);
                    if (label == null) {
                        continue;
                    }
                }
                Stanza.Pattern pattern;
                try {
                    pattern = Stanza.normalise(label);
                } catch (PolicyException e) {
                    throw new PolicyException("failed to parse policy: " + e.getMessage());
                }
                Map<String, Permissions> table = pattern.hasSegmentWildcards() ? segments
                        : pattern.isPrefix() ? prefix : exact;
                Permissions existing = table.get(pattern.path());
                if (existing == null) {
                    table.put(pattern.path(), Permissions.first(pattern.path(), s, policy.name()));
                } else {
                    existing.merge(s, policy.name());
                }
            }
        }
        exact.values().forEach(Permissions::freeze);
        prefix.values().forEach(p -> p.freeze().describePrefix());
        segments.values().forEach(p -> p.freeze().describeSegments());
        return new Acl(false, names, exact, prefix, segments);
    }

    /** True when this is the root policy's ACL. */
    public boolean isRoot() {
        return root;
    }

    /** The names of the compiled policies, in order. */
    public List<String> policyNames() {
        return policyNames;
    }

    /** Decides a request (Vault's AllowOperation, then the sudo check for root-protected paths). */
    public AclDecision evaluate(AclRequest req) {
        if (root) {
            return new AclDecision(true, true, true, List.of(PolicyRef.acl(AclPolicy.ROOT)), List.of(), null,
                    null, null, null);
        }
        Operation op = req.operation();
        if (op == Operation.HELP) {
            return new AclDecision(true, false, false, List.of(), List.of(), null, null, null, null);
        }
        String path = stripSlashes(req.path());
        Permissions perms = lookup(path, op == Operation.LIST);
        if (perms == null) {
            return deny(null, AclDecision.Reason.NO_MATCHING_RULE, "no policy rule matches path " + Hcl.quote(path), List.of());
        }
        boolean rootPrivs = perms.has(Capability.SUDO);
        Capability needed = op.needs();
        if (!perms.has(needed)) {
            AclDecision.Reason reason = perms.isDeny() ? AclDecision.Reason.EXPLICIT_DENY : AclDecision.Reason.MISSING_CAPABILITY;
            String detail = perms.isDeny() ? "rule " + Hcl.quote(display(perms)) + " denies path " + Hcl.quote(path)
                    : "rule " + Hcl.quote(display(perms)) + " does not grant " + Hcl.quote(needed.word());
            return deny(perms, rootPrivs, reason, detail, List.of());
        }
        List<PolicyRef> granting = perms.granting.getOrDefault(needed, List.of());
        Duration wrap = req.wrapTtl();
        if (perms.maxWrap.compareTo(Duration.ZERO) > 0 && (wrap == null || wrap.compareTo(perms.maxWrap) > 0)) {
            return deny(perms, rootPrivs, AclDecision.Reason.WRAPPING_TTL, "response wrapping with a TTL of at most "
                    + seconds(perms.maxWrap) + " is required", granting);
        }
        if (perms.minWrap.compareTo(Duration.ZERO) > 0 && (wrap == null || wrap.compareTo(perms.minWrap) < 0)) {
            return deny(perms, rootPrivs, AclDecision.Reason.WRAPPING_TTL, "response wrapping with a TTL of at least "
                    + seconds(perms.minWrap) + " is required", granting);
        }
        if (!perms.minWrap.isZero() && !perms.maxWrap.isZero() && perms.maxWrap.compareTo(perms.minWrap) < 0) {
            return deny(perms, rootPrivs, AclDecision.Reason.WRAPPING_TTL,
                    "the merged max_wrapping_ttl is below min_wrapping_ttl", granting);
        }
        if (op.checksParameters()) {
            AclDecision refused = checkParameters(perms, rootPrivs, req.data(), granting);
            if (refused != null) {
                return refused;
            }
        }
        if (req.rootProtected() && !rootPrivs) {
            return deny(perms, false, AclDecision.Reason.SUDO_REQUIRED,
                    "path " + Hcl.quote(path) + " is root-protected and rule " + Hcl.quote(display(perms))
                            + " does not grant \"sudo\"", granting);
        }
        return new AclDecision(true, rootPrivs, false, granting, perms.mfa, perms.controlGroup, display(perms), null, null);
    }

    /**
     * What {@code sys/capabilities} answers for a path (before the endpoint sorts it): {@code ["root"]}
     * for root, otherwise the capabilities of the rule a list-style lookup finds, in Vault's order,
     * or {@code ["deny"]}.
     */
    public List<String> capabilities(String path) {
        if (root) {
            return List.of("root");
        }
        Permissions perms = lookup(path, true);
        return Capability.viewOf(perms == null ? 0 : perms.bitmap);
    }

    private AclDecision checkParameters(Permissions perms, boolean rootPrivs, Map<String, Object> data,
                                        List<PolicyRef> granting) {
        for (String r : perms.required) {
            if (!data.containsKey(r.toLowerCase(java.util.Locale.ROOT))) {
                return deny(perms, rootPrivs, AclDecision.Reason.REQUIRED_PARAMETER,
                        "missing required parameter " + Hcl.quote(r.toLowerCase(java.util.Locale.ROOT)), granting);
            }
        }
        if (data.isEmpty()) {
            return null;
        }
        if (perms.denied != null && !perms.denied.isEmpty()) {
            if (perms.denied.containsKey("*")) {
                return deny(perms, rootPrivs, AclDecision.Reason.DENIED_PARAMETER, "all parameters are denied", granting);
            }
            for (Map.Entry<String, Object> e : data.entrySet()) {
                String key = e.getKey().toLowerCase(java.util.Locale.ROOT);
                List<Object> list = perms.denied.get(key);
                if (list != null && ParameterMatcher.denied(key, e.getValue(), list)) {
                    return deny(perms, rootPrivs, AclDecision.Reason.DENIED_PARAMETER,
                            "parameter " + Hcl.quote(key) + " is denied", granting);
                }
            }
        }
        Map<String, List<Object>> allowed = perms.allowed;
        if (allowed == null || allowed.isEmpty()) {
            return null;
        }
        boolean allowedAll = allowed.containsKey("*");
        if (allowed.size() == 1 && allowedAll) {
            return null;
        }
        for (Map.Entry<String, Object> e : data.entrySet()) {
            String key = e.getKey().toLowerCase(java.util.Locale.ROOT);
            List<Object> list = allowed.get(key);
            if (list == null && !allowedAll) {
                return deny(perms, rootPrivs, AclDecision.Reason.PARAMETER_NOT_ALLOWED,
                        "parameter " + Hcl.quote(key) + " is not allowed", granting);
            }
            if (list != null && !ParameterMatcher.allowed(key, e.getValue(), list)) {
                return deny(perms, rootPrivs, AclDecision.Reason.PARAMETER_NOT_ALLOWED,
                        "value of parameter " + Hcl.quote(key) + " is not allowed", granting);
            }
        }
        return null;
    }

    private static AclDecision deny(Permissions perms, AclDecision.Reason reason, String detail, List<PolicyRef> granting) {
        return new AclDecision(false, false, false, granting, List.of(), null, null, reason, detail);
    }

    private static AclDecision deny(Permissions perms, boolean rootPrivs, AclDecision.Reason reason, String detail,
                                    List<PolicyRef> granting) {
        return new AclDecision(false, rootPrivs, false, granting, perms.mfa, perms.controlGroup, display(perms),
                reason, detail);
    }

    private static String display(Permissions p) {
        return p.display;
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }

    private static String stripSlashes(String path) {
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return i == 0 ? path : path.substring(i);
    }

    /** exact, then (list) exact minus one '/', then LIST resolution or the non-exact rules. */
    private Permissions lookup(String path, boolean list) {
        Permissions p = exact.get(path);
        if (p != null) {
            return p;
        }
        if (list && path.endsWith("/")) {
            p = exact.get(path.substring(0, path.length() - 1));
            if (p != null) {
                return p;
            }
        }
        if (!hasNonExact) {
            return null;
        }
        if (list && path.endsWith("/")) {
            return listResolve(path);
        }
        Best best = new Best();
        best.offer(prefix.longestPrefix(path));
        segments.match(SegmentIndex.split(path), best);
        return best.all;
    }

    /** Current Vault: candidates of both forms; the most specific deny wins over a lower list grant. */
    private Permissions listResolve(String path) {
        String stripped = path.substring(0, path.length() - 1);
        Best best = new Best();
        best.offer(prefix.longestPrefix(stripped));
        best.offer(prefix.longestPrefix(path));
        segments.match(SegmentIndex.split(stripped), best);
        segments.match(SegmentIndex.split(path), best);
        if (best.deny != null && (best.list == null || Permissions.lower(best.list, best.deny))) {
            return best.deny;
        }
        if (best.list != null) {
            return best.list;
        }
        return best.all;
    }

    /** Keeps the highest-priority candidate overall, among denies and among list grants. */
    private static final class Best implements java.util.function.Consumer<Permissions> {
        Permissions all;
        Permissions deny;
        Permissions list;

        void offer(Permissions p) {
            if (p != null) {
                accept(p);
            }
        }

        @Override
        public void accept(Permissions p) {
            if (all == null || Permissions.lower(all, p)) {
                all = p;
            }
            if (p.isDeny() && (deny == null || Permissions.lower(deny, p))) {
                deny = p;
            }
            if (p.has(Capability.LIST) && (list == null || Permissions.lower(list, p))) {
                list = p;
            }
        }
    }
}
