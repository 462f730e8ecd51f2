package dev.av.policy.acl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * HCL 1's JSON front end: a strict JSON parser whose objects become HCL items (the {@code :} is the
 * item's assignment line), followed by HCL's "flattening", which turns an object whose values are
 * all objects into items with several keys ({@code {"path":{"a":{...}}}} becomes
 * {@code path "a" {...}}). Vault's JSON policies rely on it, quirks included.
 */
final class HclJson {

    private static final int MAX_DEPTH = 200;
    private final String src;
    private int pos;
    private int line = 1;
    private int col = 1;
    private int depth;

    private HclJson(String src) {
        this.src = src;
    }

    static List<Hcl.Item> parse(String text) {
        HclJson p = new HclJson(text);
        p.skipWs();
        if (p.peek() != '{') {
            throw p.err("expected start of object");
        }
        Hcl.Obj root = p.object();
        p.skipWs();
        if (p.pos < p.src.length()) {
            throw p.err("unexpected content after the top-level object");
        }
        return flatten(root.items());
    }

    // ------------------------------------------------------------------ flattening (as HCL 1 does it)

    static List<Hcl.Item> flatten(List<Hcl.Item> list) {
        List<Hcl.Item> items = new ArrayList<>();
        List<Hcl.Item> frontier = new ArrayList<>(list);
        while (!frontier.isEmpty()) {
            Hcl.Item item = frontier.remove(frontier.size() - 1);
            if (item.value() instanceof Hcl.Obj obj) {
                if (obj.items().isEmpty() || !obj.items().stream().allMatch(i -> i.value() instanceof Hcl.Obj)) {
                    items.add(item);
                } else {
                    for (Hcl.Item sub : obj.items()) {
                        List<String> keys = new ArrayList<>(item.keys());
                        keys.addAll(sub.keys());
                        frontier.add(new Hcl.Item(List.copyOf(keys), item.assignLine(), sub.value(), item.line(), item.column()));
                    }
                }
            } else if (item.value() instanceof Hcl.Lst lst) {
                if (lst.elements().isEmpty() || !lst.elements().stream().allMatch(e -> e instanceof Hcl.Obj)) {
                    items.add(item);
                } else {
                    for (Hcl.Node e : lst.elements()) {
                        frontier.add(new Hcl.Item(item.keys(), item.assignLine(), e, item.line(), item.column()));
                    }
                }
            } else {
                items.add(item);
            }
        }
        List<Hcl.Item> out = new ArrayList<>(items.size());
        for (int i = items.size() - 1; i >= 0; i--) {
            Hcl.Item it = items.get(i);
            out.add(new Hcl.Item(it.keys(), it.assignLine(), flattenNode(it.value()), it.line(), it.column()));
        }
        return List.copyOf(out);
    }

    private static Hcl.Node flattenNode(Hcl.Node node) {
        if (node instanceof Hcl.Obj obj) {
            return new Hcl.Obj(flatten(obj.items()), obj.line(), obj.column());
        }
        if (node instanceof Hcl.Lst lst) {
            List<Hcl.Node> out = new ArrayList<>();
            for (Hcl.Node e : lst.elements()) {
                out.add(flattenNode(e));
            }
            return new Hcl.Lst(List.copyOf(out), lst.line(), lst.column());
        }
        return node;
    }

    // ------------------------------------------------------------------ JSON

    private int peek() {
        return pos < src.length() ? src.charAt(pos) : -1;
    }

    private char advance() {
        char c = src.charAt(pos++);
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        return c;
    }

