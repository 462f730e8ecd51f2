package dev.av.policy.acl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The merged rule for one stored pattern (Vault's ACLPermissions). Mutable only while
 * {@link Acl#compile} merges stanzas; frozen before the ACL is published.
 */
final class Permissions {

    final String pattern;
    /** The pattern as written in policies ('*' restored for globs). */
    String display;
    int bitmap;
    Map<String, List<Object>> allowed;
    Map<String, List<Object>> denied;
    List<String> required = new ArrayList<>();
    Duration minWrap = Duration.ZERO;
    Duration maxWrap = Duration.ZERO;
    List<String> mfa = List.of();
    ControlGroup controlGroup;
    List<String> events = List.of();
    final EnumMap<Capability, List<PolicyRef>> granting = new EnumMap<>(Capability.class);

    // comparator descriptor for non-exact rules
    int first;
    boolean isPrefix;
    int wildcards;
    String descrPattern;

    Permissions(String pattern) {
        this.pattern = pattern;
        this.display = pattern;
    }

    boolean isDeny() {
        return (bitmap & Capability.DENY.bit()) != 0;
    }

    boolean has(Capability c) {
        return (bitmap & c.bit()) != 0;
    }

    static Permissions first(String pattern, Stanza s, String policy) {
        Permissions p = new Permissions(pattern);
        p.bitmap = s.bitmap();
        p.allowed = copy(s.allowedParameters());
        p.denied = copy(s.deniedParameters());
        p.required = new ArrayList<>(s.requiredParameters());
        p.minWrap = s.minWrappingTtl();
        p.maxWrap = s.maxWrappingTtl();
        p.mfa = List.copyOf(s.mfaMethods());
        p.controlGroup = s.controlGroup();
        p.events = List.copyOf(s.subscribeEventTypes());
        p.grant(s.bitmap(), policy);
        return p;
    }

    private static Map<String, List<Object>> copy(Map<String, List<Object>> m) {
        return m == null ? null : new LinkedHashMap<>(m);
    }

    private void grant(int bits, String policy) {
        for (Capability c : Capability.values()) {
            if ((bits & c.bit()) != 0) {
                List<PolicyRef> list = granting.computeIfAbsent(c, k -> new ArrayList<>());
                if (list.stream().noneMatch(r -> r.name().equals(policy))) {
                    list.add(PolicyRef.acl(policy));
                }
            }
        }
    }

    /** Vault's merge of a further stanza with the same pattern (spec 3.1). */
    void merge(Stanza s, String policy) {
        if (isDeny()) {
            return;
        }
        if (s.isDeny()) {
            bitmap = Capability.DENY.bit();
            allowed = null;
            denied = null;
            return;
        }
        bitmap |= s.bitmap();
        grant(s.bitmap(), policy);
        Duration max = s.maxWrappingTtl();
        if (max.compareTo(Duration.ZERO) > 0 && (maxWrap.isZero() || max.compareTo(maxWrap) < 0)) {
            maxWrap = max;
        }
        Duration min = s.minWrappingTtl();
        if (min.compareTo(Duration.ZERO) > 0 && (minWrap.isZero() || min.compareTo(minWrap) < 0)) {
            minWrap = min;
        }
        allowed = mergeParams(allowed, s.allowedParameters());
        denied = mergeParams(denied, s.deniedParameters());
        if (!s.requiredParameters().isEmpty()) {
            for (String r : s.requiredParameters()) {
                if (!required.contains(r)) {
                    required.add(r);
                }
            }
        }
        if (!s.mfaMethods().isEmpty()) {
            TreeSet<String> set = new TreeSet<>();
            for (String m : mfa) {
                addTrimmed(set, m);
            }
            for (String m : s.mfaMethods()) {
                addTrimmed(set, m);
            }
            mfa = List.copyOf(set);
        }
        if (s.controlGroup() != null && !s.controlGroup().factors().isEmpty()) {
            if (controlGroup == null) {
                controlGroup = s.controlGroup();
            } else {
                List<ControlGroup.Factor> all = new ArrayList<>(controlGroup.factors());
                all.addAll(s.controlGroup().factors());
                controlGroup = new ControlGroup(controlGroup.ttl(), all);
            }
        }
        if (!s.subscribeEventTypes().isEmpty()) {
            TreeSet<String> set = new TreeSet<>(events);
            set.addAll(s.subscribeEventTypes());
            events = List.copyOf(set);
        }
    }

    private static void addTrimmed(TreeSet<String> set, String m) {
        String t = m.strip();
        if (!t.isEmpty()) {
            set.add(t);
        }
    }

    private static Map<String, List<Object>> mergeParams(Map<String, List<Object>> existing, Map<String, List<Object>> add) {
        if (add == null || add.isEmpty()) {
            return existing;
        }
        if (existing == null) {
            return new LinkedHashMap<>(add);
        }
        for (Map.Entry<String, List<Object>> e : add.entrySet()) {
            List<Object> cur = existing.get(e.getKey());
            if (e.getValue().isEmpty() || (cur != null && cur.isEmpty())) {
                existing.put(e.getKey(), List.of());
            } else {
                List<Object> merged = new ArrayList<>(e.getValue());
                if (cur != null) {
                    merged.addAll(cur);
                }
                existing.put(e.getKey(), Collections.unmodifiableList(merged));
            }
        }
        return existing;
    }

    /** Makes every collection immutable; called once before the ACL is published. */
    Permissions freeze() {
        allowed = allowed == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(allowed));
        denied = denied == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(denied));
        required = List.copyOf(required);
        granting.replaceAll((k, v) -> List.copyOf(v));
        return this;
    }

    /** Sets the priority descriptor of a glob (prefix) rule. */
    void describePrefix() {
        first = pattern.length();
        display = pattern + "*";
        isPrefix = true;
        wildcards = 0;
        descrPattern = pattern;
    }

    /** Sets the priority descriptor of a segment-wildcard rule (pattern keeps any trailing '*'). */
    void describeSegments() {
        first = pattern.indexOf('+');
        isPrefix = pattern.endsWith("*");
        descrPattern = isPrefix ? pattern.substring(0, pattern.length() - 1) : pattern;
        int n = 0;
        for (String part : PolicyTemplate.split(descrPattern, "/")) {
            if (part.equals("+")) {
                n++;
            }
        }
        wildcards = n;
    }

    /** Vault's priority comparator: true when a ranks lower than b (spec 3.4). */
    static boolean lower(Permissions a, Permissions b) {
        if (a.first != b.first) {
            return a.first < b.first;
        }
        if (a.isPrefix != b.isPrefix) {
            return a.isPrefix;
        }
        if (a.wildcards != b.wildcards) {
            return a.wildcards > b.wildcards;
        }
        if (a.descrPattern.length() != b.descrPattern.length()) {
            return a.descrPattern.length() < b.descrPattern.length();
        }
        return a.descrPattern.compareTo(b.descrPattern) < 0;
    }
}
