package dev.av.secrets.kv;

import java.util.Map;

/**
 * What the engine answers: an HTTP status and Vault's {@code data} block. {@code data} null with
 * 204 is "no content"; null with 404 is Vault's bare {@code {"errors":[]}}; a 404 with data is a
 * deleted or destroyed version, whose metadata Vault still returns.
 */
public record KvResponse(int status, Map<String, Object> data) {

    static final KvResponse NO_CONTENT = new KvResponse(204, null);
    static final KvResponse NOT_FOUND = new KvResponse(404, null);

    static KvResponse ok(Map<String, Object> data) {
        return new KvResponse(200, data);
    }
}
