package dev.av.secrets.vault;

import dev.av.core.AvException;
import dev.av.core.Secret;
import dev.av.secrets.Fields;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How av reaches an upstream HashiCorp Vault (or OpenBao, or another av): address, namespace, TLS
 * (a PEM CA bundle; a PEM client certificate and key) and the auth method ({@code token},
 * {@code approle}, {@code kubernetes}). The secret parts (token, secret_id, client key) are only ever
 * stored sealed and never rendered.
 */
public record UpstreamConfig(String address, String namespace, String caCert, String clientCert, Secret clientKey,
                             String authMethod, Secret token, String roleId, Secret secretId, String authMount,
                             String kubernetesRole, String kubernetesJwtPath, Duration kvCacheTtl) {

    static final Set<String> FIELDS = Set.of("address", "namespace", "ca_cert", "client_cert", "client_key",
            "auth_method", "token", "role_id", "secret_id", "auth_mount", "kubernetes_role", "kubernetes_jwt_path",
            "kv_cache_ttl");
    /** Fields that must never be stored unsealed (e.g. in mount options). */
    public static final Set<String> SECRET_FIELDS = Set.of("token", "secret_id", "client_key");

    public static UpstreamConfig parse(Map<String, Object> data, UpstreamConfig existing) {
        for (String key : data.keySet()) {
            if (!FIELDS.contains(key)) {
                throw AvException.badRequest("unknown field \"" + key + "\"");
            }
        }
        Map<String, Object> merged = new HashMap<>(existing == null ? Map.of() : existing.toStored());
        merged.putAll(data);
        String address = Fields.string(merged, "address", null);
        if (address == null || address.isBlank()) {
            throw AvException.badRequest("missing required field \"address\"");
        }
        try {
            URI uri = URI.create(address.trim());
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw AvException.badRequest("address must be an http(s) URL such as https://vault.example.com:8200");
        }
        String method = Fields.string(merged, "auth_method", "token");
        Secret token = secret(merged, "token");
        Secret secretId = secret(merged, "secret_id");
        String roleId = Fields.string(merged, "role_id", null);
        String k8sRole = Fields.string(merged, "kubernetes_role", null);
        switch (method) {
            case "token" -> {
                if (token == null) {
                    throw AvException.badRequest("auth_method token needs \"token\"");
                }
            }
            case "approle" -> {
                if (roleId == null || roleId.isBlank()) {
                    throw AvException.badRequest("auth_method approle needs \"role_id\" (and usually \"secret_id\")");
                }
            }
            case "kubernetes" -> {
                if (k8sRole == null || k8sRole.isBlank()) {
                    throw AvException.badRequest("auth_method kubernetes needs \"kubernetes_role\"");
                }
            }
            default -> throw AvException.badRequest("auth_method must be token, approle or kubernetes");
        }
        String clientCert = Fields.string(merged, "client_cert", null);
        Secret clientKey = secret(merged, "client_key");
        if ((clientCert == null) != (clientKey == null)) {
            throw AvException.badRequest("client_cert and client_key go together");
        }
        String ca = Fields.string(merged, "ca_cert", null);
        for (String pem : new String[] {ca, clientCert}) {
            if (pem != null && !pem.contains("-----BEGIN CERTIFICATE-----")) {
                throw AvException.badRequest("ca_cert and client_cert must be PEM certificates");
            }
        }
        if (clientKey != null && !clientKey.reveal().contains("-----BEGIN PRIVATE KEY-----")) {
            throw AvException.badRequest("client_key must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        return new UpstreamConfig(address.trim().replaceAll("/+$", ""), Fields.string(merged, "namespace", null), ca,
                clientCert, clientKey, method, token, roleId, secretId,
                Fields.string(merged, "auth_mount", method.equals("kubernetes") ? "kubernetes" : "approle"),
                k8sRole, Fields.string(merged, "kubernetes_jwt_path", "/var/run/secrets/kubernetes.io/serviceaccount/token"),
                Fields.duration(merged, "kv_cache_ttl", Duration.ofMinutes(1)));
    }

    private static Secret secret(Map<String, Object> data, String name) {
        String v = Fields.string(data, name, null);
        return v == null || v.isEmpty() ? null : Secret.of(v);
    }

    /** Everything, secrets included: only for sealed storage. */
    Map<String, Object> toStored() {
        Map<String, Object> m = new LinkedHashMap<>(toResponse());
        m.remove("has_token");
        m.remove("has_secret_id");
        m.remove("has_client_key");
        m.put("kv_cache_ttl", kvCacheTtl.getSeconds());
        put(m, "token", token == null ? null : token.reveal());
        put(m, "secret_id", secretId == null ? null : secretId.reveal());
        put(m, "client_key", clientKey == null ? null : clientKey.reveal());
        m.values().removeIf(v -> v == null);
        return m;
    }

    /** What a read of the config shows: no secret values, only whether they are set. */
    public Map<String, Object> toResponse() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", address);
        m.put("namespace", namespace);
        m.put("auth_method", authMethod);
        m.put("auth_mount", authMount);
        m.put("role_id", roleId);
        m.put("kubernetes_role", kubernetesRole);
        m.put("kubernetes_jwt_path", kubernetesJwtPath);
        m.put("ca_cert", caCert);
        m.put("client_cert", clientCert);
        m.put("kv_cache_ttl", kvCacheTtl.getSeconds());
        m.put("has_token", token != null);
        m.put("has_secret_id", secretId != null);
        m.put("has_client_key", clientKey != null);
        return m;
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    @Override
    public String toString() {
        return "UpstreamConfig[" + address + ", " + authMethod + "]";
    }
}
