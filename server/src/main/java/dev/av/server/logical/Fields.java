package dev.av.server.logical;

import dev.av.core.AvException;
import dev.av.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a request's data map, with Vault's lenient conversions (a bool may be sent as
 * {@code "true"}, a list as a comma-separated string, a duration as seconds or {@code "1h"}) and a
 * clear 400 naming the field when the type is wrong. Values are never echoed in errors.
 */
public final class Fields {

    private final Map<String, Object> data;

    public Fields(Map<String, Object> data) {
        this.data = data == null ? Map.of() : data;
    }

    public static Fields of(LogicalRequest request) {
        return new Fields(request.data());
    }

    public boolean has(String name) {
        return data.containsKey(name) && data.get(name) != null;
    }

    public String string(String name, String dflt) {
        Object v = data.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw wrongType(name, "a string");
    }

    public String requiredString(String name) {
        String s = string(name, null);
        if (s == null || s.isEmpty()) {
            throw AvException.badRequest("missing required field \"" + name + "\"");
        }
        return s;
    }

    public boolean bool(String name, boolean dflt) {
        Object v = data.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            if (s.equalsIgnoreCase("true") || s.equals("1")) {
                return true;
            }
            if (s.equalsIgnoreCase("false") || s.equals("0") || s.isEmpty()) {
                return false;
            }
        }
        if (v instanceof Number n && (n.longValue() == 0 || n.longValue() == 1) && n.doubleValue() == n.longValue()) {
            return n.longValue() == 1;
        }
        throw wrongType(name, "a boolean");
    }

    public Boolean optionalBool(String name) {
        return has(name) ? bool(name, false) : null;
    }

    public long integer(String name, long dflt) {
        Object v = data.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            if (n.doubleValue() != Math.rint(n.doubleValue())) {
                throw wrongType(name, "an integer");
            }
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw wrongType(name, "an integer");
            }
        }
        throw wrongType(name, "an integer");
    }

    public Duration duration(String name) {
        Object v = data.get(name);
        if (v == null) {
            return Duration.ZERO;
        }
        if (!(v instanceof String) && !(v instanceof Number)) {
            throw wrongType(name, "a duration");
        }
        if (v instanceof Number n && n.doubleValue() < 0) {
            throw AvException.badRequest("invalid duration for \"" + name + "\": must not be negative");
        }
        return Durations.parse(name, v);
    }

    /** A list of strings: a JSON array of strings, or a comma-separated string. */
    public List<String> stringList(String name) {
        Object v = data.get(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String s) {
            for (String part : s.split(",")) {
                if (!part.trim().isEmpty()) {
                    out.add(part.trim());
                }
            }
            return out;
        }
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw wrongType(name, "a list of strings");
                }
                if (!s.trim().isEmpty()) {
                    out.add(s.trim());
                }
            }
            return out;
        }
        throw wrongType(name, "a list of strings");
    }

    /** A map of string to string (JSON object whose values are strings). */
    public Map<String, String> stringMap(String name) {
        Object v = data.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw wrongType(name, "a map of strings");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw wrongType(name, "a map of strings");
            }
            out.put(e.getKey().toString(), s);
        }
        return out;
    }

    /** A JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String name) {
        Object v = data.get(name);
        if (v == null) {
            return new LinkedHashMap<>();
        }
        if (!(v instanceof Map<?, ?>)) {
            throw wrongType(name, "an object");
        }
        return (Map<String, Object>) v;
    }

    /** Names in the data that are not in {@code known}, for Vault's "ignored parameters" warning. */
    public List<String> unknown(Set<String> known) {
        List<String> out = new ArrayList<>();
        for (String k : data.keySet()) {
            if (!known.contains(k)) {
                out.add(k);
            }
        }
        out.sort(null);
        return out;
    }

    private static AvException wrongType(String name, String what) {
        return AvException.badRequest("invalid value for \"" + name + "\": expected " + what);
    }
}
