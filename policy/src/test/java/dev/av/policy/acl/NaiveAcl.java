package dev.av.policy.acl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A deliberately naive reading of the spec (sections 3.1 to 3.5), written independently of
 * {@link Acl}: rules in one flat list, merging by linear search, matching by scanning every rule,
 * priority by sorting. Used only as the reference the compiled evaluator is held against.
 */
final class NaiveAcl {

    enum Kind { EXACT, PREFIX, SEGMENT }

    static final class Rule {
        Kind kind;
        String key;
        int bits;
        Map<String, List<Object>> allowed;
        Map<String, List<Object>> denied;
        List<String> required = new ArrayList<>();
        long min;
        long max;
        TreeSet<String> mfaMerged;
        List<String> mfa = new ArrayList<>();
        Map<Capability, List<String>> granting = new LinkedHashMap<>();
    }

    private final List<Rule> rules = new ArrayList<>();

    NaiveAcl(List<AclPolicy> policies) {
        for (AclPolicy p : policies) {
            for (Stanza s : p.stanzas()) {
                String path = s.label();
                if (path.startsWith("/")) {
                    path = path.substring(1);
                }
                boolean seg = path.equals("+") || path.contains("/+") || path.startsWith("+/");
                Kind kind = seg ? Kind.SEGMENT : path.endsWith("*") ? Kind.PREFIX : Kind.EXACT;
                String key = kind == Kind.PREFIX ? path.substring(0, path.length() - 1) : path;
                Rule r = null;
                for (Rule x : rules) {
                    if (x.kind == kind && x.key.equals(key)) {
                        r = x;
                    }
                }
                if (r == null) {
                    r = new Rule();
                    r.kind = kind;
                    r.key = key;
                    r.bits = s.bitmap();
                    r.allowed = s.allowedParameters() == null ? null : new LinkedHashMap<>(s.allowedParameters());
                    r.denied = s.deniedParameters() == null ? null : new LinkedHashMap<>(s.deniedParameters());
                    r.required.addAll(s.requiredParameters());
                    r.min = s.minWrappingTtl().toSeconds();
                    r.max = s.maxWrappingTtl().toSeconds();
                    r.mfa.addAll(s.mfaMethods());
                    grant(r, s.bitmap(), p.name());
                    rules.add(r);
                    continue;
                }
                if ((r.bits & 1) != 0) {
                    continue;
                }
                if (s.isDeny()) {
                    r.bits = 1;
                    r.allowed = null;
                    r.denied = null;
                    continue;
                }
                r.bits |= s.bitmap();
                grant(r, s.bitmap(), p.name());
                long max = s.maxWrappingTtl().toSeconds();
                long min = s.minWrappingTtl().toSeconds();
                if (max > 0 && (r.max == 0 || max < r.max)) {
                    r.max = max;
                }
                if (min > 0 && (r.min == 0 || min < r.min)) {
                    r.min = min;
                }
                r.allowed = mergeParams(r.allowed, s.allowedParameters());
                r.denied = mergeParams(r.denied, s.deniedParameters());
                for (String q : s.requiredParameters()) {
                    if (!r.required.contains(q)) {
                        r.required.add(q);
                    }
                }
                if (!s.mfaMethods().isEmpty()) {
                    TreeSet<String> set = new TreeSet<>();
                    for (String m : r.mfa) {
                        if (!m.strip().isEmpty()) {
                            set.add(m.strip());
                        }
                    }
                    for (String m : s.mfaMethods()) {
                        if (!m.strip().isEmpty()) {
                            set.add(m.strip());
                        }
                    }
                    r.mfa = new ArrayList<>(set);
                }
            }
        }
    }

    private static void grant(Rule r, int bits, String name) {
        for (Capability c : Capability.values()) {
            if ((bits & c.bit()) != 0) {
                List<String> l = r.granting.computeIfAbsent(c, k -> new ArrayList<>());
                if (!l.contains(name)) {
                    l.add(name);
                }
            }
        }
    }

    private static Map<String, List<Object>> mergeParams(Map<String, List<Object>> cur, Map<String, List<Object>> add) {
        if (add == null || add.isEmpty()) {
            return cur;
        }
        if (cur == null) {
            return new LinkedHashMap<>(add);
        }
        Map<String, List<Object>> out = new LinkedHashMap<>(cur);
        for (var e : add.entrySet()) {
            List<Object> old = out.get(e.getKey());
            if (e.getValue().isEmpty() || (old != null && old.isEmpty())) {
                out.put(e.getKey(), List.of());
            } else {
                List<Object> m = new ArrayList<>(e.getValue());
                if (old != null) {
                    m.addAll(old);
                }
                out.put(e.getKey(), m);
            }
        }
        return out;
    }

    record Cand(Rule rule, int first, boolean glob, int wildcards, String pattern) {
    }

    static final Comparator<Cand> PRIORITY = Comparator.<Cand>comparingInt(c -> c.first)
            .thenComparing(c -> !c.glob)
            .thenComparing(c -> -c.wildcards)
            .thenComparingInt(c -> c.pattern.length())
            .thenComparing(c -> c.pattern);

