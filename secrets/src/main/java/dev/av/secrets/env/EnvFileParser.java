package dev.av.secrets.env;

import dev.av.core.AvException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses a {@code .env} file: {@code KEY=value} lines, blank lines and {@code #} comments, an optional
 * {@code export } prefix, unquoted values (trimmed; a {@code #} after whitespace starts a comment),
 * single-quoted values (literal), and double-quoted values with the escapes {@code \n \r \t \" \\ \$}
 * (both quoted forms may span lines). Later keys win. Variable expansion is not performed. Errors name
 * the line, never its value.
 */
public final class EnvFileParser {

    private EnvFileParser() {
    }

    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        Cursor c = new Cursor(text);
        while (!c.atEnd()) {
            c.skipInlineSpace();
            if (c.atEnd()) {
                break;
            }
            char ch = c.peek();
            if (ch == '\n' || ch == '\r') {
                c.next();
                continue;
            }
            if (ch == '#') {
                c.skipToEol();
                continue;
            }
            int line = c.line;
            String key = c.readKey();
            if (key.equals("export") && (c.peekIs(' ') || c.peekIs('\t'))) {
                c.skipInlineSpace();
                key = c.readKey();
            }
            if (key.isEmpty()) {
                throw error(line, "expected KEY=value");
            }
            c.skipInlineSpace();
            if (!c.peekIs('=')) {
                throw error(line, "expected '=' after key \"" + key + "\"");
            }
            c.next();
            c.skipInlineSpace();
            String value;
            if (c.peekIs('\'')) {
                value = c.readSingleQuoted(line);
                c.expectEndOfValue(line);
            } else if (c.peekIs('"')) {
                value = c.readDoubleQuoted(line);
                c.expectEndOfValue(line);
            } else {
                value = c.readUnquoted();
            }
            out.put(key, value);
        }
        return out;
    }

    private static AvException error(int line, String what) {
        return AvException.badRequest(".env line " + line + ": " + what);
    }

    private static final class Cursor {
        private final String s;
        private int i;
        int line = 1;

        Cursor(String s) {
            this.s = s.startsWith("\uFEFF") ? s.substring(1) : s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        boolean peekIs(char ch) {
            return i < s.length() && s.charAt(i) == ch;
        }

        char next() {
            char ch = s.charAt(i++);
            if (ch == '\n') {
                line++;
            }
            return ch;
        }

        void skipInlineSpace() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        void skipToEol() {
            while (i < s.length() && s.charAt(i) != '\n') {
                i++;
            }
        }

        String readKey() {
            int start = i;
            while (i < s.length()) {
                char ch = s.charAt(i);
                boolean ok = Character.isLetterOrDigit(ch) || ch == '_' || ch == '.' || ch == '-';
                if (!ok || ch > 0x7f) {
                    break;
                }
                i++;
            }
            String key = s.substring(start, i);
            if (!key.isEmpty() && Character.isDigit(key.charAt(0))) {
                throw error(line, "a key must not start with a digit");
            }
            return key;
        }

        String readSingleQuoted(int startLine) {
            next();
            int start = i;
            while (i < s.length() && s.charAt(i) != '\'') {
                next();
            }
            if (atEnd()) {
                throw error(startLine, "unterminated single-quoted value");
            }
            String v = s.substring(start, i);
            next();
            return v;
        }

        String readDoubleQuoted(int startLine) {
            next();
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error(startLine, "unterminated double-quoted value");
                }
                char ch = next();
                if (ch == '"') {
                    return sb.toString();
                }
                if (ch == '\\' && !atEnd()) {
                    char esc = next();
                    switch (esc) {
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case '"', '\\', '$', '\'' -> sb.append(esc);
                        case '\n' -> { } // a line continuation
                        default -> sb.append('\\').append(esc);
                    }
                } else {
                    sb.append(ch);
                }
            }
        }

        String readUnquoted() {
            int start = i;
            int end = i;
            while (i < s.length() && s.charAt(i) != '\n') {
                char ch = s.charAt(i);
                if (ch == '#' && i > start && (s.charAt(i - 1) == ' ' || s.charAt(i - 1) == '\t')) {
                    skipToEol();
                    break;
                }
                i++;
                if (ch != ' ' && ch != '\t' && ch != '\r') {
                    end = i;
                }
            }
            return s.substring(start, end);
        }

        void expectEndOfValue(int startLine) {
            skipInlineSpace();
            if (atEnd() || peekIs('\n') || peekIs('\r')) {
                return;
            }
            if (peekIs('#')) {
                skipToEol();
                return;
            }
            throw error(line, "unexpected text after the closing quote");
        }
    }
}
