package dev.av.core;

import java.util.List;

/**
 * The one error type av's layers throw. Its {@link Kind} decides the HTTP status and the problem
 * code; its message is shown to the caller, so it must never contain a secret value.
 */
public final class AvException extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind {
        BAD_REQUEST(400),
        UNAUTHENTICATED(401),
        PERMISSION_DENIED(403),
        NOT_FOUND(404),
        METHOD_NOT_ALLOWED(405),
        CONFLICT(409),
        PAYLOAD_TOO_LARGE(413),
        SEALED(503),
        UNAVAILABLE(503),
        INTERNAL(500);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final List<String> errors;

    public AvException(Kind kind, String message) {
        this(kind, List.of(message), null);
    }

    public AvException(Kind kind, String message, Throwable cause) {
        this(kind, List.of(message), cause);
    }

    public AvException(Kind kind, List<String> errors, Throwable cause) {
        super(String.join("; ", errors), cause, false, false);
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public Kind kind() {
        return kind;
    }

    /** The messages for Vault's {@code {"errors":[...]}} body. */
    public List<String> errors() {
        return errors;
    }

    public static AvException badRequest(String message) {
        return new AvException(Kind.BAD_REQUEST, message);
    }

    public static AvException notFound(String message) {
        return new AvException(Kind.NOT_FOUND, message);
    }

    public static AvException permissionDenied() {
        return new AvException(Kind.PERMISSION_DENIED, "permission denied");
    }

    public static AvException sealed() {
        return new AvException(Kind.SEALED, "Vault is sealed");
    }
}
