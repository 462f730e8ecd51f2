package dev.av.api;

import dev.av.core.AvException;
import java.util.List;

/**
 * A call to av's API that did not succeed: either the server answered with an error status and
 * Vault's {@code {"errors":[...]}} body, or av could not be reached at all ({@link #status()} 0).
 * The message is the server's (joined by {@code "; "}), so a CLI can print
 * {@code Error writing secret/data/x: <message>}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final List<String> errors;

    public ApiException(int status, List<String> errors) {
        this(status, errors, null);
    }

    public ApiException(int status, List<String> errors, Throwable cause) {
        super(message(status, errors), cause, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    /** av could not be reached or the connection broke: status 0. */
    public static ApiException transport(String message, Throwable cause) {
        return new ApiException(0, List.of(message), cause);
    }

    private static String message(int status, List<String> errors) {
        if (errors.isEmpty()) {
            return "the server answered with HTTP status " + status;
        }
        return String.join("; ", errors);
    }

    /** The HTTP status, or 0 when no answer was received. */
    public int status() {
        return status;
    }

    /** The server's error messages (may be empty). */
    public List<String> errors() {
        return errors;
    }

    public boolean isTransport() {
        return status == 0;
    }

    public boolean isPermissionDenied() {
        return status == 403;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /** The matching {@link AvException.Kind} (for code that re-throws inside av). */
    public AvException.Kind kind() {
        return switch (status) {
            case 0 -> AvException.Kind.UNAVAILABLE;
            case 400, 422 -> AvException.Kind.BAD_REQUEST;
            case 401 -> AvException.Kind.UNAUTHENTICATED;
            case 403 -> AvException.Kind.PERMISSION_DENIED;
            case 404 -> AvException.Kind.NOT_FOUND;
            case 405 -> AvException.Kind.METHOD_NOT_ALLOWED;
            case 409 -> AvException.Kind.CONFLICT;
            case 413 -> AvException.Kind.PAYLOAD_TOO_LARGE;
            case 503 -> AvException.Kind.UNAVAILABLE;
            default -> status >= 500 ? AvException.Kind.INTERNAL : AvException.Kind.BAD_REQUEST;
        };
    }
}
