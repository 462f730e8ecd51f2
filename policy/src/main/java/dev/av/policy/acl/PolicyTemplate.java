package dev.av.policy.acl;

import java.util.ArrayList;
import java.util.List;

/** Vault's ACL templating of path labels ({@code identity.entity.*}, {@code identity.groups.*}). */
final class PolicyTemplate {

    static final String UNBALANCED = "unbalanced templating characters";

    private PolicyTemplate() {
    }

    /** True when the string has placeholders; throws when the braces are unbalanced. */
    static boolean validate(String s) {
        return render(s, null, true) != null && s.contains("{{");
    }

    /** The filled string, or null when a placeholder cannot be filled (the stanza is then dropped). */
    static String fill(String s, TemplateIdentity identity) {
        try {
            return render(s, identity, false);
        } catch (Unfillable e) {
            return null;
        }
    }

    private static final class Unfillable extends RuntimeException {
        Unfillable() {
            super(null, null, false, false);
        }
    }

    private static String render(String s, TemplateIdentity identity, boolean checkOnly) {
        if (s.isEmpty()) {
            return s;
        }
        List<String> pieces = split(s, "{{");
        if (pieces.get(0).contains("}}")) {
            throw new PolicyException(UNBALANCED);
        }
        if (pieces.size() == 1) {
            return s;
        }
        StringBuilder out = new StringBuilder(pieces.get(0));
        for (int i = 1; i < pieces.size(); i++) {
            List<String> parts = split(pieces.get(i), "}}");
            if (parts.size() != 2) {
                throw new PolicyException(UNBALANCED);
            }
            if (!checkOnly) {
                out.append(value(parts.get(0).strip(), identity));
            }
            out.append(parts.get(1));
        }
        return out.toString();
    }

    /** Go's strings.Split. */
    static List<String> split(String s, String sep) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                out.add(s.substring(from));
                return out;
            }
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
    }

    private static String value(String selector, TemplateIdentity id) {
        if (selector.startsWith("identity.entity.")) {
            if (id == null) {
                throw new Unfillable();
            }
            return entity(selector.substring("identity.entity.".length()), id);
        }
        if (selector.startsWith("identity.groups.")) {
            return groups(selector.substring("identity.groups.".length()), id);
        }
        throw new Unfillable();
    }

    private static String entity(String sel, TemplateIdentity id) {
        if (sel.equals("id")) {
            return nonNull(id.entityId(), true);
        }
        if (sel.equals("name")) {
            return nonNull(id.entityName(), false);
        }
        if (sel.startsWith("metadata.")) {
            return present(id.entityMetadata().get(sel.substring("metadata.".length())));
        }
        if (sel.startsWith("aliases.")) {
            String rest = sel.substring("aliases.".length());
            int dot = rest.indexOf('.');
            if (dot < 0) {
                throw new Unfillable();
            }
            String accessor = rest.substring(0, dot);
            String field = rest.substring(dot + 1);
            for (TemplateIdentity.Alias a : id.aliases()) {
                if (accessor.equals(a.mountAccessor())) {
                    if (field.equals("id")) {
                        return nonNull(a.id(), true);
                    }
                    if (field.equals("name")) {
                        return nonNull(a.name(), false);
                    }
                    if (field.startsWith("metadata.")) {
                        return present(a.metadata().get(field.substring("metadata.".length())));
                    }
                    if (field.startsWith("custom_metadata.")) {
                        return present(a.customMetadata().get(field.substring("custom_metadata.".length())));
                    }
                    throw new Unfillable();
                }
            }
            throw new Unfillable();
        }
        throw new Unfillable();
    }

    private static String groups(String sel, TemplateIdentity id) {
        int dot = sel.indexOf('.');
        if (dot < 0) {
            throw new Unfillable();
        }
        String kind = sel.substring(0, dot);
        if (!kind.equals("ids") && !kind.equals("names")) {
            throw new Unfillable();
        }
        String rest = sel.substring(dot + 1);
        int dot2 = rest.indexOf('.');
        if (dot2 < 0) {
            throw new Unfillable();
        }
        String which = rest.substring(0, dot2);
        String field = rest.substring(dot2 + 1);
        if (id == null) {
            throw new Unfillable();
        }
        for (TemplateIdentity.Group g : id.groups()) {
            String compare = kind.equals("ids") ? g.id() : g.name();
            if (which.equals(compare)) {
                if (field.equals("id")) {
                    return nonNull(g.id(), true);
                }
                if (field.equals("name")) {
                    return nonNull(g.name(), false);
                }
                if (field.startsWith("metadata.")) {
                    return present(g.metadata().get(field.substring("metadata.".length())));
                }
                throw new Unfillable();
            }
        }
        throw new Unfillable();
    }

    /** Vault returns an empty id as is, but treats an empty name as "not found". */
    private static String nonNull(String v, boolean emptyAllowed) {
        if (v == null || (!emptyAllowed && v.isEmpty())) {
            throw new Unfillable();
        }
        return v;
    }

    private static String present(String v) {
        if (v == null) {
            throw new Unfillable();
        }
        return v;
    }
}
