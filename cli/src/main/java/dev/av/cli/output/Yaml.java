package dev.av.cli.output;

import dev.av.api.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A small YAML emitter for {@code -format=yaml}: block style, keys sorted like Vault's output. */
public final class Yaml {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./@-]*( [A-Za-z0-9_./@-]+)*");
    private static final java.util.Set<String> RESERVED = java.util.Set.of(
            "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~");

    private Yaml() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        if (value instanceof Map<?, ?> m && !m.isEmpty()) {
            map(out, m, 0);
        } else if (value instanceof List<?> l && !l.isEmpty()) {
            list(out, l, 0);
        } else {
            out.append(scalar(value)).append('\n');
        }
        return out.toString();
    }

    private static void indent(StringBuilder out, int n) {
        out.append("  ".repeat(n));
    }

    private static void map(StringBuilder out, Map<?, ?> m, int depth) {
        Map<String, Object> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
            indent(out, depth);
            out.append(scalar(e.getKey())).append(':');
            child(out, e.getValue(), depth);
        }
    }

    private static void list(StringBuilder out, List<?> l, int depth) {
        for (Object v : l) {
            indent(out, depth);
            out.append('-');
            child(out, v, depth);
        }
    }

    private static void child(StringBuilder out, Object v, int depth) {
        if (v instanceof Map<?, ?> cm && !cm.isEmpty()) {
            out.append('\n');
            map(out, cm, depth + 1);
        } else if (v instanceof List<?> cl && !cl.isEmpty()) {
            out.append('\n');
            list(out, cl, depth + 1);
        } else {
            out.append(' ').append(scalar(v)).append('\n');
        }
    }

    static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "{}";
        }
        if (v instanceof List) {
            return "[]";
        }
        if (v instanceof Boolean || v instanceof Number) {
            return Json.write(v);
        }
        String s = v.toString();
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(java.util.Locale.ROOT))) {
            return s;
        }
        return Json.write(s);
    }
}
