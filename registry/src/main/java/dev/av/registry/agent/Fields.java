package dev.av.registry.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.av.core.AvException;
import dev.av.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads request fields the way Vault's CLI sends them: lists as JSON arrays or comma-separated
 * strings, maps as JSON objects, JSON text or {@code k=v,k2=v2}; booleans and numbers as JSON values or
 * strings. Every failure is a bad request naming the field.
 */
public final class Fields {

    private Fields() {
    }

    public static String string(Map<String, ?> data, String field, String fallback) {
        Object v = data.get(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
            throw AvException.badRequest("\"" + field + "\" must be a string");
        }
        return v.toString();
    }

    /** A list of names: a JSON array or a comma-separated string; blanks dropped, duplicates removed. */
    public static List<String> list(Map<String, ?> data, String field) {
        Object v = data.get(field);
        LinkedHashSet<String> out = new LinkedHashSet<>();
        if (v == null) {
            return List.of();
        }
        if (v instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof Map<?, ?> || o instanceof Collection<?> || o == null) {
                    throw AvException.badRequest("\"" + field + "\" must be a list of strings");
                }
                addSplit(out, o.toString());
            }
        } else if (v instanceof Map<?, ?>) {
            throw AvException.badRequest("\"" + field + "\" must be a list or a comma-separated string");
        } else {
            addSplit(out, v.toString());
        }
        return List.copyOf(out);
    }

    private static void addSplit(Collection<String> out, String text) {
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
    }

    /** A string map: a JSON object, JSON object text, or {@code k=v} pairs separated by commas. */
    public static Map<String, String> map(Map<String, ?> data, String field) {
        Object v = data.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, val) -> out.put(String.valueOf(k), scalar(field, val)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            for (Object o : c) {
                putPair(out, field, String.valueOf(o));
            }
            return out;
        }
        String text = v.toString().trim();
        if (text.isEmpty()) {
            return out;
        }
        if (text.startsWith("{")) {
            try {
                Map<String, Object> parsed = Json.MAPPER.readValue(text, new TypeReference<>() { });
                parsed.forEach((k, val) -> out.put(k, scalar(field, val)));
                return out;
            } catch (JsonProcessingException e) {
                throw AvException.badRequest("\"" + field + "\" is not a valid JSON object");
            }
        }
        for (String pair : text.split(",")) {
            if (!pair.isBlank()) {
                putPair(out, field, pair);
            }
        }
        return out;
    }

    private static void putPair(Map<String, String> out, String field, String pair) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw AvException.badRequest("\"" + field + "\" must be k=v pairs separated by commas, or a JSON map; got \""
                    + Names.shorten(pair.trim()) + "\"");
        }
        out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }

    private static String scalar(String field, Object val) {
        if (val instanceof Map<?, ?> || val instanceof Collection<?>) {
            throw AvException.badRequest("\"" + field + "\" values must be strings, numbers or booleans");
        }
        return val == null ? "" : val.toString();
    }

    public static Boolean bool(Map<String, ?> data, String field) {
        Object v = data.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "t", "yes" -> true;
            case "false", "0", "f", "no" -> false;
            default -> throw AvException.badRequest("\"" + field + "\" must be true or false");
        };
    }

    public static Integer integer(Map<String, ?> data, String field) {
        Object v = data.get(field);
        if (v == null) {
            return null;
        }
        try {
            long n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw AvException.badRequest("\"" + field + "\" must be between 0 and " + Integer.MAX_VALUE);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw AvException.badRequest("\"" + field + "\" must be a whole number");
        }
    }

    public static Duration duration(Map<String, ?> data, String field) {
        Object v = data.get(field);
        return v == null ? null : Durations.parse(field, v);
    }

    /** Rejects fields the endpoint does not know, so that a typo is an error rather than silently ignored. */
    public static void onlyKnown(Map<String, ?> data, String... known) {
        List<String> unknown = new ArrayList<>();
        List<String> allowed = List.of(known);
        for (String k : data.keySet()) {
            if (!allowed.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            throw AvException.badRequest("unknown field(s) " + unknown + "; expected some of " + allowed);
        }
    }
}
