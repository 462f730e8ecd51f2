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
import dev.av.server.auth.PolicyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a credential for a proxied request with a token minted for that one read, never with the
 * agent's own authority: the agent holds no grant on the secret path (with one, it could read the
 * secret straight from the API, which is what the proxy exists to prevent). The proxied request was
 * already authorized on {@code proxy/<host>/<path>} (ACL, OBO, guards); the service binding, written
 * by an administrator, is what entitles av to read the credential. So the read token is a one-use,
 * short-lived child of the agent's token (revoked with it, and leases it creates die with it) whose
 * only policy is a system policy granting {@code read} on exactly that path
 * ({@value #POLICY_PREFIX}&lt;hash&gt;, written once per path). It is no agent token, so the agent's
 * policies are not consulted again for the read. The read goes through the API's own
 * {@link RequestPipeline} (ACL, guards, audit, any mount type: KV, database, vault ...), and the token's
 * metadata names the agent and delegate it read for.
 */
final class PipelineCredentialSource implements CredentialSource {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineCredentialSource.class);
    static final Duration EPHEMERAL_TTL = Duration.ofMinutes(1);
    static final String POLICY_PREFIX = "av-proxy-read-";

    private final TokenStore tokens;
    private final Provider<RequestPipeline> pipeline;
    private final PolicyStore policies;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    PipelineCredentialSource(TokenStore tokens, Provider<RequestPipeline> pipeline, PolicyStore policies) {
        this.tokens = tokens;
        this.pipeline = pipeline;
        this.policies = policies;
    }

    /** The system policy granting read on exactly {@code path}; written the first time a path is read. */
    String readPolicyFor(String path) {
        String name = POLICY_PREFIX + HexFormat.of().formatHex(sha256(path), 0, 10);
        if (!ensured.contains(name)) {
            String body = "# written by av for proxied credential reads; do not edit\n"
                    + "path \"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\" {\n  capabilities = [\"read\"]\n}\n";
            if (!policies.get("acl", name).map(body::equals).orElse(false)) {
                policies.put("acl", name, body);
            }
            ensured.add(name);
        }
        return name;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public SecretData read(ProxyPrincipal principal, String path) {
        TokenEntry parent = (TokenEntry) principal.attachment();
        IssuedToken eph;
        try {
            Map<String, String> meta = new TreeMap<>();
            meta.put("purpose", "proxy-credential-read");
            if (parent.agent() != null) {
                meta.put("agent", parent.agent());
            }
            if (parent.delegateUser() != null) {
                meta.put("delegate", parent.delegateUser());
            }
            // a use-limited token may not have children (Vault's rule), so the one-use read token of a
            // num_uses agent token is an av-internal orphan: it lives one minute and one read either way
            eph = tokens.create(TokenRequest.builder()
                    .policies(List.of(readPolicyFor(path)))
                    .noDefaultPolicy(true)
                    .ttl(EPHEMERAL_TTL)
                    .numUses(1)
                    .displayName("proxy-credential-read")
                    .meta(meta)
                    .kind(TokenKind.EPHEMERAL)
                    .restrictions(restrictions(path))
                    .build(), parent.numUses() == 0 ? parent : null, true);
        } catch (RuntimeException e) {
            // the failure's class and message only (storage errors carry no statement parameters)
            LOG.warn("proxy credential read of {}: no ephemeral token could be minted: {}", path, e.toString());
            throw Problems.credentialUnavailable(path, "no ephemeral token could be minted for the read").exception();
        }
        ApiResponse r = pipeline.get().handle(new ApiRequest("GET", "/v1/" + path, null, new byte[0], null,
                Map.of("x-vault-token", List.of(eph.token())), "127.0.0.1"));
        if (r.status() != 200) {
            String why = r.status() == 403 ? "reading " + path + " was denied"
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
