package dev.av.server.audit;

import dev.av.core.AvException;
import dev.av.server.logical.Fields;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import java.util.Map;

/** {@code POST sys/audit-hash/:name {"input":"..."}} → {@code {"hash":"hmac-sha256:..."}} with that device's salt (sudo). */
public final class AuditHashBackend implements RoutedBackend {

    private final AuditService audit;

    public AuditHashBackend(AuditService audit) {
        this.audit = audit;
    }

    @Override
    public String prefix() {
        return "sys/audit-hash/";
    }

    @Override
    public boolean isRootProtected(String relativePath, Operation operation) {
        return true;
    }

    @Override
    public LogicalResponse handle(LogicalRequest request) {
        if (request.operation() != Operation.UPDATE && request.operation() != Operation.CREATE) {
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
        String name = request.relativePath().replaceAll("/+$", "");
        if (name.isEmpty()) {
            throw AvException.badRequest("missing audit device name: sys/audit-hash/NAME");
        }
        String input = Fields.of(request).string("input", null);
        if (input == null) {
            throw AvException.badRequest("missing required field \"input\"");
        }
        return LogicalResponse.of(Map.of("hash", audit.hash(name, input)));
    }
}
