package dev.av.policy.acl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Vault's parameter value matching (spec 3.6): glob strings, deep equality with numbers compared
 * numerically, element-wise retry for lists and comma-separated strings, and lower-cased values for
 * the {@code policies} and {@code token_policies} keys.
 */
final class ParameterMatcher {

    private ParameterMatcher() {
    }

    /** True when {@code value} of parameter {@code key} matches the allowed list. */
    static boolean allowed(String key, Object value, List<Object> list) {
        if (list.isEmpty()) {
            return true;
        }
        Object v = normalise(key, value);
        if (inList(v, list)) {
            return true;
        }
        List<Object> elements = elements(v);
        if (elements == null) {
            return false;
        }
        for (Object e : elements) {
            if (!inList(e, list)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code value} of parameter {@code key} matches the denied list. */
    static boolean denied(String key, Object value, List<Object> list) {
        if (list.isEmpty()) {
            return true;
        }
        Object v = normalise(key, value);
        if (inList(v, list)) {
            return true;
        }
        List<Object> elements = elements(v);
        if (elements == null) {
            return false;
        }
        for (Object e : elements) {
            if (inList(e, list)) {
                return true;
            }
        }
        return false;
    }

    private static Object normalise(String key, Object value) {
        if (!key.equals("policies") && !key.equals("token_policies")) {
            return value;
        }
        if (value instanceof String s) {
            return s.toLowerCase(Locale.ROOT);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(o instanceof String s ? s.toLowerCase(Locale.ROOT) : o);
            }
            return out;
        }
        return value;
    }

    /** A list's elements, a string's comma-separated trimmed pieces ("" has none), or null. */
    private static List<Object> elements(Object v) {
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof String s) {
            List<Object> out = new ArrayList<>();
            if (s.isEmpty()) {
                return out;
            }
            for (String piece : PolicyTemplate.split(s, ",")) {
                out.add(piece.strip());
            }
            return out;
        }
        return null;
    }

    static boolean inList(Object v, List<Object> list) {
        for (Object el : list) {
            if (el == null || v == null) {
                if (el == null && v == null) {
                    return true;
                }
                continue;
            }
            if (el instanceof String item && v instanceof String val) {
                if (globMatch(item, val)) {
                    return true;
                }
            } else if (deepEquals(el, v)) {
                return true;
            }
        }
        return false;
    }

    /** Vault's strutil.GlobbedStringsMatch. */
    static boolean globMatch(String item, String val) {
        if (item.length() < 2) {
            return val.equals(item);
        }
        boolean pre = item.startsWith("*");
        boolean suf = item.endsWith("*");
        if (pre && suf) {
            return val.contains(item.substring(1, item.length() - 1));
        }
        if (pre) {
            return val.endsWith(item.substring(1));
        }
        if (suf) {
            return val.startsWith(item.substring(0, item.length() - 1));
        }
        return val.equals(item);
    }

    static boolean deepEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Number x && b instanceof Number y) {
            BigDecimal dx = decimal(x);
            BigDecimal dy = decimal(y);
            return dx != null && dy != null && dx.compareTo(dy) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> ix = x.iterator();
            Iterator<?> iy = y.iterator();
            while (ix.hasNext()) {
                if (!deepEquals(ix.next(), iy.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return null;
            }
            return BigDecimal.valueOf(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