    List<Cand> candidates(String path) {
        List<Cand> out = new ArrayList<>();
        Rule longest = null;
        for (Rule r : rules) {
            if (r.kind == Kind.PREFIX && path.startsWith(r.key) && (longest == null || r.key.length() > longest.key.length())) {
                longest = r;
            }
        }
        if (longest != null) {
            out.add(new Cand(longest, longest.key.length(), true, 0, longest.key));
        }
        String[] pp = path.split("/", -1);
        for (Rule r : rules) {
            if (r.kind != Kind.SEGMENT) {
                continue;
            }
            boolean glob = r.key.endsWith("*");
            String cur = glob ? r.key.substring(0, r.key.length() - 1) : r.key;
            String[] rp = cur.split("/", -1);
            if (pp.length < rp.length || (!glob && pp.length != rp.length)) {
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < rp.length && ok; i++) {
                if (rp[i].equals("+")) {
                    continue;
                }
                if (glob && i == rp.length - 1) {
                    ok = pp[i].startsWith(rp[i]);
                } else {
                    ok = pp[i].equals(rp[i]);
                }
            }
            if (ok) {
                int w = 0;
                for (String x : rp) {
                    if (x.equals("+")) {
                        w++;
                    }
                }
                out.add(new Cand(r, r.key.indexOf('+'), glob, w, cur));
            }
        }
        return out;
    }

    Rule find(String path, boolean list) {
        for (Rule r : rules) {
            if (r.kind == Kind.EXACT && r.key.equals(path)) {
                return r;
            }
        }
        if (list && path.endsWith("/")) {
            for (Rule r : rules) {
                if (r.kind == Kind.EXACT && r.key.equals(path.substring(0, path.length() - 1))) {
                    return r;
                }
            }
            List<Cand> all = new ArrayList<>(candidates(path.substring(0, path.length() - 1)));
            all.addAll(candidates(path));
            Cand deny = all.stream().filter(c -> (c.rule.bits & 1) != 0).max(PRIORITY).orElse(null);
            Cand lst = all.stream().filter(c -> (c.rule.bits & Capability.LIST.bit()) != 0).max(PRIORITY).orElse(null);
            if (deny != null && (lst == null || PRIORITY.compare(lst, deny) < 0)) {
                return deny.rule;
            }
            if (lst != null) {
                return lst.rule;
            }
            return all.stream().max(PRIORITY).map(Cand::rule).orElse(null);
        }
        return candidates(path).stream().max(PRIORITY).map(Cand::rule).orElse(null);
    }

    record Result(boolean allowed, boolean sudo, List<String> granting, List<String> mfa) {
    }

    Result evaluate(Operation op, String path, Map<String, Object> data, Duration wrap) {
        if (op == Operation.HELP) {
            return new Result(true, false, List.of(), List.of());
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        Rule r = find(path, op == Operation.LIST);
        if (r == null) {
            return new Result(false, false, List.of(), List.of());
        }
        boolean sudo = (r.bits & Capability.SUDO.bit()) != 0;
        Capability need = op.needs();
        if ((r.bits & need.bit()) == 0) {
            return new Result(false, sudo, List.of(), r.mfa);
        }
        List<String> g = r.granting.getOrDefault(need, List.of());
        long w = wrap == null ? -1 : wrap.toSeconds();
        if (r.max > 0 && (w < 0 || w > r.max)) {
            return new Result(false, sudo, g, r.mfa);
        }
        if (r.min > 0 && (w < 0 || w < r.min)) {
            return new Result(false, sudo, g, r.mfa);
        }
        if (r.min != 0 && r.max != 0 && r.max < r.min) {
            return new Result(false, sudo, g, r.mfa);
        }
        if (op == Operation.READ || op == Operation.UPDATE || op == Operation.CREATE || op == Operation.PATCH || op == Operation.RECOVER) {
            for (String q : r.required) {
                if (!data.containsKey(q.toLowerCase(Locale.ROOT))) {
                    return new Result(false, sudo, g, r.mfa);
                }
            }
            if (!data.isEmpty()) {
                if (r.denied != null && !r.denied.isEmpty()) {
                    if (r.denied.containsKey("*")) {
                        return new Result(false, sudo, g, r.mfa);
                    }
                    for (var e : data.entrySet()) {
                        List<Object> l = r.denied.get(e.getKey().toLowerCase(Locale.ROOT));
                        if (l != null && ParameterMatcher.denied(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), l)) {
                            return new Result(false, sudo, g, r.mfa);
                        }
                    }
                }
                if (r.allowed != null && !r.allowed.isEmpty() && !(r.allowed.size() == 1 && r.allowed.containsKey("*"))) {
                    for (var e : data.entrySet()) {
                        String k = e.getKey().toLowerCase(Locale.ROOT);
                        List<Object> l = r.allowed.get(k);
                        if (l == null && !r.allowed.containsKey("*")) {
                            return new Result(false, sudo, g, r.mfa);
                        }
                        if (l != null && !ParameterMatcher.allowed(k, e.getValue(), l)) {
                            return new Result(false, sudo, g, r.mfa);
                        }
                    }
                }
            }
        }
        return new Result(true, sudo, g, r.mfa);
    }

    List<String> capabilities(String path) {
        Rule r = find(path, true);
        return Capability.viewOf(r == null ? 0 : r.bits);
    }
}
