package dev.av.policy.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * Canonical formatting of HCL policies ({@code av policy fmt}): two-space indentation, one item
 * per line, {@code =} aligned within a run of single-line assignments, a blank line between
 * top-level blocks, short lists inline, comments kept. The text must be a valid policy; JSON
 * policies are refused (they have no comments to keep; reformat them with a JSON tool).
 */
public final class AclFormatter {

    private AclFormatter() {
    }

    /**
     * Formats a policy.
     *
     * @throws PolicyException when the text is not a valid HCL policy
     */
    public static String format(String text) {
        AclPolicy.parse("fmt", text);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                throw new PolicyException("fmt formats HCL policies only; this one is JSON");
            }
            if (!Character.isWhitespace(c)) {
                break;
            }
        }
        Reader r = new Reader(new Hcl.Lexer(text, true));
        List<Node> items = r.items(false);
        StringBuilder out = new StringBuilder();
        writeItems(out, items, 0, true);
        for (String c : r.pendingComments()) {
            out.append(c).append('\n');
        }
        String s = out.toString();
        while (s.endsWith("\n\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? s : (s.endsWith("\n") ? s : s + "\n");
    }

    /** An item, or a value, with its comments. */
    private static final class Node {
        List<String> lead = new ArrayList<>();
        String trail;
        List<String> keys;          // null for a value in a list
        boolean assign;
        String literal;             // literal text, or null
        List<Node> objectItems;     // object value, or null
        List<Node> listItems;       // list value, or null
        List<String> listTrailing = new ArrayList<>();  // comments before ']' / '}'
        int endLine;
    }

    private static final class Reader {
        private final Hcl.Lexer lexer;
        private Hcl.Tok tok;
        private Hcl.Tok pushed;
        private final List<String> comments = new ArrayList<>();
        private int lastLine;

        Reader(Hcl.Lexer lexer) {
            this.lexer = lexer;
        }

        /** Next non-comment token; comments on the line of the previous token become that item's trailer. */
        private Hcl.Tok next(Node trailOwner) {
            if (pushed != null) {
                tok = pushed;
                pushed = null;
                return tok;
            }
            while (true) {
                Hcl.Tok t = lexer.next();
                if (t.type() == Hcl.T.COMMENT) {
                    if (trailOwner != null && t.line() == lastLine && trailOwner.trail == null && comments.isEmpty()) {
                        trailOwner.trail = t.text().strip();
                    } else {
                        comments.add(t.text().strip());
                    }
                    continue;
                }
                tok = t;
                return t;
            }
        }

        private void unscan() {
            pushed = tok;
        }

        List<String> pendingComments() {
            List<String> out = new ArrayList<>(comments);
            comments.clear();
            return out;
        }

        List<Node> items(boolean inObject) {
            List<Node> items = new ArrayList<>();
            Node previous = null;
            while (true) {
                Hcl.Tok t = next(previous);
                if (t.type() == Hcl.T.EOF || (inObject && t.type() == Hcl.T.RBRACE)) {
                    unscan();
                    return items;
                }
                if (t.type() == Hcl.T.COMMA) {
                    continue;
                }
                Node n = new Node();
                n.lead = pendingComments();
                n.keys = new ArrayList<>();
                while (t.type() == Hcl.T.IDENT || t.type() == Hcl.T.STRING) {
                    n.keys.add(t.type() == Hcl.T.IDENT ? t.text() : Hcl.quote((String) t.value()));
                    t = next(null);
                }
                if (t.type() == Hcl.T.ASSIGN) {
                    n.assign = true;
                    value(n, next(null));
                } else {
                    value(n, t);
                }
                lastLine = tok.line();
                items.add(n);
                previous = n;
            }
        }

        private void value(Node n, Hcl.Tok t) {
            switch (t.type()) {
                case LBRACE -> {
                    n.objectItems = items(true);
                    next(null);
                    n.listTrailing = pendingComments();
                }
                case LBRACK -> {
                    n.listItems = new ArrayList<>();
                    Node previous = null;
                    while (true) {
                        Hcl.Tok e = next(previous);
                        if (e.type() == Hcl.T.RBRACK) {
                            break;
                        }
                        if (e.type() == Hcl.T.COMMA) {
                            lastLine = e.line();
                            continue;
                        }
                        Node el = new Node();
                        el.lead = pendingComments();
                        value(el, e);
                        lastLine = tok.line();
                        n.listItems.add(el);
                        previous = el;
                    }
                    n.listTrailing = pendingComments();
                }
                case HEREDOC -> n.literal = t.text().stripTrailing();
                default -> n.literal = t.text();
            }
        }
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("  ".repeat(depth));
    }

    private static boolean singleLine(Node n) {
        return n.objectItems == null && (n.listItems == null || inlineList(n)) && (n.literal == null || !n.literal.contains("\n"));
    }

    private static boolean inlineList(Node n) {
        if (!n.listTrailing.isEmpty()) {
            return false;
        }
        int len = 0;
        for (Node e : n.listItems) {
            if (e.literal == null || !e.lead.isEmpty() || e.trail != null || e.literal.contains("\n")) {
                return false;
            }
            len += e.literal.length() + 2;
        }
        return len <= 80;
    }

    private static void writeItems(StringBuilder out, List<Node> items, int depth, boolean top) {
        int i = 0;
        while (i < items.size()) {
            Node n = items.get(i);
            if (top && i > 0 && !out.toString().endsWith("\n\n")) {
                out.append('\n');
            }
            if (n.assign && singleLine(n)) {
                int j = i;
                int width = 0;
                while (j < items.size() && items.get(j).assign && singleLine(items.get(j))
                        && (j == i || items.get(j).lead.isEmpty())) {
                    width = Math.max(width, String.join(" ", items.get(j).keys).length());
                    j++;
                }
                for (int k = i; k < j; k++) {
                    Node a = items.get(k);
                    lead(out, a, depth);
                    indent(out, depth);
                    String key = String.join(" ", a.keys);
                    out.append(key).append(" ".repeat(width - key.length())).append(" = ");
                    writeValue(out, a, depth);
                    trail(out, a);
                }
                i = j;
            } else {
                lead(out, n, depth);
                indent(out, depth);
                out.append(String.join(" ", n.keys)).append(n.assign ? " = " : " ");
                writeValue(out, n, depth);
                trail(out, n);
                i++;
            }
        }
    }

    private static void lead(StringBuilder out, Node n, int depth) {
        for (String c : n.lead) {
            indent(out, depth);
            out.append(c).append('\n');
        }
    }

    private static void trail(StringBuilder out, Node n) {
        if (n.trail != null) {
            out.append(' ').append(n.trail);
        }
        out.append('\n');
    }

    private static void writeValue(StringBuilder out, Node n, int depth) {
        if (n.literal != null) {
            out.append(n.literal);
        } else if (n.objectItems != null) {
            if (n.objectItems.isEmpty() && n.listTrailing.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            writeItems(out, n.objectItems, depth + 1, false);
            for (String c : n.listTrailing) {
                indent(out, depth + 1);
                out.append(c).append('\n');
            }
            indent(out, depth);
            out.append('}');
        } else if (inlineList(n)) {
            out.append('[');
            for (int i = 0; i < n.listItems.size(); i++) {
                out.append(i > 0 ? ", " : "").append(n.listItems.get(i).literal);
            }
            out.append(']');
        } else {
            out.append("[\n");
            for (Node e : n.listItems) {
                lead(out, e, depth + 1);
                indent(out, depth + 1);
                writeValue(out, e, depth + 1);
                out.append(',');
                if (e.trail != null) {
                    out.append(' ').append(e.trail);
                }
                out.append('\n');
            }
            for (String c : n.listTrailing) {
                indent(out, depth + 1);
                out.append(c).append('\n');
            }
            indent(out, depth);
            out.append(']');
        }
    }
}
