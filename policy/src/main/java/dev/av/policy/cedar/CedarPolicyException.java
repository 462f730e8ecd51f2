package dev.av.policy.cedar;

import dev.av.core.AvException;
import java.util.List;

/** A Cedar policy document does not parse or does not validate; each error names the policy and line. */
public final class CedarPolicyException extends RuntimeException {

    private final List<String> errors;

    public CedarPolicyException(List<String> errors) {
        super(String.join("; ", errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }

    public AvException toAvException() {
        return new AvException(AvException.Kind.BAD_REQUEST, errors, null);
    }
}
