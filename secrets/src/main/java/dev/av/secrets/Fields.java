package dev.av.secrets;

import dev.av.core.AvException;
import dev.av.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Reads request fields the way Vault's framework does (strings, comma lists, durations, bools). */
public final class Fields {

    private Fields() {
    }

    public static String string(Map<String, Object> data, String name, String fallback) {
        Object v = data.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map || v instanceof Collection) {
            throw AvException.badRequest("field \"" + name + "\" must be a string");
        }
        return v.toString();
    }

    public static String required(Map<String, Object> data, String name) {
        String v = string(data, name, null);
        if (v == null || v.isBlank()) {
            throw AvException.badRequest("missing required field \"" + name + "\"");
        }
        return v;
    }

    /** A list given as a JSON array or a comma-separated string (Vault's {@code TypeCommaStringSlice}). */
    public static List<String> list(Map<String, Object> data, String name, List<String> fallback) {
        Object v = data.get(name);
        if (v == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            for (Object o : c) {
                if (o != null && !o.toString().isBlank()) {
                    out.add(o.toString().trim());
                }
            }
        } else {
            for (String part : v.toString().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** Statements: a JSON array or a single string (kept whole; split on ';' when executed). */
    public static List<String> statements(Map<String, Object> data, String name, List<String> fallback) {
        Object v = data.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Collection<?> c) {
            List<String> out = new ArrayList<>();
            for (Object o : c) {
                if (o != null && !o.toString().isBlank()) {
                    out.add(o.toString());
                }
            }
            return out;
        }
        return v.toString().isBlank() ? List.of() : List.of(v.toString());
    }

    public static Duration duration(Map<String, Object> data, String name, Duration fallback) {
        Object v = data.get(name);
        return v == null ? fallback : Durations.parse(name, v);
    }

    public static boolean bool(Map<String, Object> data, String name, boolean fallback) {
        Object v = data.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "t" -> true;
            case "false", "0", "f", "" -> false;
            default -> throw AvException.badRequest("field \"" + name + "\" must be a boolean");
        };
    }
}
