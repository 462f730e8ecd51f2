package dev.av.server.secrets;

import dev.av.secrets.vault.UpstreamEvents;
import dev.av.server.audit.AuditHook;
import dev.av.server.audit.AuditRecord;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.Operation;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the loss (and recovery) of av's own upstream Vault token visible: a WARN log line and an
 * audit entry on every audit device, for the path {@code sys/internal/vault-upstream/<mount>}.
 */
@Singleton
public class UpstreamAudit implements UpstreamEvents {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamAudit.class);

    private final List<AuditHook> hooks;
    private final Clock clock;

    public UpstreamAudit(List<AuditHook> hooks, Clock clock) {
        this.hooks = hooks;
        this.clock = clock;
    }

    @Override
    public void tokenLost(String mount, String reason) {
        LOG.warn("vault mount {}: av lost its upstream token: {}", mount, reason);
        audit(mount, "token-lost", "av's upstream token is not usable: " + reason);
    }

    @Override
    public void tokenRestored(String mount) {
        LOG.info("vault mount {}: av's upstream token works again", mount);
        audit(mount, "token-restored", null);
    }

    private void audit(String mount, String event, String error) {
        String path = "sys/internal/vault-upstream/" + mount + "/" + event;
        LogicalRequest req = new LogicalRequest(UUID.randomUUID().toString(), Operation.UPDATE, path, "sys/",
                path.substring("sys/".length()), Map.of("event", event), null, null, "internal", Map.of(), 0);
        AuditRecord rec = new AuditRecord(clock.instant(), req, "vault", "", true, List.of(), error);
        for (AuditHook h : hooks) {
            try {
                h.onRequest(rec);
                h.onResponse(rec, null, error);
            } catch (RuntimeException e) {
                LOG.error("vault mount {}: could not audit {}: {}", mount, event, e.getMessage());
            }
        }
    }
}
