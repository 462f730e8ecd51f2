package dev.av.policy.acl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict parser for HCL version 1 (the dialect Vault policies are written in) and for HCL's
 * JSON form. It builds the same tree HCL 1 builds: an object list of items, each with one or more
 * keys, the line of its {@code =} (0 when there is none, as HCL reports it) and a value. Errors are
 * {@link PolicyException}s in HCL's {@code At line:column: message} shape.
 *
 * <p>Package-private: only {@link AclPolicy} and the formatter use it.
 */
final class Hcl {

    private Hcl() {
    }

    /** A value node. */
    sealed interface Node permits Obj, Lst, Lit {
        int line();

        int column();

        /** HCL 1's Go type name, used in Vault's error messages. */
        String goType();
    }

    /** {@code { items }}. */
    record Obj(List<Item> items, int line, int column) implements Node {
        public String goType() {
            return "*ast.ObjectType";
        }
    }

    /** {@code [ elements ]}. */
    record Lst(List<Node> elements, int line, int column) implements Node {
        public String goType() {
            return "*ast.ListType";
        }
    }

    /** A literal; value is String, BigInteger, BigDecimal, Boolean or null (JSON null). */
    record Lit(Kind kind, Object value, int line, int column) implements Node {
        public String goType() {
            return "*ast.LiteralType";
        }
    }

    enum Kind { STRING, HEREDOC, NUMBER, FLOAT, BOOL, NULL }

    /** {@code key key... = value} or {@code key key... { ... }}. */
    record Item(List<String> keys, int assignLine, Node value, int line, int column) {
    }

    // ------------------------------------------------------------------ entry point

