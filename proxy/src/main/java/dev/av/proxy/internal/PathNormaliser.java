package dev.av.proxy.internal;

import dev.av.proxy.Problems;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Normalises a request target before anything matches it, so that the bytes matched are the bytes
 * sent upstream (invariant: {@code /api/../admin} is matched, and sent, as {@code /admin}).
 * <ul>
 *   <li>refused: encoded slash, backslash, dot or NUL ({@code %2F %5C %2E %00}), raw backslashes,
 *       control characters, spaces, non-ASCII, fragments, malformed escapes, and {@code ..} above
 *       the root;</li>
 *   <li>decoded: escapes of unreserved letters, digits, {@code -_~} (RFC 3986 §6.2.2.2), so
 *       {@code /%61dmin} is {@code /admin}; other escapes keep their meaning, with upper-case hex;</li>
 *   <li>resolved: {@code .} and {@code ..} segments; empty segments ({@code //}) collapse.</li>
 * </ul>
 * The query is checked for the same refused characters and kept as sent.
 */
public final class PathNormaliser {

    /** A normalised origin-form target; {@code query} is null when absent. */
    public record Target(String path, String query) {
        public String toUri() {
            return query == null ? path : path + "?" + query;
        }
    }

    private PathNormaliser() {
    }

    public static Target normalise(String rawTarget) {
        if (rawTarget == null || !rawTarget.startsWith("/")) {
            throw Problems.badPath("the request target must be a path starting with '/'").exception();
        }
        int q = rawTarget.indexOf('?');
        String rawPath = q < 0 ? rawTarget : rawTarget.substring(0, q);
        String query = q < 0 ? null : rawTarget.substring(q + 1);
        String path = decodeUnreserved(rawPath);
        if (query != null) {
            checkChars(query);
            checkEscapes(query);
        }
        return new Target(removeDotSegments(path), query);
    }

    private static String decodeUnreserved(String p) {
        checkChars(p);
        StringBuilder out = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int v = hexPair(p, i);
            if (v == '/' || v == '\\' || v == '.' || v == 0) {
                throw Problems.badPath("encoded slashes, backslashes, dots and NUL are refused in paths").exception();
            }
            if (Character.isLetterOrDigit(v) && v < 0x80 || v == '-' || v == '_' || v == '~') {
                out.append((char) v);
            } else {
                out.append('%').append(Character.toUpperCase(p.charAt(i + 1))).append(Character.toUpperCase(p.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    private static void checkEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '%') {
                int v = hexPair(s, i);
                if (v == 0) {
                    throw Problems.badPath("encoded NUL is refused").exception();
                }
                i += 2;
            }
        }
    }

    private static int hexPair(String s, int at) {
        if (at + 2 >= s.length()) {
            throw Problems.badPath("malformed percent-escape").exception();
        }
        int hi = Character.digit(s.charAt(at + 1), 16);
        int lo = Character.digit(s.charAt(at + 2), 16);
        if (hi < 0 || lo < 0) {
            throw Problems.badPath("malformed percent-escape").exception();
        }
        return hi * 16 + lo;
    }

    private static void checkChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#') {
                throw Problems.badPath("control characters, spaces, backslashes, '#' and non-ASCII are refused in the target").exception();
            }
        }
    }

    private static String removeDotSegments(String path) {
        Deque<String> out = new ArrayDeque<>();
        String[] segs = path.split("/", -1);
        boolean trailingSlash = false;
        for (int i = 1; i < segs.length; i++) {
            String s = segs[i];
            boolean last = i == segs.length - 1;
            switch (s) {
                case "", "." -> trailingSlash = last;
                case ".." -> {
                    if (out.isEmpty()) {
                        throw Problems.badPath("'..' would climb above the root").exception();
                    }
                    out.removeLast();
                    trailingSlash = last;
                }
                default -> {
                    out.addLast(s);
                    trailingSlash = false;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String s : out) {
            sb.append('/').append(s);
        }
        if (sb.isEmpty() || trailingSlash) {
            sb.append('/');
        }
        return sb.toString();
    }
}
