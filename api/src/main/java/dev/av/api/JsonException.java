package dev.av.api;

/** Malformed JSON: says where and what was expected, never quotes the input. */
public final class JsonException extends RuntimeException {

    private final int line;
    private final int column;

    public JsonException(String message, int line, int column) {
        super("invalid JSON at line " + line + ", column " + column + ": " + message, null, false, false);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
