package dev.av.server.audit;

import dev.av.audit.AuditDevice;
import dev.av.core.AvException;
import dev.av.server.logical.Fields;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sys/audit} (list) and {@code sys/audit/:name} (enable with type + options, disable), as
 * Vault: every operation needs {@code sudo}. The listing shows options without secret ones, plus
 * av's counters and the device's checkpoint public key (for {@code av audit verify -public-key}).
 */
public final class AuditSysBackend implements RoutedBackend {

    private final AuditService audit;

    public AuditSysBackend(AuditService audit) {
        this.audit = audit;
    }

    @Override
    public String prefix() {
        return "sys/audit/";
    }

    @Override
    public boolean isRootProtected(String relativePath, Operation operation) {
        return true;
    }

    @Override
    public LogicalResponse handle(LogicalRequest request) {
        String name = request.relativePath();
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            if (request.operation() == Operation.READ || request.operation() == Operation.LIST) {
                Map<String, Object> data = new LinkedHashMap<>();
                for (AuditDevice d : audit.devices()) {
                    data.put(d.name() + "/", describe(d));
                }
                return LogicalResponse.of(data);
            }
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
        return switch (request.operation()) {
            case CREATE, UPDATE -> {
                Fields f = Fields.of(request);
                String type = f.requiredString("type");
                Map<String, String> options = new LinkedHashMap<>();
                Object raw = request.data().get("options");
                if (raw instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> options.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
                } else if (raw != null) {
                    throw AvException.badRequest("\"options\" must be an object of strings");
                }
                audit.enable(name, type, f.string("description", ""), options);
                yield LogicalResponse.noContent();
            }
            case DELETE -> {
                audit.disable(name);
                yield LogicalResponse.noContent();
            }
            case READ -> {
                String n = name;
                AuditDevice d = audit.devices().stream().filter(x -> x.name().equals(n)).findFirst()
                        .orElseThrow(() -> AvException.notFound("no audit device named \"" + n + "\""));
                yield LogicalResponse.of(describe(d));
            }
            default -> throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        };
    }

    static Map<String, Object> describe(AuditDevice d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", d.type());
        m.put("description", d.description());
        m.put("options", d.options());
        m.put("path", d.name() + "/");
        m.put("local", false);
        m.put("public_key", d.publicKey());
        AuditDevice.Stats s = d.stats();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("written", s.written());
        stats.put("failed", s.failed());
        stats.put("delivered", s.delivered());
        stats.put("spool_pending_bytes", s.spoolPendingBytes());
        stats.put("spool_full", s.spoolFull());
        stats.put("last_checkpoint", s.lastCheckpoint());
        m.put("stats", stats);
        return m;
    }
}
