package dev.av.policy.acl;

import dev.av.core.AvException;

/**
 * A policy document could not be parsed, or a set of policies could not be combined. The message
 * is Vault's message where Vault has one (for example {@code failed to parse policy: path "x":
 * invalid capability "y"}); it never contains secret values.
 */
public final class PolicyException extends RuntimeException {

    public PolicyException(String message) {
        super(message, null, false, false);
    }

    /** The same message as a bad-request {@link AvException} for the API layer. */
    public AvException toAvException() {
        return AvException.badRequest(getMessage());
    }
}
