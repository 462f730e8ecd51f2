package dev.av.server.proxy;

import dev.av.core.Secret;
import dev.av.proxy.CredentialSource;
import dev.av.proxy.Problems;
import dev.av.proxy.ProxyPrincipal;
import dev.av.proxy.SecretData;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.server.http.ApiRequest;
import dev.av.server.http.ApiResponse;
import dev.av.server.http.Json;
import dev.av.server.http.RequestPipeline;
import jakarta.inject.Provider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a credential for a proxied request the way an agent would, but with a token minted for
 * that one read: an ephemeral child of the agent's token (same agent, delegate user and delegation),
 * restricted to {@code read} on exactly the secret path, one use, a short TTL. The read goes through
 * the API's own {@link RequestPipeline} (authentication, ACL, guards, audit, any mount type: KV,
 * database, vault ...), so it is authorized and audited like every other read.
 */
final class PipelineCredentialSource implements CredentialSource {

    static final Duration EPHEMERAL_TTL = Duration.ofMinutes(1);

    private final TokenStore tokens;
    private final Provider<RequestPipeline> pipeline;

    PipelineCredentialSource(TokenStore tokens, Provider<RequestPipeline> pipeline) {
        this.tokens = tokens;
        this.pipeline = pipeline;
    }

    @Override
    public SecretData read(ProxyPrincipal principal, String path) {
        TokenEntry parent = (TokenEntry) principal.attachment();
        IssuedToken eph;
        try {
            eph = tokens.create(TokenRequest.builder()
                    .policies(parent.policies())
                    .ttl(EPHEMERAL_TTL)
                    .numUses(1)
                    .displayName("proxy-ephemeral")
                    .kind(TokenKind.EPHEMERAL)
                    .agent(parent.agent())
                    .delegateUser(parent.delegateUser())
                    .delegationId(parent.delegationId())
                    .restrictions(restrictions(path))
                    .build(), parent, false);
        } catch (RuntimeException e) {
            throw Problems.credentialUnavailable(path, "no ephemeral token could be minted for the read").exception();
        }
        ApiResponse r = pipeline.get().handle(new ApiRequest("GET", "/v1/" + path, null, new byte[0], null,
                Map.of("x-vault-token", List.of(eph.token())), "127.0.0.1"));
        if (r.status() != 200) {
            String why = r.status() == 403 ? "reading " + path + " was denied (the agent's policies must allow read on it)"
                    : r.status() == 404 ? "nothing is stored at " + path : "reading " + path + " failed with status " + r.status();
            throw Problems.credentialUnavailable(path, why).exception();
        }
        return parse(r.body());
    }

    private static String restrictions(String path) {
        return new String(Json.write(Map.of("paths", new TreeMap<>(Map.of(path, List.of("read"))))), StandardCharsets.UTF_8);
    }

    /** KV v2 wraps the fields in {@code data.data}; other engines return them in {@code data}. */
    @SuppressWarnings("unchecked")
    static SecretData parse(byte[] body) {
        Map<String, Object> env = Json.parseObject(body);
        Object data = env.get("data");
        if (data instanceof Map<?, ?> m && m.get("data") instanceof Map<?, ?> inner && m.containsKey("metadata")) {
            data = inner;
        }
        Map<String, Secret> fields = new HashMap<>();
        if (data instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach((k, v) -> {
                if (v != null && !(v instanceof Map) && !(v instanceof List)) {
                    fields.put(k, Secret.of(String.valueOf(v)));
                }
            });
        }
        long lease = env.get("lease_duration") instanceof Number n ? n.longValue() : 0;
        return new SecretData(fields, Duration.ofSeconds(lease));
    }
}
