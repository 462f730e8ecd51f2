package dev.av.server.http;

import dev.av.core.AvException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parsing of the raw request line: {@code /v1/<path>}, the query string and the token headers. */
public final class ApiPaths {

    public static final int MAX_PATH = 2048;

    private ApiPaths() {
    }

    /**
     * The API path without {@code /v1/}, percent-decoded per segment. Refuses empty, {@code .} and
     * {@code ..} segments (a single trailing slash is kept), encoded slashes, control characters and
     * over-long paths.
     */
    public static String parse(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/v1/")) {
            throw AvException.notFound("unsupported path");
        }
        String rest = rawPath.substring(4);
        if (rest.isEmpty()) {
            throw AvException.notFound("missing path after /v1/");
        }
        if (rest.length() > MAX_PATH) {
            throw AvException.badRequest("invalid path: too long");
        }
        boolean trailing = rest.endsWith("/");
        String body = trailing ? rest.substring(0, rest.length() - 1) : rest;
        String[] segments = body.split("/", -1);
        StringBuilder out = new StringBuilder(rest.length());
        for (int i = 0; i < segments.length; i++) {
            String seg = decodeSegment(segments[i]);
            if (seg.isEmpty()) {
                throw AvException.badRequest("invalid path: empty segment");
            }
            if (seg.equals(".") || seg.equals("..")) {
                throw AvException.badRequest("invalid path: \".\" and \"..\" segments are not allowed");
            }
            if (seg.indexOf('/') >= 0 || seg.indexOf('\\') >= 0) {
                throw AvException.badRequest("invalid path: encoded slash");
            }
            for (int j = 0; j < seg.length(); j++) {
                char c = seg.charAt(j);
                if (c < 0x20 || c == 0x7f) {
                    throw AvException.badRequest("invalid path: control character");
                }
            }
            if (i > 0) {
                out.append('/');
            }
            out.append(seg);
        }
        if (trailing) {
            out.append('/');
        }
        return out.toString();
    }

    private static String decodeSegment(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw AvException.badRequest("invalid path: bad percent-encoding");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw AvException.badRequest("invalid path: bad percent-encoding");
                }
                buf.write(hi * 16 + lo);
                i += 3;
            } else {
                int cp = s.codePointAt(i);
                buf.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Query parameters (decoded; repeated names keep every value). Malformed encoding → 400. */
    public static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            try {
                k = java.net.URLDecoder.decode(k, StandardCharsets.UTF_8);
                v = java.net.URLDecoder.decode(v, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw AvException.badRequest("invalid query string");
            }
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** The token from {@code X-Vault-Token}, else {@code Authorization: Bearer}; null when absent. */
    public static String token(Map<String, List<String>> headers) {
        String t = header(headers, "x-vault-token");
        if (t != null && !t.isBlank()) {
            return t.trim();
        }
        String auth = header(headers, "authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String b = auth.substring(7).trim();
            return b.isEmpty() ? null : b;
        }
        return null;
    }

    /** First value of a header, case-insensitive. */
    public static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