    /** Parses a document (HCL, or JSON when its first non-blank character is '{'). */
    static List<Item> parse(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                continue;
            }
            if (c == '{') {
                return HclJson.parse(text);
            }
            break;
        }
        return new Parser(new Lexer(text, false)).document();
    }

    static PolicyException error(int line, int column, String message) {
        String pos = line > 0 ? line + ":" + column : "-";
        return new PolicyException("At " + pos + ": " + message);
    }

    // ------------------------------------------------------------------ lexer

    enum T { IDENT, STRING, HEREDOC, NUMBER, FLOAT, BOOL, LBRACE, RBRACE, LBRACK, RBRACK, ASSIGN, COMMA, PERIOD, ADD, SUB, COMMENT, EOF }

    record Tok(T type, String text, Object value, int line, int column, int start, int end) {
    }

    /** HCL 1's scanner. With {@code keepComments} it also yields COMMENT tokens (for the formatter). */
    static final class Lexer {
        private final String src;
        private final boolean keepComments;
        private int pos;
        private int line = 1;
        private int col = 1;

        Lexer(String src, boolean keepComments) {
            this.src = src;
            this.keepComments = keepComments;
        }

        private int peekChar(int ahead) {
            int i = pos + ahead;
            return i < src.length() ? src.charAt(i) : -1;
        }

        private int advance() {
            char c = src.charAt(pos++);
            if (c == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
            return c;
        }

        Tok next() {
            while (true) {
                while (pos < src.length()) {
                    char c = src.charAt(pos);
                    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                        advance();
                    } else {
                        break;
                    }
                }
                int l = line;
                int cl = col;
                int start = pos;
                if (pos >= src.length()) {
                    return new Tok(T.EOF, "", null, l, cl, start, start);
                }
                char c = src.charAt(pos);
                if (c == '#' || (c == '/' && (peekChar(1) == '/' || peekChar(1) == '*'))) {
                    scanComment();
                    if (keepComments) {
                        return new Tok(T.COMMENT, src.substring(start, pos), null, l, cl, start, pos);
                    }
                    continue;
                }
                if (isLetter(c)) {
                    while (pos < src.length() && (isLetter(src.charAt(pos)) || isDigit(src.charAt(pos))
                            || src.charAt(pos) == '-' || src.charAt(pos) == '.')) {
                        advance();
                    }
                    String word = src.substring(start, pos);
                    if (word.equals("true") || word.equals("false")) {
                        return new Tok(T.BOOL, word, Boolean.valueOf(word), l, cl, start, pos);
                    }
                    return new Tok(T.IDENT, word, word, l, cl, start, pos);
                }
                if (isDigit(c) || (c == '-' && isDigit(peekChar(1)))) {
                    return scanNumber(l, cl, start);
                }
                switch (c) {
                    case '"':
                        return scanString(l, cl, start);
                    case '<':
                        if (peekChar(1) == '<') {
                            return scanHeredoc(l, cl, start);
                        }
                        throw error(l, cl, "illegal char");
                    case '{':
                        advance();
                        return new Tok(T.LBRACE, "{", null, l, cl, start, pos);
                    case '}':
                        advance();
                        return new Tok(T.RBRACE, "}", null, l, cl, start, pos);
                    case '[':
                        advance();
                        return new Tok(T.LBRACK, "[", null, l, cl, start, pos);
                    case ']':
                        advance();
                        return new Tok(T.RBRACK, "]", null, l, cl, start, pos);
                    case '=':
                        advance();
                        return new Tok(T.ASSIGN, "=", null, l, cl, start, pos);
                    case ',':
                        advance();
                        return new Tok(T.COMMA, ",", null, l, cl, start, pos);
                    case '.':
                        advance();
                        return new Tok(T.PERIOD, ".", null, l, cl, start, pos);
                    case '+':
                        advance();
                        return new Tok(T.ADD, "+", null, l, cl, start, pos);
                    case '-':
                        advance();
                        return new Tok(T.SUB, "-", null, l, cl, start, pos);
                    default:
                        throw error(l, cl, "illegal char");
                }
            }
        }

        private void scanComment() {
            int l = line;
            int cl = col;
            char c = src.charAt(pos);
            if (c == '#' || peekChar(1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    advance();
                }
                return;
            }
            advance();
            advance();
            while (true) {
                if (pos >= src.length()) {
                    throw error(l, cl, "comment not terminated");
                }
                if (src.charAt(pos) == '*' && peekChar(1) == '/') {
                    advance();
                    advance();
                    return;
                }
                advance();
            }
        }

        private Tok scanNumber(int l, int cl, int start) {
            if (src.charAt(pos) == '-') {
                advance();
            }
            if (src.charAt(pos) == '0' && (peekChar(1) == 'x' || peekChar(1) == 'X')) {
                advance();
                advance();
                int digits = pos;
                while (pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) {
                    advance();
                }
                if (pos == digits) {
                    throw error(l, cl, "illegal hexadecimal number");
                }
                String text = src.substring(start, pos);
                boolean neg = text.startsWith("-");
                BigInteger v = new BigInteger(text.substring(neg ? 3 : 2), 16);
                return new Tok(T.NUMBER, text, neg ? v.negate() : v, l, cl, start, pos);
            }
            while (pos < src.length() && isDigit(src.charAt(pos))) {
                advance();
            }
            boolean isFloat = false;
            if (pos < src.length() && src.charAt(pos) == '.' && isDigit(peekChar(1))) {
                isFloat = true;
                advance();
                while (pos < src.length() && isDigit(src.charAt(pos))) {
                    advance();
                }
            }
            if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
                int save = pos;
                int saveCol = col;
                advance();
                if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                    advance();
                }
                if (pos < src.length() && isDigit(src.charAt(pos))) {
                    isFloat = true;
                    while (pos < src.length() && isDigit(src.charAt(pos))) {
                        advance();
                    }
                } else {
                    pos = save;
                    col = saveCol;
                }
            }
            String text = src.substring(start, pos);
            if (pos < src.length() && (isLetter(src.charAt(pos)))) {
                throw error(l, cl, "illegal number: " + quote(text + src.charAt(pos)));
            }
            if (isFloat) {
                if (Double.isInfinite(Double.parseDouble(text))) {
                    throw error(l, cl, "illegal number: value out of range");
                }
                try {
                    return new Tok(T.FLOAT, text, new BigDecimal(text), l, cl, start, pos);
                } catch (NumberFormatException e) {
                    throw error(l, cl, "illegal number: value out of range");
                }
            }
            String digits = text.startsWith("-") ? text.substring(1) : text;
            BigInteger v;
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                for (int i = 1; i < digits.length(); i++) {
                    if (digits.charAt(i) > '7') {
                        throw error(l, cl, "illegal octal number");
                    }
                }
                v = new BigInteger(digits.substring(1), 8);
            } else {
                v = new BigInteger(digits);
            }
            return new Tok(T.NUMBER, text, text.startsWith("-") ? v.negate() : v, l, cl, start, pos);
        }

        private Tok scanString(int l, int cl, int start) {
            advance();
            StringBuilder out = new StringBuilder();
            int braces = 0;
            while (true) {
                if (pos >= src.length()) {
                    throw error(l, cl, "literal not terminated");
                }
                char c = src.charAt(pos);
                if (c == '\n' && braces == 0) {
                    throw error(l, cl, "literal not terminated");
                }
                if (c == '"' && braces == 0) {
                    advance();
                    break;
                }
                if (c == '$' && peekChar(1) == '{') {
                    braces++;
                    out.append("${");
                    advance();
                    advance();
                    continue;
                }
                if (braces > 0 && c == '}') {
                    braces--;
                }
                if (c == '\\') {
                    int el = line;
                    int ec = col;
                    advance();
                    if (pos >= src.length()) {
                        throw error(l, cl, "literal not terminated");
                    }
                    char e = (char) advance();
                    switch (e) {
                        case 'a' -> out.append('\u0007');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'v' -> out.append('\u000b');
                        case '\\' -> out.append('\\');
                        case '"' -> out.append('"');
                        case '\'' -> out.append('\'');
                        case 'x' -> out.appendCodePoint(hex(2, el, ec));
                        case 'u' -> out.appendCodePoint(hex(4, el, ec));
                        case 'U' -> out.appendCodePoint(hex(8, el, ec));
                        default -> {
                            if (e >= '0' && e <= '7') {
                                int v = e - '0';
                                for (int i = 0; i < 2; i++) {
                                    if (pos >= src.length() || src.charAt(pos) < '0' || src.charAt(pos) > '7') {
                                        throw error(el, ec, "illegal char escape");
                                    }
                                    v = v * 8 + (advance() - '0');
                                }
                                if (v > 255) {
                                    throw error(el, ec, "illegal char escape");
                                }
                                out.append((char) v);
                            } else {
                                throw error(el, ec, "illegal char escape");
                            }
                        }
                    }
                    continue;
                }
                out.append(c);
                advance();
            }
            return new Tok(T.STRING, src.substring(start, pos), out.toString(), l, cl, start, pos);
        }

        private int hex(int n, int el, int ec) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int d = pos < src.length() ? Character.digit(src.charAt(pos), 16) : -1;
                if (d < 0) {
                    throw error(el, ec, "illegal char escape");
                }
                advance();
                v = v * 16 + d;
                if (v > Character.MAX_CODE_POINT || v < 0) {
                    throw error(el, ec, "illegal char escape");
                }
            }
            if (v >= 0xD800 && v <= 0xDFFF) {
                throw error(el, ec, "illegal char escape");
            }
            return v;
        }

        private Tok scanHeredoc(int l, int cl, int start) {
            advance();
            advance();
            boolean indented = false;
            if (pos < src.length() && src.charAt(pos) == '-') {
                indented = true;
                advance();
            }
            int anchorStart = pos;
            while (pos < src.length() && (isLetter(src.charAt(pos)) || isDigit(src.charAt(pos)))) {
                advance();
            }
            String anchor = src.substring(anchorStart, pos);
            if (anchor.isEmpty()) {
                throw error(l, cl, "zero-length heredoc anchor");
            }
            if (pos < src.length() && src.charAt(pos) == '\r') {
                advance();
            }
            if (pos >= src.length() || src.charAt(pos) != '\n') {
                throw error(l, cl, "invalid characters in heredoc anchor");
            }
            advance();
            List<String> lines = new ArrayList<>();
            while (true) {
                if (pos >= src.length()) {
                    throw error(l, cl, "heredoc not terminated");
                }
                int ls = pos;
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    advance();
                }
                String text = src.substring(ls, pos);
                String bare = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                String candidate = indented ? bare.strip() : bare;
                if (candidate.equals(anchor)) {
                    break;
                }
                if (pos >= src.length()) {
                    throw error(l, cl, "heredoc not terminated");
                }
                advance();
                lines.add(text);
            }
            if (indented) {
                int min = Integer.MAX_VALUE;
                for (String s : lines) {
                    int i = 0;
                    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                        i++;
                    }
                    if (i < s.length()) {
                        min = Math.min(min, i);
                    }
                }
                if (min == Integer.MAX_VALUE) {
                    min = 0;
                }
                List<String> cut = new ArrayList<>();
                for (String s : lines) {
                    cut.add(s.length() >= min ? s.substring(min) : s.strip());
                }
                lines = cut;
            }
            StringBuilder value = new StringBuilder();
            for (String s : lines) {
                value.append(s).append('\n');
            }
            return new Tok(T.HEREDOC, src.substring(start, pos), value.toString(), l, cl, start, pos);
        }

        private static boolean isLetter(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || (c >= 0x80 && Character.isLetter(c));
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    // ------------------------------------------------------------------ parser

    /** HCL 1's recursive-descent parser, with its error messages. */
    static final class Parser {
        private static final int MAX_DEPTH = 200;
        private final Lexer lexer;
        private Tok tok;
        private Tok pushed;
        private int depth;

        Parser(Lexer lexer) {
            this.lexer = lexer;
        }

        private Tok scan() {
            if (pushed != null) {
                tok = pushed;
                pushed = null;
            } else {
                tok = lexer.next();
            }
            return tok;
        }

        private void unscan() {
            pushed = tok;
        }

        List<Item> document() {
            return objectList(false);
        }

        private List<Item> objectList(boolean inObject) {
            List<Item> items = new ArrayList<>();
            while (true) {
                if (inObject) {
                    Tok t = scan();
                    unscan();
                    if (t.type() == T.RBRACE) {
                        break;
                    }
                }
                Item item = objectItem();
                if (item == null) {
                    break;
                }
                items.add(item);
                Tok t = scan();
                if (t.type() != T.COMMA) {
                    unscan();
                }
            }
            return items;
        }

        /** Returns null at a clean end of input. */
        private Item objectItem() {
            List<String> keys = new ArrayList<>();
            Tok first = null;
            while (true) {
                Tok t = scan();
                if (first == null) {
                    first = t;
                }
                switch (t.type()) {
                    case EOF -> {
                        if (keys.isEmpty()) {
                            return null;
                        }
                        throw error(t.line(), t.column(), "key '" + String.join(" ", keyTexts(keys)) + "' expected start of object ('{') or assignment ('=')");
                    }
                    case ASSIGN -> {
                        if (keys.size() > 1) {
                            throw error(t.line(), t.column(), "nested object expected: LBRACE got: ASSIGN");
                        }
                        if (keys.isEmpty()) {
                            throw error(t.line(), t.column(), "no object keys found!");
                        }
                        Node value = object();
                        return new Item(List.copyOf(keys), t.line(), value, first.line(), first.column());
                    }
                    case LBRACE -> {
                        if (keys.isEmpty()) {
                            throw error(t.line(), t.column(), "expected: IDENT | STRING got: LBRACE");
                        }
                        Node value = objectType(t);
                        return new Item(List.copyOf(keys), 0, value, first.line(), first.column());
                    }
                    case IDENT, STRING -> keys.add((String) t.value());
                    case RBRACE -> {
                        if (!keys.isEmpty()) {
                            throw error(t.line(), t.column(), "key '" + String.join(" ", keyTexts(keys)) + "' expected start of object ('{') or assignment ('=')");
                        }
                        throw error(t.line(), t.column(), "expected: IDENT | STRING | ASSIGN | LBRACE got: RBRACE");
                    }
                    default -> throw error(t.line(), t.column(), "expected: IDENT | STRING | ASSIGN | LBRACE got: " + t.type());
                }
            }
        }

        private static List<String> keyTexts(List<String> keys) {
            return keys;
        }

        private Node object() {
            Tok t = scan();
            return switch (t.type()) {
                case NUMBER, FLOAT, BOOL, STRING, HEREDOC -> literal(t);
                case LBRACE -> objectType(t);
                case LBRACK -> listType(t);
                case EOF -> throw error(t.line(), t.column(), "expected a value, got: EOF");
                default -> throw error(t.line(), t.column(), "Unknown token: " + t.type() + " " + quote(t.text()));
            };
        }

        private Lit literal(Tok t) {
            Kind kind = switch (t.type()) {
                case NUMBER -> Kind.NUMBER;
                case FLOAT -> Kind.FLOAT;
                case BOOL -> Kind.BOOL;
                case HEREDOC -> Kind.HEREDOC;
                default -> Kind.STRING;
            };
            return new Lit(kind, t.value(), t.line(), t.column());
        }

        private Obj objectType(Tok open) {
            enter(open);
            List<Item> items = objectList(true);
            Tok close = scan();
            if (close.type() != T.RBRACE) {
                throw error(close.line(), close.column(), "object expected closing RBRACE got: " + close.type());
            }
            depth--;
            return new Obj(List.copyOf(items), open.line(), open.column());
        }

        private Lst listType(Tok open) {
            enter(open);
            List<Node> elements = new ArrayList<>();
            boolean needComma = false;
            while (true) {
                Tok t = scan();
                if (needComma && t.type() != T.COMMA && t.type() != T.RBRACK) {
                    throw error(t.line(), t.column(), "error parsing list, expected comma or list end, got: " + t.type());
                }
                switch (t.type()) {
                    case BOOL, NUMBER, FLOAT, STRING, HEREDOC -> {
                        elements.add(literal(t));
                        needComma = true;
                    }
                    case COMMA -> needComma = false;
                    case LBRACE -> {
                        elements.add(objectType(t));
                        needComma = true;
                    }
                    case LBRACK -> {
                        elements.add(listType(t));
                        needComma = true;
                    }
                    case RBRACK -> {
                        depth--;
                        return new Lst(List.copyOf(elements), open.line(), open.column());
                    }
                    default -> throw error(t.line(), t.column(), "unexpected token while parsing list: " + t.type());
                }
            }
        }

        private void enter(Tok at) {
            if (++depth > MAX_DEPTH) {
                throw error(at.line(), at.column(), "nesting too deep");
            }
        }
    }
}
