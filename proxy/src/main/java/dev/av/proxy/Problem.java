package dev.av.proxy;

import java.nio.charset.StandardCharsets;

/**
 * An RFC 9457 problem the proxy answers with ({@code application/problem+json}). {@code code} is
 * stable (agents branch on it), {@code refusedBy} says whether av or the upstream refused, and
 * {@code suggestion} tells the agent what it could do instead. None of the fields may hold a secret.
 */
public record Problem(int status, String code, String title, String detail, String refusedBy, String suggestion) {

    public static final String AV = "av";
    public static final String UPSTREAM = "upstream";

    public Problem {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("problem status must be 4xx or 5xx, was " + status);
        }
    }

    public static Problem of(int status, String code, String title, String detail, String suggestion) {
        return new Problem(status, code, title, detail, AV, suggestion);
    }

    /** The problem as an exception, for code paths that refuse by throwing. */
    public ProblemException exception() {
        return new ProblemException(this);
    }

    public byte[] toJson(String instance) {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "type", "https://av.dev/problems/" + code).append(',');
        field(sb, "title", title).append(',');
        sb.append("\"status\":").append(status).append(',');
        field(sb, "code", code).append(',');
        field(sb, "detail", detail).append(',');
        field(sb, "refused_by", refusedBy);
        if (suggestion != null) {
            field(sb.append(','), "suggestion", suggestion);
        }
        if (instance != null) {
            field(sb.append(','), "instance", instance);
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        return quote(sb, value);
    }

    /** Appends {@code value} as a JSON string literal. */
    public static StringBuilder quote(StringBuilder sb, String value) {
        if (value == null) {
            return sb.append("null");
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
