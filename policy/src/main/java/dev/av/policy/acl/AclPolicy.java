package dev.av.policy.acl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed Vault ACL policy (HCL 1 or JSON), immutable. Parse with {@link #parse(String, String)};
 * combine policies into an evaluator with {@link Acl#compile(List)}.
 */
public final class AclPolicy {

    /** The name of Vault's built-in root policy. */
    public static final String ROOT = "root";
    /** The name of the policy attached to every token unless {@code no_default_policy}. */
    public static final String DEFAULT = "default";

    private static final Set<String> TOP_KEYS = Set.of("name", "path");
    private static final List<String> STANZA_KEYS = List.of("comment", "policy", "capabilities", "allowed_parameters",
            "denied_parameters", "required_parameters", "min_wrapping_ttl", "max_wrapping_ttl", "mfa_methods",
            "control_group", "subscribe_event_types");

    private static final AclPolicy ROOT_POLICY = new AclPolicy(ROOT, "", false, List.of(), true);

    private final String name;
    private final String text;
    private final boolean templated;
    private final List<Stanza> stanzas;
    private final boolean root;

    private AclPolicy(String name, String text, boolean templated, List<Stanza> stanzas, boolean root) {
        this.name = name;
        this.text = text;
        this.templated = templated;
        this.stanzas = List.copyOf(stanzas);
        this.root = root;
    }

    /** Vault's built-in root policy: allows everything; must be alone in a token's policies. */
    public static AclPolicy root() {
        return ROOT_POLICY;
    }

    /** Vault's default policy (the 1.14 text, see {@link BuiltinPolicies#DEFAULT_TEXT}). */
    public static AclPolicy defaultPolicy() {
        return BuiltinPolicies.DEFAULT_POLICY;
    }

    /**
     * Parses a policy document.
     *
     * @param name the policy name; lower-cased as Vault's policy store does
     * @param text HCL 1, or JSON when it starts with '{'
     * @throws PolicyException with Vault's message ({@code failed to parse policy: ...})
     */
    public static AclPolicy parse(String name, String text) {
        if (name == null || text == null) {
            throw new PolicyException("failed to parse policy: missing name or text");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        try {
            return parseDocument(lower, text);
        } catch (PolicyException e) {
            throw new PolicyException("failed to parse policy: " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new PolicyException("failed to parse policy: nesting too deep");
        }
    }

    public String name() {
        return name;
    }

    /** The raw text as given. */
    public String text() {
        return text;
    }

    /** True when a path label uses {@code {{identity...}}} templating. */
    public boolean isTemplated() {
        return templated;
    }

    /** True for the built-in root policy. */
    public boolean isRoot() {
        return root;
    }

    /** The path stanzas in file order. */
    public List<Stanza> stanzas() {
        return stanzas;
    }

    @Override
    public String toString() {
        return "AclPolicy[" + name + ", " + stanzas.size() + " paths]";
    }

    // ------------------------------------------------------------------ parsing

    private static AclPolicy parseDocument(String name, String text) {
        List<Hcl.Item> items = Hcl.parse(text);
        List<String> bad = new ArrayList<>();
        for (Hcl.Item item : items) {
            if (!TOP_KEYS.contains(item.keys().get(0))) {
                bad.add("invalid key " + Hcl.quote(item.keys().get(0)) + " on line " + item.assignLine());
            }
        }
        if (!bad.isEmpty()) {
            throw new PolicyException(multi(bad));
        }
        for (Hcl.Item item : items) {
            if (item.keys().get(0).equals("name")) {
                if (item.keys().size() > 1) {
                    throw new PolicyException("root.name: unknown type for string *ast.ObjectList");
                }
                Decode.string("root.name", item.value() instanceof Hcl.Obj o ? asList(o) : item.value());
            }
        }
        boolean templated = false;
        List<Stanza> stanzas = new ArrayList<>();
        for (Hcl.Item item : items) {
            if (!item.keys().get(0).equalsIgnoreCase("path")) {
                continue;
            }
            String key = item.keys().size() > 1 ? item.keys().get(1) : "path";
            try {
                if (PolicyTemplate.validate(key)) {
                    templated = true;
                }
            } catch (PolicyException e) {
                throw new PolicyException("failed to validate policy templating: " + e.getMessage());
            }
            stanzas.add(stanza(key, item));
        }
        return new AclPolicy(name, text, templated, stanzas, false);
    }

    /** HCL 1 decodes an object assigned to a scalar field as an object list: report it that way. */
    private static Hcl.Node asList(Hcl.Obj o) {
        return new Hcl.Obj(o.items(), -1, -1);
    }

    static String multi(List<String> errors) {
        String head = errors.size() == 1 ? "1 error occurred:" : errors.size() + " errors occurred:";
        return head + "\n\t* " + String.join("\n\t* ", errors) + "\n\n";
    }

    private static Stanza stanza(String key, Hcl.Item item) {
        String prefix = "path " + Hcl.quote(key) + ": ";
        if (!(item.value() instanceof Hcl.Obj body)) {
            throw new PolicyException(prefix + "cannot check HCL keys of type " + item.value().goType());
        }
        List<String> bad = new ArrayList<>();
        for (Hcl.Item field : body.items()) {
            if (!STANZA_KEYS.contains(field.keys().get(0))) {
                bad.add(prefix + "invalid key " + Hcl.quote(field.keys().get(0)) + " on line " + field.assignLine());
            }
        }
        if (!bad.isEmpty()) {
            throw new PolicyException(multi(bad));
        }
        Decode.Fields f;
        try {
            f = new Decode.Fields(body);
        } catch (PolicyException e) {
            throw new PolicyException(prefix + e.getMessage());
        }
        String policy = f.string("policy");
        List<String> caps = new ArrayList<>(f.strings("capabilities"));
        Map<String, List<Object>> allowedRaw = f.paramMap("allowed_parameters");
        Map<String, List<Object>> deniedRaw = f.paramMap("denied_parameters");
        List<String> required = f.strings("required_parameters");
        Object minRaw = f.raw("min_wrapping_ttl");
        Object maxRaw = f.raw("max_wrapping_ttl");
        List<String> mfa = f.strings("mfa_methods");
        Decode.Fields cg = f.object("control_group");
        List<String> events = f.strings("subscribe_event_types");
        String comment = f.string("comment");

        Stanza.normalise(key);

        if (policy != null && !policy.isEmpty()) {
            switch (policy) {
                case "deny" -> {
                    caps.clear();
                    caps.add("deny");
                }
                case "read" -> caps.addAll(List.of("read", "list"));
                case "write" -> caps.addAll(List.of("create", "read", "update", "delete", "list"));
                case "sudo" -> caps.addAll(List.of("create", "read", "update", "delete", "list", "sudo"));
                default -> throw new PolicyException("path " + Hcl.quote(key) + ": invalid policy " + Hcl.quote(policy));
            }
        }
        int bitmap = 0;
        for (String word : caps) {
            Capability c = Capability.fromWord(word);
            if (c == null) {
                throw new PolicyException("path " + Hcl.quote(key) + ": invalid capability " + Hcl.quote(word));
            }
            if (c == Capability.DENY) {
                return new Stanza(key, item.line(), List.of("deny"), Capability.DENY.bit(), null, null, List.of(),
                        Duration.ZERO, Duration.ZERO, List.of(), null, List.of(), comment);
            }
            bitmap |= c.bit();
        }
        Map<String, List<Object>> allowed = lowerKeys(allowedRaw);
        Map<String, List<Object>> denied = lowerKeys(deniedRaw);
        Duration min = minRaw == null ? Duration.ZERO : GoDuration.parseSeconds("min_wrapping_ttl", minRaw);
        Duration max = maxRaw == null ? Duration.ZERO : GoDuration.parseSeconds("max_wrapping_ttl", maxRaw);
        if (!min.isZero() && !max.isZero() && max.compareTo(min) < 0) {
            throw new PolicyException("max_wrapping_ttl cannot be less than min_wrapping_ttl");
        }
        ControlGroup controlGroup = cg == null ? null : controlGroup(cg, caps);
        return new Stanza(key, item.line(), List.copyOf(caps), bitmap, allowed, denied, List.copyOf(required),
                min, max, List.copyOf(mfa), controlGroup, List.copyOf(events), comment);
    }

    private static Map<String, List<Object>> lowerKeys(Map<String, List<Object>> raw) {
        if (raw == null) {
            return null;
        }
        Map<String, List<Object>> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return java.util.Collections.unmodifiableMap(out);
    }

    private static ControlGroup controlGroup(Decode.Fields cg, List<String> caps) {
        Object ttlRaw = cg.raw("ttl");
        Duration ttl;
        try {
            ttl = ttlRaw == null ? Duration.ZERO : GoDuration.parseSeconds("ttl", ttlRaw);
        } catch (PolicyException e) {
            throw new PolicyException("error parsing control group max ttl: " + e.getMessage().replaceFirst("^error parsing ttl: ", ""));
        }
        List<ControlGroup.Factor> factors = new ArrayList<>();
        for (Map.Entry<String, Decode.Fields> entry : cg.objects("factor").entrySet()) {
            Decode.Fields factor = entry.getValue();
            Decode.Fields identity = factor.object("identity");
            if (identity == null) {
                throw new PolicyException("no control_group factor provided");
            }
            List<String> ids = identity.strings("group_ids");
            List<String> names = identity.strings("group_names");
            int approvals = identity.integer("approvals");
            if (approvals <= 0 || (ids.isEmpty() && names.isEmpty())) {
                throw new PolicyException("must provide more than one identity group and approvals > 0");
            }
            List<String> controlled = factor.strings("controlled_capabilities");
            for (String c : controlled) {
                if (!caps.contains(c)) {
                    throw new PolicyException("control group factor capabilities must be a subset of the policy's capabilities");
                }
            }
            factors.add(new ControlGroup.Factor(entry.getKey(), ids, names, approvals, controlled));
        }
        if (factors.isEmpty()) {
            throw new PolicyException("no control group factors provided");
        }
        return new ControlGroup(ttl, factors);
    }

    /** Typed access to the fields of a decoded HCL object (HCL 1's decoder, as Vault's structs use it). */
    static final class Decode {

        private Decode() {
        }

        static String string(String name, Hcl.Node node) {
            if (node instanceof Hcl.Lit lit) {
                switch (lit.kind()) {
                    case STRING, HEREDOC:
                        return (String) lit.value();
                    case NUMBER:
                        return lit.value().toString();
                    default:
                        break;
                }
            }
            String type = node instanceof Hcl.Obj o && o.line() < 0 ? "*ast.ObjectList" : node.goType();
            throw at(node, name + ": unknown type for string " + type);
        }

        static PolicyException at(Hcl.Node node, String message) {
            if (node.line() > 0) {
                return Hcl.error(node.line(), node.column(), message);
            }
            return new PolicyException(message);
        }

        /** Any literal, list or object as a plain Java value (String, BigInteger, BigDecimal, Boolean, null, List, Map). */
        static Object plain(Hcl.Node node) {
            if (node instanceof Hcl.Lit lit) {
                return lit.value();
            }
            if (node instanceof Hcl.Lst lst) {
                List<Object> out = new ArrayList<>();
                for (Hcl.Node e : lst.elements()) {
                    out.add(plain(e));
                }
                return java.util.Collections.unmodifiableList(out);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Hcl.Item item : ((Hcl.Obj) node).items()) {
                Hcl.Node value = item.value();
                for (int i = item.keys().size() - 1; i >= 1; i--) {
                    value = new Hcl.Obj(List.of(new Hcl.Item(List.of(item.keys().get(i)), 0, value, value.line(), value.column())), value.line(), value.column());
                }
                out.put(item.keys().get(0), plain(value));
            }
            return java.util.Collections.unmodifiableMap(out);
        }

        /** The fields of one object; items with several keys are treated as nested objects. */
        static final class Fields {
            private final String path;
            private final Map<String, List<Hcl.Node>> values = new LinkedHashMap<>();

            Fields(Hcl.Obj obj) {
                this("root", obj);
            }

            Fields(String path, Hcl.Obj obj) {
                this.path = path;
                for (Hcl.Item item : obj.items()) {
                    Hcl.Node value = item.value();
                    for (int i = item.keys().size() - 1; i >= 1; i--) {
                        value = new Hcl.Obj(List.of(new Hcl.Item(List.of(item.keys().get(i)), 0, value, value.line(), value.column())), -1, -1);
                    }
                    values.computeIfAbsent(item.keys().get(0), k -> new ArrayList<>()).add(value);
                }
            }

            private String name(String key) {
                return path + "." + key;
            }

            String string(String key) {
                String out = null;
                for (Hcl.Node n : values.getOrDefault(key, List.of())) {
                    out = Decode.string(name(key), n instanceof Hcl.Obj o ? new Hcl.Obj(o.items(), -1, -1) : n);
                }
                return out;
            }

            List<String> strings(String key) {
                List<String> out = new ArrayList<>();
                for (Hcl.Node n : values.getOrDefault(key, List.of())) {
                    if (!(n instanceof Hcl.Lst lst)) {
                        throw at(n, name(key) + ": unknown slice type: " + n.goType());
                    }
                    int i = 0;
                    for (Hcl.Node e : lst.elements()) {
                        out.add(Decode.string(name(key) + "[" + i++ + "]", e));
                    }
                }
                return out;
            }

            Object raw(String key) {
                Object out = null;
                for (Hcl.Node n : values.getOrDefault(key, List.of())) {
                    out = plain(n);
                }
                return out;
            }

            int integer(String key) {
                int out = 0;
                for (Hcl.Node n : values.getOrDefault(key, List.of())) {
                    Object v = n instanceof Hcl.Lit lit ? lit.value() : null;
                    try {
                        if (v instanceof BigInteger b) {
                            out = b.intValueExact();
                        } else if (v instanceof String s && n instanceof Hcl.Lit lit && lit.kind() == Hcl.Kind.STRING) {
                            out = Integer.decode(s.strip());
                        } else {
                            throw at(n, name(key) + ": unknown type for int " + n.goType());
                        }
                    } catch (ArithmeticException | NumberFormatException e) {
                        throw at(n, name(key) + ": invalid integer");
                    }
                }
                return out;
            }

            Map<String, List<Object>> paramMap(String key) {
                List<Hcl.Node> nodes = values.get(key);
                if (nodes == null) {
                    return null;
                }
                Map<String, List<Object>> out = new LinkedHashMap<>();
                for (Hcl.Node n : nodes) {
                    if (!(n instanceof Hcl.Obj obj)) {
                        throw at(n, name(key) + ": expected a map, got " + n.goType());
                    }
                    Fields inner = new Fields(name(key), obj);
                    for (Map.Entry<String, List<Hcl.Node>> e : inner.values.entrySet()) {
                        for (Hcl.Node v : e.getValue()) {
                            if (!(v instanceof Hcl.Lst lst)) {
                                throw at(v, name(key) + "." + e.getKey() + ": unknown slice type: " + v.goType());
                            }
                            out.put(e.getKey(), (List<Object>) plain(lst));
                        }
                    }
                }
                return out;
            }

            Fields object(String key) {
                Fields out = null;
                for (Hcl.Node n : values.getOrDefault(key, List.of())) {
                    if (!(n instanceof Hcl.Obj obj)) {
                        throw at(n, name(key) + ": expected an object, got " + n.goType());
                    }
                    Fields f = new Fields(name(key), obj);
                    if (out == null) {
                        out = f;
                    } else {
                        Fields target = out;
                        f.values.forEach((k, v) -> target.values.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                    }
                }
                return out;
            }

            /** {@code factor "a" {...} factor "b" {...}}: the named sub-objects in order. */
            Map<String, Fields> objects(String key) {
                Map<String, Fields> out = new LinkedHashMap<>();
                Fields all = object(key);
                if (all == null) {
                    return out;
                }
                for (Map.Entry<String, List<Hcl.Node>> e : all.values.entrySet()) {
                    for (Hcl.Node n : e.getValue()) {
                        if (!(n instanceof Hcl.Obj obj)) {
                            throw at(n, all.name(e.getKey()) + ": expected an object, got " + n.goType());
                        }
                        out.put(e.getKey(), new Fields(all.name(e.getKey()), obj));
                    }
                }
                return out;
            }
        }

        static boolean isNumber(Object o) {
            return o instanceof BigInteger || o instanceof BigDecimal;
        }
    }
}