    private void skipWs() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                advance();
            } else {
                return;
            }
        }
    }

    private PolicyException err(String message) {
        if (pos >= src.length()) {
            return Hcl.error(line, col, message + ", got: EOF");
        }
        return Hcl.error(line, col, message);
    }

    private Hcl.Obj object() {
        int l = line;
        int c = col;
        enter();
        advance();
        List<Hcl.Item> items = new ArrayList<>();
        skipWs();
        if (peek() == '}') {
            advance();
            depth--;
            return new Hcl.Obj(List.of(), l, c);
        }
        while (true) {
            skipWs();
            int kl = line;
            int kc = col;
            if (peek() != '"') {
                throw err("expected: STRING got: " + describe());
            }
            String key = string();
            skipWs();
            if (peek() != ':') {
                throw err("expected: COLON got: " + describe());
            }
            int assignLine = line;
            advance();
            skipWs();
            Hcl.Node value = value();
            items.add(new Hcl.Item(List.of(key), assignLine, value, kl, kc));
            skipWs();
            int next = peek();
            if (next == ',') {
                advance();
                continue;
            }
            if (next == '}') {
                advance();
                depth--;
                return new Hcl.Obj(List.copyOf(items), l, c);
            }
            throw err("object expected closing RBRACE got: " + describe());
        }
    }

    private Hcl.Lst array() {
        int l = line;
        int c = col;
        enter();
        advance();
        List<Hcl.Node> elements = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            advance();
            depth--;
            return new Hcl.Lst(List.of(), l, c);
        }
        while (true) {
            skipWs();
            elements.add(value());
            skipWs();
            int next = peek();
            if (next == ',') {
                advance();
                continue;
            }
            if (next == ']') {
                advance();
                depth--;
                return new Hcl.Lst(List.copyOf(elements), l, c);
            }
            throw err("error parsing list, expected comma or list end, got: " + describe());
        }
    }

    private Hcl.Node value() {
        int l = line;
        int c = col;
        int ch = peek();
        if (ch == '{') {
            return object();
        }
        if (ch == '[') {
            return array();
        }
        if (ch == '"') {
            return new Hcl.Lit(Hcl.Kind.STRING, string(), l, c);
        }
        if (ch == '-' || (ch >= '0' && ch <= '9')) {
            return number(l, c);
        }
        if (src.startsWith("true", pos)) {
            word(4);
            return new Hcl.Lit(Hcl.Kind.BOOL, Boolean.TRUE, l, c);
        }
        if (src.startsWith("false", pos)) {
            word(5);
            return new Hcl.Lit(Hcl.Kind.BOOL, Boolean.FALSE, l, c);
        }
        if (src.startsWith("null", pos)) {
            word(4);
            return new Hcl.Lit(Hcl.Kind.NULL, null, l, c);
        }
        throw err("Unknown token: " + describe());
    }

    private void word(int n) {
        for (int i = 0; i < n; i++) {
            advance();
        }
        int next = peek();
        if (next >= 0 && (Character.isLetterOrDigit(next) || next == '_')) {
            throw err("illegal char");
        }
    }

    private Hcl.Lit number(int l, int c) {
        int start = pos;
        if (peek() == '-') {
            advance();
        }
        if (!(peek() >= '0' && peek() <= '9')) {
            throw err("illegal number");
        }
        if (peek() == '0') {
            advance();
        } else {
            while (peek() >= '0' && peek() <= '9') {
                advance();
            }
        }
        boolean isFloat = false;
        if (peek() == '.') {
            isFloat = true;
            advance();
            if (!(peek() >= '0' && peek() <= '9')) {
                throw err("illegal number");
            }
            while (peek() >= '0' && peek() <= '9') {
                advance();
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            isFloat = true;
            advance();
            if (peek() == '+' || peek() == '-') {
                advance();
            }
            if (!(peek() >= '0' && peek() <= '9')) {
                throw err("illegal number");
            }
            while (peek() >= '0' && peek() <= '9') {
                advance();
            }
        }
        String text = src.substring(start, pos);
        int next = peek();
        if (next >= 0 && (Character.isLetterOrDigit(next) || next == '.')) {
            throw err("illegal number");
        }
        if (isFloat) {
            if (Double.isInfinite(Double.parseDouble(text))) {
                throw err("illegal number: value out of range");
            }
            try {
                return new Hcl.Lit(Hcl.Kind.FLOAT, new BigDecimal(text), l, c);
            } catch (NumberFormatException e) {
                throw err("illegal number: value out of range");
            }
        }
        return new Hcl.Lit(Hcl.Kind.NUMBER, new BigInteger(text), l, c);
    }

    private String string() {
        int l = line;
        int c = col;
        advance();
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw Hcl.error(l, c, "literal not terminated");
            }
            char ch = advance();
            if (ch == '"') {
                return out.toString();
            }
            if (ch == '\n') {
                throw Hcl.error(l, c, "literal not terminated");
            }
            if (ch == '\\') {
                if (pos >= src.length()) {
                    throw Hcl.error(l, c, "literal not terminated");
                }
                char e = advance();
                switch (e) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = pos < src.length() ? Character.digit(src.charAt(pos), 16) : -1;
                            if (d < 0) {
                                throw err("illegal char escape");
                            }
                            advance();
                            v = v * 16 + d;
                        }
                        out.append((char) v);
                    }
                    default -> throw err("illegal char escape");
                }
                continue;
            }
            out.append(ch);
        }
    }

    private String describe() {
        int ch = peek();
        return ch < 0 ? "EOF" : Hcl.quote(String.valueOf((char) ch));
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw err("nesting too deep");
        }
    }
}
