package dev.av.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.registry.storage.StorageSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code av server -config FILE} (JSON, in the shape of Vault's JSON server configuration) and
 * the environment. Environment variables win over the file. The format (documented in
 * {@code docs/architecture.md}):
 *
 * <pre>{@code
 * {
 *   "listener": {"tcp": {"address": "127.0.0.1:14321"}},
 *   "proxy":    {"address": "127.0.0.1:14322"},
 *   "storage":  {"h2": {"path": "/var/lib/av"}},
 *            or {"postgresql": {"connection_url": "jdbc:postgresql://127.0.0.1:5432/av",
 *                               "username": "av", "password": "..."}},
 *   "unseal_key_file": "/etc/av/unseal-key",
 *   "default_lease_ttl": "768h", "max_lease_ttl": "768h",
 *   "max_request_size": 8388608,
 *   "av": {"audit": {"file": {"path": "/var/log/av/audit.log"}}}
 * }
 * }</pre>
 * The {@code "av"} object is flattened into application properties ({@code av.audit.file.path}) for
 * other areas. Environment: {@code AV_LISTEN_ADDRESS}, {@code AV_PROXY_LISTEN_ADDRESS},
 * {@code AV_DATA_DIR}, {@code AV_STORAGE_URL} (a JDBC URL), {@code AV_STORAGE_USER},
 * {@code AV_STORAGE_PASSWORD}, {@code AV_UNSEAL_KEY}, {@code AV_UNSEAL_KEY_FILE}.
 */
public final class ConfigLoader {

    private static final Set<String> KNOWN = Set.of("listener", "proxy", "storage", "unseal_key_file",
            "default_lease_ttl", "max_lease_ttl", "max_request_size", "av", "ui", "disable_mlock", "api_addr");

    private ConfigLoader() {
    }

    /** Loads a persistent (non-dev) configuration from {@code file} (may be null) and {@code env}. */
    public static ServerConfig load(Path file, Map<String, String> env) {
        ServerConfig.Builder b = ServerConfig.builder();
        Path dataDir = null;
        StorageSettings storage = null;
        String unsealKeyFile = null;
        if (file != null) {
            JsonNode root = read(file);
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KNOWN.contains(k)) {
                    throw AvException.badRequest("config " + file + ": unknown setting \"" + k + "\"");
                }
            }
            JsonNode tcp = root.path("listener").path("tcp");
            if (tcp.has("address")) {
                b.listenAddress(text(tcp, "address", file));
            }
            if (root.path("proxy").has("address")) {
                b.proxyListenAddress(text(root.path("proxy"), "address", file));
            }
            JsonNode st = root.path("storage");
            if (st.has("h2")) {
                if (st.path("h2").has("path")) {
                    dataDir = Path.of(text(st.path("h2"), "path", file));
                }
            } else if (st.has("postgresql")) {
                JsonNode pg = st.path("postgresql");
                storage = StorageSettings.postgres(text(pg, "connection_url", file),
                        pg.path("username").asText(""), pg.path("password").asText(""));
            } else if (st.has("inmem")) {
                storage = StorageSettings.h2Memory("av" + Long.toHexString(System.nanoTime()));
            } else if (!st.isMissingNode()) {
                throw AvException.badRequest("config " + file + ": storage must be \"h2\", \"postgresql\" or \"inmem\"");
            }
            if (root.has("unseal_key_file")) {
                unsealKeyFile = text(root, "unseal_key_file", file);
            }
            if (root.has("default_lease_ttl")) {
                b.defaultLeaseTtl(Durations.parse("default_lease_ttl", root.get("default_lease_ttl").asText()));
            }
            if (root.has("max_lease_ttl")) {
                b.maxLeaseTtl(Durations.parse("max_lease_ttl", root.get("max_lease_ttl").asText()));
            }
            if (root.has("max_request_size")) {
                if (!root.get("max_request_size").canConvertToInt()) {
                    throw AvException.badRequest("config " + file + ": max_request_size must be a number of bytes");
                }
                b.maxRequestBytes(root.get("max_request_size").asInt());
            }
            if (root.has("av")) {
                Map<String, Object> props = new HashMap<>();
                flatten("av", root.get("av"), props);
                b.properties(props);
            }
        }
        if (env.get("AV_LISTEN_ADDRESS") != null) {
            b.listenAddress(env.get("AV_LISTEN_ADDRESS"));
        }
        if (env.get("AV_PROXY_LISTEN_ADDRESS") != null) {
            b.proxyListenAddress(env.get("AV_PROXY_LISTEN_ADDRESS"));
        }
        if (env.get("AV_DATA_DIR") != null) {
            dataDir = Path.of(env.get("AV_DATA_DIR"));
        }
        if (env.get("AV_STORAGE_URL") != null) {
            String url = env.get("AV_STORAGE_URL");
            if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
                throw AvException.badRequest("AV_STORAGE_URL must be a jdbc:postgresql: or jdbc:h2: URL");
            }
            storage = new StorageSettings(url, env.getOrDefault("AV_STORAGE_USER", ""),
                    env.getOrDefault("AV_STORAGE_PASSWORD", ""));
        }
        if (dataDir != null) {
            b.dataDir(dataDir);
        }
        if (storage != null) {
            b.storage(storage);
        }
        if (env.get("AV_UNSEAL_KEY_FILE") != null) {
            unsealKeyFile = env.get("AV_UNSEAL_KEY_FILE");
        }
        if (env.get("AV_UNSEAL_KEY") != null && !env.get("AV_UNSEAL_KEY").isBlank()) {
            b.unsealKey(env.get("AV_UNSEAL_KEY").trim());
        } else if (unsealKeyFile != null) {
            try {
                b.unsealKey(Files.readString(Path.of(unsealKeyFile), StandardCharsets.UTF_8).trim());
            } catch (IOException e) {
                throw AvException.badRequest("cannot read unseal key file " + unsealKeyFile + ": " + e.getClass().getSimpleName());
            }
        }
        return b.build();
    }

    private static JsonNode read(Path file) {
        try {
            ObjectMapper m = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(JsonParser.Feature.ALLOW_COMMENTS);
            JsonNode n = m.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw AvException.badRequest("config " + file + ": must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw AvException.badRequest("config " + file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw AvException.badRequest("config " + file + ": \"" + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isNumber()) {
            out.put(prefix, node.numberValue());
        } else if (node.isBoolean()) {
            out.put(prefix, node.booleanValue());
        } else {
            out.put(prefix, node.asText());
        }
    }
}
