package dev.av.audit;

import dev.av.core.AvException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A device's {@code filter}: which entries it records. A small boolean language in the spirit of
 * Vault's filter option:
 *
 * <pre>
 *   expr   := term ("or" term)*
 *   term   := factor ("and" factor)*
 *   factor := "not" factor | "(" expr ")" | FIELD ("==" | "!=" | "matches") VALUE
 * </pre>
 *
 * VALUE is a double-quoted string or a bare word; {@code matches} takes a glob where {@code *}
 * matches any run of characters. Fields: {@code type, agent, delegate, decision} ({@code allow} /
 * {@code deny} / empty), {@code operation, path, mount_point, mount_type, token_kind, host, method,
 * service, admin} (the admin action, empty when none), {@code error}. Example:
 * {@code decision == deny and agent == "ci-bot"}. Immutable and thread-safe.
 */
public final class AuditFilter {

    private interface Node {
        boolean test(AuditEvent e);
    }

    private static final List<String> FIELDS = List.of("type", "agent", "delegate", "decision", "operation", "path",
            "mount_point", "mount_type", "token_kind", "host", "method", "service", "admin", "error");

    private final String source;
    private final Node root;

    private AuditFilter(String source, Node root) {
        this.source = source;
        this.root = root;
    }

    /** Parses a filter; a bad filter is a bad request naming what is wrong. */
    public static AuditFilter parse(String source) {
        Parser p = new Parser(source);
        Node n = p.expr();
        if (p.pos < p.tokens.size()) {
            throw bad(source, "unexpected \"" + p.tokens.get(p.pos) + "\"");
        }
        return new AuditFilter(source, n);
    }

    public boolean test(AuditEvent e) {
        return root.test(e);
    }

    @Override
    public String toString() {
        return source;
    }

    static String field(AuditEvent e, String field) {
        String v = switch (field) {
            case "type" -> e.type().wire();
            case "agent" -> e.agent();
            case "delegate" -> e.actor() == null ? null : e.actor().delegateUser();
            case "decision" -> e.decision() == null ? null : (e.decision().allowed() ? "allow" : "deny");
            case "operation" -> e.operation();
            case "path" -> e.path();
            case "mount_point" -> e.mountPoint();
            case "mount_type" -> e.mountType();
            case "token_kind" -> e.actor() == null ? null : e.actor().tokenKind();
            case "host" -> e.proxy() == null ? null : e.proxy().host();
            case "method" -> e.proxy() == null ? null : e.proxy().method();
            case "service" -> e.proxy() == null ? null : e.proxy().service();
            case "admin" -> e.admin() == null ? null : e.admin().action();
            case "error" -> e.error();
            default -> throw new IllegalStateException(field);
        };
        return v == null ? "" : v;
    }

    private static AvException bad(String source, String why) {
        return AvException.badRequest("invalid audit filter \"" + source + "\": " + why);
    }

    private static final class Parser {
        final String source;
        final List<String> tokens = new ArrayList<>();
        final List<Boolean> quoted = new ArrayList<>();
        int pos;

        Parser(String source) {
            this.source = source;
            int i = 0;
            while (i < source.length()) {
                char c = source.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '(' || c == ')') {
                    add(String.valueOf(c), false);
                    i++;
                } else if (c == '"') {
                    int end = source.indexOf('"', i + 1);
                    if (end < 0) {
                        throw bad(source, "unterminated string");
                    }
                    add(source.substring(i + 1, end), true);
                    i = end + 1;
                } else if (source.startsWith("==", i) || source.startsWith("!=", i)) {
                    add(source.substring(i, i + 2), false);
                    i += 2;
                } else {
                    int start = i;
                    while (i < source.length() && !Character.isWhitespace(source.charAt(i))
                            && "()\"=!".indexOf(source.charAt(i)) < 0) {
                        i++;
                    }
                    if (start == i) {
                        throw bad(source, "unexpected \"" + c + "\"");
                    }
                    add(source.substring(start, i), false);
                }
            }
            if (tokens.isEmpty()) {
                throw bad(source, "empty filter");
            }
        }

        void add(String t, boolean q) {
            tokens.add(t);
            quoted.add(q);
        }

        boolean keyword(String k) {
            if (pos < tokens.size() && !quoted.get(pos) && tokens.get(pos).equalsIgnoreCase(k)) {
                pos++;
                return true;
            }
            return false;
        }

        String next(String what) {
            if (pos >= tokens.size()) {
                throw bad(source, "expected " + what + " at the end");
            }
            return tokens.get(pos++);
        }

        Node expr() {
            Node left = term();
            while (keyword("or")) {
                Node l = left;
                Node r = term();
                left = e -> l.test(e) || r.test(e);
            }
            return left;
        }

        Node term() {
            Node left = factor();
            while (keyword("and")) {
                Node l = left;
                Node r = factor();
                left = e -> l.test(e) && r.test(e);
            }
            return left;
        }

        Node factor() {
            if (keyword("not")) {
                Node inner = factor();
                return e -> !inner.test(e);
            }
            if (keyword("(")) {
                Node inner = expr();
                if (!keyword(")")) {
                    throw bad(source, "missing \")\"");
                }
                return inner;
            }
            String field = next("a field").toLowerCase(Locale.ROOT);
            if (!FIELDS.contains(field)) {
                throw bad(source, "unknown field \"" + field + "\" (known: " + String.join(", ", FIELDS) + ")");
            }
            String op = next("==, != or matches");
            String value = next("a value");
            return switch (op) {
                case "==" -> e -> field(e, field).equals(value);
                case "!=" -> e -> !field(e, field).equals(value);
                case "matches" -> {
                    java.util.regex.Pattern glob = globPattern(value);
                    yield e -> glob.matcher(field(e, field)).matches();
                }
                default -> throw bad(source, "unknown operator \"" + op + "\"");
            };
        }
    }

    private static java.util.regex.Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            re.append(java.util.regex.Pattern.quote(part)).append(".*");
        }
        re.setLength(re.length() - 2);
        return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
    }
}
