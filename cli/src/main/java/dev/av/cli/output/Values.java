package dev.av.cli.output;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How Vault's CLI prints a value in a table cell (Go's {@code %v}) and durations ({@code 768h}). */
public final class Values {

    private Values() {
    }

    /** Go's {@code %v}: maps as {@code map[k:v]} with sorted keys, lists as {@code [a b]}. */
    public static String cell(Object v) {
        StringBuilder b = new StringBuilder();
        append(b, v);
        return b.toString();
    }

    private static void append(StringBuilder b, Object v) {
        if (v == null) {
            b.append("<nil>");
        } else if (v instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            b.append("map[");
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    b.append(' ');
                }
                first = false;
                b.append(e.getKey()).append(':');
                append(b, e.getValue());
            }
            b.append(']');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(' ');
                }
                append(b, l.get(i));
            }
            b.append(']');
        } else if (v instanceof Double d) {
            b.append(number(d));
        } else {
            b.append(v);
        }
    }

    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** Vault's {@code %q} of a string list: {@code ["default" "dev"]}. */
    public static String quotedList(Object v) {
        if (!(v instanceof List<?> l)) {
            return "[]";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(dev.av.api.Json.write(String.valueOf(l.get(i))));
        }
        return b.append(']').toString();
    }

    /** Whether Vault prints a data field as a duration ({@code ttl}, {@code *_ttl}, {@code period}, ...). */
    public static boolean looksLikeDuration(String key) {
        return key.equals("period") || key.endsWith("_period") || key.equals("ttl") || key.endsWith("_ttl")
                || key.endsWith("_timeout");
    }

    /** Seconds as Vault prints them: {@code 0s}, {@code 1m30s}, {@code 1h}, {@code 768h}, {@code 1h0m5s}. */
    public static String duration(long seconds) {
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long s = Math.abs(seconds);
        if (seconds < 0) {
            b.append('-');
        }
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (sec > 0) {
            b.append(sec).append('s');
        }
        return b.toString();
    }

    /** A duration-like value: numbers become {@link #duration}, anything else prints as is. */
    public static Object durationOrSelf(Object v) {
        if (v instanceof Number n && !(v instanceof Double)) {
            return duration(n.longValue());
        }
        if (v instanceof String s && !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 18) {
            return duration(Long.parseLong(s));
        }
        return v;
    }
}
