package dev.av.audit;

import java.util.Arrays;

/**
 * A minimal streaming JSON writer into a reusable UTF-8 byte buffer, for the audit hot path.
 *
 * <p>An audit entry used to cost a Jackson generator set-up (context objects, recycled buffers
 * that virtual threads never find again) plus a {@code ByteArrayOutputStream} copy; this writes
 * straight into one array that a pool hands from entry to entry, and {@link #toBytes()} makes the
 * only copy. The output is what Jackson writes with default settings: no whitespace, strings in
 * UTF-8, {@code "} {@code \} and control characters escaped ({@code \n \r \t \b \f}, else
 * {@code \}{@code u00XX}), nothing else escaped; characters beyond the BMP are written as 4-byte
 * UTF-8 (Jackson's UTF-8 generator escapes them as a surrogate pair; both read back the same). A
 * lone surrogate becomes U+FFFD. Not thread-safe.
 */
final class JsonOut {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private byte[] buf = new byte[2048];
    private int len;
    // hasElement[d]: the container at depth d already holds something (a comma goes before the next)
    private boolean[] hasElement = new boolean[16];
    private int depth;
    private boolean afterField;

    JsonOut reset() {
        len = 0;
        depth = 0;
        afterField = false;
        hasElement[0] = false;
        return this;
    }

    /** A copy of what was written. */
    byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    /** The bytes written so far are in {@code buffer()[0 .. length())}. */
    int length() {
        return len;
    }

    byte[] buffer() {
        return buf;
    }

    JsonOut startObject() {
        beforeValue();
        put((byte) '{');
        push();
        return this;
    }

    JsonOut endObject() {
        depth--;
        put((byte) '}');
        return this;
    }

    JsonOut startArray() {
        beforeValue();
        put((byte) '[');
        push();
        return this;
    }

    JsonOut endArray() {
        depth--;
        put((byte) ']');
        return this;
    }

    JsonOut field(String name) {
        if (hasElement[depth]) {
            put((byte) ',');
        }
        hasElement[depth] = true;
        quoted(name);
        put((byte) ':');
        afterField = true;
        return this;
    }

    /** A string value; {@code null} writes JSON's null, as Jackson's {@code writeString(null)} does. */
    JsonOut string(String value) {
        beforeValue();
        if (value == null) {
            put(NULL);
            return this;
        }
        quoted(value);
        return this;
    }

    JsonOut number(long value) {
        beforeValue();
        ascii(Long.toString(value));
        return this;
    }

    /** A number already in JSON's number syntax (e.g. a {@code BigDecimal}'s {@code toString()}). */
    JsonOut rawNumber(String value) {
        beforeValue();
        ascii(value);
        return this;
    }

    JsonOut bool(boolean value) {
        beforeValue();
        put(value ? TRUE : FALSE);
        return this;
    }

    JsonOut nullValue() {
        beforeValue();
        put(NULL);
        return this;
    }

    JsonOut field(String name, String value) {
        return field(name).string(value);
    }

    JsonOut field(String name, long value) {
        return field(name).number(value);
    }

    JsonOut field(String name, boolean value) {
        return field(name).bool(value);
    }

    private void beforeValue() {
        if (afterField) {
            afterField = false;
            return;
        }
        if (depth > 0) {
            if (hasElement[depth]) {
                put((byte) ',');
            }
            hasElement[depth] = true;
        }
    }

    private void push() {
        depth++;
        if (depth == hasElement.length) {
            hasElement = Arrays.copyOf(hasElement, depth * 2);
        }
        hasElement[depth] = false;
    }

    private void quoted(String s) {
        int n = s.length();
        ensure(n * 3 + 2);
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    b[p++] = (byte) c;
                    continue;
                }
                len = p;
                ensure(6 + 3 * (n - i) + 1); // the escape, and room for the rest as reserved above
                escape(c);
                b = buf;
                p = len;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                char ch = Character.isSurrogate(c) ? '\uFFFD' : c;
                b[p++] = (byte) (0xE0 | (ch >> 12));
                b[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
        b[p++] = '"';
        len = p;
    }

    private void escape(char c) {
        switch (c) {
            case '"' -> put2('\\', '"');
            case '\\' -> put2('\\', '\\');
            case '\n' -> put2('\\', 'n');
            case '\r' -> put2('\\', 'r');
            case '\t' -> put2('\\', 't');
            case '\b' -> put2('\\', 'b');
            case '\f' -> put2('\\', 'f');
            default -> {
                put2('\\', 'u');
                put2('0', '0');
                put(HEX[c >> 4]);
                put(HEX[c & 0xF]);
            }
        }
    }

    private void put2(char a, char b) {
        ensure(2);
        buf[len++] = (byte) a;
        buf[len++] = (byte) b;
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void put(byte c) {
        ensure(1);
        buf[len++] = c;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
