package dev.av.server.kv;

import dev.av.secrets.kv.KvEngine;
import dev.av.secrets.kv.KvOperation;
import dev.av.secrets.kv.KvResponse;
import dev.av.server.logical.Backend;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import java.util.List;

/**
 * One KV v2 mount as a logical backend: maps the server's request onto {@link KvEngine} and the
 * engine's answer onto Vault's envelope (a deleted version's 404 keeps its {@code data}).
 */
final class KvBackend implements Backend {

    private final KvEngine engine;

    KvBackend(KvEngine engine) {
        this.engine = engine;
    }

    @Override
    public LogicalResponse handle(LogicalRequest request) {
        KvResponse r = engine.handle(KvOperation.valueOf(request.operation().name()), request.relativePath(),
                request.data());
        if (r.status() == 204) {
            return LogicalResponse.noContent();
        }
        if (r.data() == null) {
            // Vault's bare 404: {"errors":[]}
            return LogicalResponse.raw(r.status(), java.util.Map.of("errors", List.of()));
        }
        return LogicalResponse.of(r.data()).withStatus(r.status());
    }

    /**
     * Vault's existence check for {@code data/} and {@code metadata/}: a POST to a secret that does
     * not exist yet is a CREATE (so a policy with only {@code create} can add new secrets but not
     * overwrite them); everything else is an UPDATE.
     */
    @Override
    public Boolean exists(LogicalRequest request) {
        String p = request.relativePath();
        String key;
        if (p.startsWith("data/")) {
            key = p.substring(5);
        } else if (p.startsWith("metadata/")) {
            key = p.substring(9);
        } else {
            return null;
        }
        if (key.isEmpty() || key.endsWith("/")) {
            return null;
        }
        return engine.store().exists(key);
    }
}
