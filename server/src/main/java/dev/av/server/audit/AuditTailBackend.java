package dev.av.server.audit;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.server.logical.Fields;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import java.time.Duration;

/**
 * {@code GET sys/audit-tail?last=N} (the last N entries) and {@code ?after=SEQ&wait=20s} (long poll
 * for newer ones), optionally {@code agent=NAME} and {@code decision=allow|deny}: how
 * {@code av audit tail -f} follows the stream. Entries are HMAC'd as the first device writes them.
 * Requests to this path are audited but not shown to followers. Needs sudo.
 */
public final class AuditTailBackend implements RoutedBackend {

    private final AuditService audit;

    public AuditTailBackend(AuditService audit) {
        this.audit = audit;
    }

    @Override
    public String prefix() {
        return "sys/audit-tail/";
    }

    @Override
    public boolean isRootProtected(String relativePath, Operation operation) {
        return true;
    }

    @Override
    public LogicalResponse handle(LogicalRequest request) {
        if (request.operation() != Operation.READ) {
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
        Fields f = Fields.of(request);
        long after = parseLong("after", f.string("after", "-1"));
        int last = (int) Math.min(1000, parseLong("last", f.string("last", "10")));
        if (last < 0) {
            throw AvException.badRequest("\"last\" must not be negative");
        }
        String decision = f.string("decision", null);
        if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
            throw AvException.badRequest("\"decision\" must be allow or deny");
        }
        Duration wait = Durations.parse("wait", f.string("wait", "0s"));
        return LogicalResponse.of(audit.tail(after, last, f.string("agent", null), decision, wait));
    }

    private static long parseLong(String field, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw AvException.badRequest("\"" + field + "\" must be a number");
        }
    }
}
