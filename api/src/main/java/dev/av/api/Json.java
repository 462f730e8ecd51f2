package dev.av.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small, strict JSON reader and writer with no dependencies (RFC 8259).
 *
 * <p>Reading gives {@link LinkedHashMap} (key order kept), {@link ArrayList}, {@link String},
 * {@link Long} (or {@link BigInteger} when it does not fit), {@link Double} (or {@link BigDecimal}
 * when a double would lose the value's magnitude), {@link Boolean} and {@code null}. It refuses
 * what RFC 8259 refuses (comments, trailing commas, single quotes, leading zeros, raw control
 * characters, trailing content) and also duplicate keys and nesting deeper than {@value #MAX_DEPTH}.
 * Errors say where ({@code line 3, column 7}) and what was expected, and never quote the input, so
 * a secret in a malformed body is never echoed.
 *
 * <p>Writing takes the same types plus any {@link Map}, {@link Iterable}, arrays, other
 * {@link Number}s, {@link Enum}s (their name), {@link Optional} and {@link JsonWritable}.
 */
public final class Json {

    /** Nesting limit for reading: deeper documents are refused rather than overflowing the stack. */
    public static final int MAX_DEPTH = 256;

    private Json() {
    }

    /** Something that knows its own JSON form (e.g. a wire record). */
    public interface JsonWritable {
        /** The value to write instead of this object: a map, list, string, number, boolean or null. */
        Object toJson();
    }

    /** Reads one JSON value; anything after it but whitespace is an error. */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        r.skipWs();
        Object value = r.value(0);
        r.skipWs();
        if (r.pos < text.length()) {
            throw r.error("unexpected content after the JSON value");
        }
        return value;
    }

    /** Reads a JSON object; any other top-level value is an error. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new JsonException("expected a JSON object but got " + typeName(v), 1, 1);
        }
        return (Map<String, Object>) v;
    }

    /** Writes compact JSON. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(128);
        new Writer(out, null).value(value, 0);
        return out.toString();
    }

    /** Writes JSON indented by two spaces, the way {@code vault -format=json} prints. */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder(256);
        new Writer(out, "  ").value(value, 0);
        return out.toString();
    }

    /** The JSON type name of a parsed value, for error messages. */
    public static String typeName(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof Map) {
            return "object";
        } else if (v instanceof List) {
            return "array";
        } else if (v instanceof String) {
            return "string";
        } else if (v instanceof Number) {
            return "number";
        } else if (v instanceof Boolean) {
            return "boolean";
        }
        return v.getClass().getSimpleName();
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        JsonException error(String message) {
            int line = 1;
            int col = 1;
            int end = Math.min(pos, s.length());
            for (int i = 0; i < end; i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new JsonException(message, line, col);
        }

        void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        Object value(int depth) {
            if (pos >= s.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth + 1);
                case '[':
                    return array(depth + 1);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character " + describe(c) + ", expected a value");
            }
        }

        private static String describe(char c) {
            if (c < 0x20 || c > 0x7e) {
                return String.format("U+%04X", (int) c);
            }
            return "'" + c + "'";
        }

        void literal(String word) {
            if (!s.startsWith(word, pos)) {
                throw error("invalid literal, expected " + word);
            }
            pos += word.length();
        }

        Map<String, Object> object(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            pos++; // {
            Map<String, Object> map = new LinkedHashMap<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a string key");
                }
                int keyAt = pos;
                String key = string();
                skipWs();
                expect(':', "expected ':' after an object key");
                skipWs();
                Object v = value(depth);
                if (map.containsKey(key)) {
                    pos = keyAt;
                    throw error("duplicate key \"" + shortKey(key) + "\"");
                }
                map.put(key, v);
                skipWs();
                if (pos >= s.length()) {
                    throw error("unexpected end of input, expected ',' or '}'");
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}' in an object");
                }
            }
        }

        private static String shortKey(String key) {
            return key.length() > 40 ? key.substring(0, 40) + "..." : key;
        }

        List<Object> array(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            pos++; // [
            List<Object> list = new ArrayList<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWs();
                list.add(value(depth));
                skipWs();
                if (pos >= s.length()) {
                    throw error("unexpected end of input, expected ',' or ']'");
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']' in an array");
                }
            }
        }

        void expect(char c, String message) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error(message);
            }
            pos++;
        }

        String string() {
            pos++; // opening quote
            int start = pos;
            // fast path: no escapes
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '"') {
                    return s.substring(start, pos++);
                }
                if (c == '\\') {
                    break;
                }
                if (c < 0x20) {
                    throw error("control character " + describe(c) + " in a string must be escaped");
                }
                pos++;
            }
            StringBuilder b = new StringBuilder(pos - start + 16).append(s, start, pos);
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return b.toString();
                }
                if (c < 0x20) {
                    throw error("control character " + describe(c) + " in a string must be escaped");
                }
                if (c != '\\') {
                    b.append(c);
                    pos++;
                    continue;
                }
                if (pos + 1 >= s.length()) {
                    break;
                }
                char e = s.charAt(pos + 1);
                pos += 2;
                switch (e) {
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case '/' -> b.append('/');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> b.append(unicodeEscape());
                    default -> {
                        pos -= 2;
                        throw error("invalid escape sequence in a string");
                    }
                }
            }
            throw error("unterminated string");
        }

        private char unicodeEscape() {
            if (pos + 4 > s.length()) {
                throw error("incomplete \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) {
                    throw error("invalid \\u escape");
                }
                v = v * 16 + d;
            }
            pos += 4;
            return (char) v;
        }

        Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                throw error("invalid number: expected a digit");
            }
            if (s.charAt(pos) == '0') {
                pos++;
                if (pos < s.length() && isDigit(s.charAt(pos))) {
                    throw error("invalid number: leading zeros are not allowed");
                }
            } else {
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                    throw error("invalid number: expected a digit after '.'");
                }
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                    throw error("invalid number: expected a digit in the exponent");
                }
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            String text = s.substring(start, pos);
            if (integral) {
                if (text.length() < 19) {
                    return Long.parseLong(text);
                }
                BigInteger big = new BigInteger(text);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            double d = Double.parseDouble(text);
            if (Double.isInfinite(d) || (d == 0 && new BigDecimal(text).signum() != 0)) {
                return new BigDecimal(text);
            }
            return d;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }

    private static final class Writer {
        private final StringBuilder out;
        private final String indent;

        Writer(StringBuilder out, String indent) {
            this.out = out;
            this.indent = indent;
        }

        private void newline(int depth) {
            if (indent != null) {
                out.append('\n');
                for (int i = 0; i < depth; i++) {
                    out.append(indent);
                }
            }
        }

        void value(Object v, int depth) {
            if (depth > MAX_DEPTH * 4) {
                throw new IllegalArgumentException("value nested too deeply (a cycle?)");
            }
            if (v == null) {
                out.append("null");
            } else if (v instanceof String str) {
                string(str);
            } else if (v instanceof Boolean b) {
                out.append(b.booleanValue());
            } else if (v instanceof Number n) {
                number(n);
            } else if (v instanceof Map<?, ?> m) {
                object(m, depth);
            } else if (v instanceof Collection<?> c) {
                array(c, depth);
            } else if (v instanceof Iterable<?> it) {
                List<Object> l = new ArrayList<>();
                it.forEach(l::add);
                array(l, depth);
            } else if (v instanceof Object[] arr) {
                array(Arrays.asList(arr), depth);
            } else if (v instanceof JsonWritable w) {
                value(w.toJson(), depth);
            } else if (v instanceof Optional<?> o) {
                value(o.orElse(null), depth);
            } else if (v instanceof Enum<?> e) {
                string(e.name());
            } else if (v instanceof Character ch) {
                string(String.valueOf(ch));
            } else if (v instanceof CharSequence cs) {
                string(cs.toString());
            } else if (v.getClass().isArray()) {
                primitiveArray(v, depth);
            } else {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
        }

        private void primitiveArray(Object arr, int depth) {
            int n = java.lang.reflect.Array.getLength(arr);
            List<Object> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(java.lang.reflect.Array.get(arr, i));
            }
            array(l, depth);
        }

        private void number(Number n) {
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("JSON has no NaN or infinity");
                }
                out.append(n instanceof Float ? Float.toString(n.floatValue()) : Double.toString(d));
            } else if (n instanceof BigDecimal bd) {
                out.append(bd.toString());
            } else {
                out.append(n.toString());
            }
        }

        private void object(Map<?, ?> m, int depth) {
            if (m.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(depth + 1);
                string(String.valueOf(e.getKey()));
                out.append(indent != null ? ": " : ":");
                value(e.getValue(), depth + 1);
            }
            newline(depth);
            out.append('}');
        }

        private void array(Collection<?> c, int depth) {
            if (c.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(depth + 1);
                value(o, depth + 1);
            }
            newline(depth);
            out.append(']');
        }

        private void string(String str) {
            out.append('"');
            int last = 0;
            for (int i = 0; i < str.length(); i++) {
                char c = str.charAt(i);
                String rep = null;
                if (c == '"') {
                    rep = "\\\"";
                } else if (c == '\\') {
                    rep = "\\\\";
                } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                    rep = switch (c) {
                        case '\n' -> "\\n";
                        case '\r' -> "\\r";
                        case '\t' -> "\\t";
                        case '\b' -> "\\b";
                        case '\f' -> "\\f";
                        default -> String.format("\\u%04x", (int) c);
                    };
                }
                if (rep != null) {
                    out.append(str, last, i).append(rep);
                    last = i + 1;
                }
            }
            out.append(str, last, str.length()).append('"');
        }
    }
}
