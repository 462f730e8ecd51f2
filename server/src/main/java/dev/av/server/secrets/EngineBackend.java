package dev.av.server.secrets;

import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.secrets.EngineRequest;
import dev.av.secrets.EngineResponse;
import dev.av.secrets.SecretEngine;
import dev.av.server.logical.Backend;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import java.util.List;

/**
 * Serves a plain-Java {@link SecretEngine} as a logical backend. The authenticated token becomes the
 * owner of any lease the request creates, so the lease is revoked with the token (or the {@code av run}
 * session token).
 */
final class EngineBackend implements Backend {

    private final SecretEngine engine;

    EngineBackend(SecretEngine engine) {
        this.engine = engine;
    }

    SecretEngine engine() {
        return engine;
    }

    @Override
    public LogicalResponse handle(LogicalRequest request) {
        String owner = owner(request.token());
        String display = request.token() == null ? "" : request.token().displayName();
        EngineResponse r = engine.handle(new EngineRequest(map(request.operation()), request.relativePath(),
                request.data(), owner, display));
        if (r.data() == null && r.lease() == null) {
            return LogicalResponse.noContent();
        }
        List<String> warnings = r.warnings();
        if (r.lease() != null) {
            return new LogicalResponse(200, r.data(), null, warnings, r.lease().id(), r.lease().renewable(),
                    r.lease().ttl().getSeconds(), null);
        }
        return new LogicalResponse(200, r.data(), null, warnings, "", false, 0, null);
    }

    /**
     * The token a lease belongs to. An ephemeral token lives for one request (the proxy mints one per
     * credential read), so a lease it causes belongs to its parent: the {@code av run} session or the
     * agent token, and is revoked when that ends.
     */
    static String owner(TokenEntry token) {
        if (token == null) {
            return null;
        }
        if (token.kind() == TokenKind.EPHEMERAL && token.parentId() != null && !token.parentId().isEmpty()) {
            return token.parentId();
        }
        return token.id();
    }

    static dev.av.secrets.Operation map(dev.av.server.logical.Operation op) {
        return switch (op) {
            case CREATE -> dev.av.secrets.Operation.CREATE;
            case READ -> dev.av.secrets.Operation.READ;
            case UPDATE -> dev.av.secrets.Operation.UPDATE;
            case PATCH -> dev.av.secrets.Operation.PATCH;
            case DELETE -> dev.av.secrets.Operation.DELETE;
            case LIST -> dev.av.secrets.Operation.LIST;
        };
    }
}
