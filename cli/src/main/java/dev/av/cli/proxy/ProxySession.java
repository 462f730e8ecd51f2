package dev.av.cli.proxy;

import dev.av.api.ApiResponse;
import dev.av.api.AvClient;
import dev.av.cli.UsageException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session token for one proxied program: created with {@code proxy/session} (for the caller's
 * own agent, or for {@code -agent NAME}), revoked by accessor when the program ends. Also fetches
 * the proxy's address and CA bundle from {@code proxy/ca}.
 */
record ProxySession(String token, String accessor, String agent, String proxyAddress, String caBundle) {

    static ProxySession create(AvClient client, String agent, String ttl) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (agent != null) {
            body.put("agent", agent);
        }
        if (ttl != null) {
            body.put("ttl", ttl);
        }
        ApiResponse r = client.write("proxy/session", body);
        Map<String, Object> auth = r.auth();
        if (auth == null || auth.get("client_token") == null) {
            throw new UsageException("Error creating a proxy session: the server returned no token");
        }
        Map<String, Object> ca = client.read("proxy/ca").orElseThrow(
                () -> new UsageException("Error: this server has no proxy (proxy/ca not found)")).data();
        String name = auth.get("metadata") instanceof Map<?, ?> m && m.get("agent") != null ? m.get("agent").toString() : agent;
        return new ProxySession(auth.get("client_token").toString(), String.valueOf(auth.get("accessor")), name,
                String.valueOf(ca.get("proxy_address")), String.valueOf(ca.get("ca_bundle")));
    }

    /** Revokes the session (its own token first; the caller's token by accessor if that fails). */
    void revoke(AvClient client) {
        try {
            client.withToken(token).write("auth/token/revoke-self", Map.of());
        } catch (RuntimeException e) {
            client.write("auth/token/revoke-accessor", Map.of("accessor", accessor));
        }
    }

    /** The API's host, which the program reaches directly (kept out of the proxy). */
    static List<String> apiHost(AvClient client) {
        try {
            String host = URI.create(client.address()).getHost();
            return host == null ? List.of() : List.of(host);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return "ProxySession[" + accessor + "]";
    }
}
