package dev.av.server.sys;

import dev.av.core.AvException;
import dev.av.registry.keyring.Keyring;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenStore;
import dev.av.server.ServerConfig;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.PolicyStore;
import dev.av.server.logical.Fields;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.MountEntry;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import dev.av.server.mount.MountTable;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sys/*} paths the server owns: lifecycle (health, seal-status, init, unseal, seal, rekey),
 * the mount table, ACL and Cedar policies, capabilities, and the CLI's mount lookup. Other areas
 * register their own {@code sys/...} prefixes as {@link RoutedBackend}s (longer prefixes win).
 */
public final class SysBackend implements RoutedBackend {

    public static final String VERSION = "0.1.0";

    private final Keyring keyring;
    private final TokenStore tokens;
    private final MountTable mounts;
    private final PolicyStore policies;
    private final Authorizer authorizer;
    private final ServerConfig config;
    private final Clock clock;
    private final String clusterId = java.util.UUID.randomUUID().toString();

    public SysBackend(Keyring keyring, TokenStore tokens, MountTable mounts, PolicyStore policies,
                      Authorizer authorizer, ServerConfig config) {
        this.keyring = keyring;
        this.tokens = tokens;
        this.mounts = mounts;
        this.policies = policies;
        this.authorizer = authorizer;
        this.config = config;
        this.clock = config.clock();
    }

    @Override
    public String prefix() {
        return "sys/";
    }

    @Override
    public boolean isUnauthenticated(String rel, Operation op) {
        // internal/ui/mounts checks the token itself: any valid token may learn a path's mount (the CLI's kv commands)
        return rel.equals("health") || rel.equals("seal-status") || rel.equals("init") || rel.equals("unseal")
                || rel.startsWith("internal/ui/mounts/");
    }

    @Override
    public boolean isRootProtected(String rel, Operation op) {
        return rel.equals("seal") || rel.equals("rekey") || rel.startsWith("rekey/");
    }

    @Override
    public LogicalResponse handle(LogicalRequest r) {
        String rel = r.relativePath();
        Operation op = r.operation();
        boolean write = op == Operation.UPDATE || op == Operation.CREATE;
        if (rel.equals("health")) {
            return op == Operation.READ ? health(r) : unsupported();
        }
        if (rel.equals("seal-status")) {
            return op == Operation.READ ? LogicalResponse.raw(200, sealStatus()) : unsupported();
        }
        if (rel.equals("init")) {
            if (op == Operation.READ) {
                return LogicalResponse.raw(200, Map.of("initialized", keyring.isInitialized()));
            }
            return write ? init(r) : unsupported();
        }
        if (rel.equals("unseal")) {
            return write ? unseal(r) : unsupported();
        }
        if (rel.equals("seal")) {
            if (!write) {
                return unsupported();
            }
            keyring.seal();
            return LogicalResponse.noContent();
        }
        if (rel.equals("rekey")) {
            return write ? rekey(r) : unsupported();
        }
        if (rel.equals("mounts") || rel.equals("mounts/")) {
            return op == Operation.READ || op == Operation.LIST ? LogicalResponse.of(mountList()) : unsupported();
        }
        if (rel.startsWith("mounts/")) {
            return mount(r, rel.substring("mounts/".length()));
        }
        if (rel.equals("auth") || rel.equals("auth/")) {
            return op == Operation.READ ? LogicalResponse.of(Map.of("token/", tokenAuthMount())) : unsupported();
        }
        if (rel.startsWith("policies/acl") || rel.startsWith("policies/cedar")) {
            String kind = rel.startsWith("policies/acl") ? "acl" : "cedar";
            String rest = rel.substring(("policies/" + kind).length());
            return policy(r, kind, rest.startsWith("/") ? rest.substring(1) : rest, false);
        }
        if (rel.equals("policy") || rel.startsWith("policy/")) {
            String rest = rel.substring("policy".length());
            return policy(r, "acl", rest.startsWith("/") ? rest.substring(1) : rest, true);
        }
        if (rel.equals("capabilities") || rel.equals("capabilities-self") || rel.equals("capabilities-accessor")) {
            return write ? capabilities(r, rel) : unsupported();
        }
        if (rel.startsWith("internal/ui/mounts/")) {
            if (r.token() == null) {
                throw AvException.permissionDenied();
            }
            return op == Operation.READ ? uiMount(rel.substring("internal/ui/mounts/".length())) : unsupported();
        }
        throw AvException.notFound("no handler for route \"" + r.path() + "\". route entry not found.");
    }

    private static LogicalResponse unsupported() {
        throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
    }

    // ------------------------------------------------------------------ lifecycle

    private LogicalResponse health(LogicalRequest r) {
        Fields f = Fields.of(r);
        boolean init = keyring.isInitialized();
        boolean sealed = keyring.isSealed();
        int status;
        if (!init) {
            status = (int) f.integer("uninitcode", 501);
        } else if (sealed) {
            status = (int) f.integer("sealedcode", 503);
        } else {
            status = (int) f.integer("activecode", 200);
        }
        if (status < 200 || status > 599) {
            throw AvException.badRequest("invalid status code");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("initialized", init);
        body.put("sealed", sealed);
        body.put("standby", false);
        body.put("performance_standby", false);
        body.put("replication_performance_mode", "disabled");
        body.put("replication_dr_mode", "disabled");
        body.put("server_time_utc", clock.instant().getEpochSecond());
        body.put("version", VERSION);
        body.put("enterprise", false);
        body.put("cluster_name", "av");
        body.put("cluster_id", clusterId);
        return LogicalResponse.raw(status, body);
    }

    private Map<String, Object> sealStatus() {
        boolean init = keyring.isInitialized();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "shamir");
        body.put("initialized", init);
        body.put("sealed", keyring.isSealed());
        body.put("t", init ? 1 : 0);
        body.put("n", init ? 1 : 0);
        body.put("progress", 0);
        body.put("nonce", "");
        body.put("version", VERSION);
        body.put("build_date", "");
        body.put("migration", false);
        body.put("cluster_name", "av");
        body.put("cluster_id", clusterId);
        body.put("recovery_seal", false);
        body.put("storage_type", config.storage().describe());
        return body;
    }

    private LogicalResponse init(LogicalRequest r) {
        Fields f = Fields.of(r);
        String passphrase = f.string("passphrase", null);
        f.integer("secret_shares", 1);
        f.integer("secret_threshold", 1);
        Keyring.NewKey key = keyring.init(passphrase);
        IssuedToken root = tokens.createRoot(null, "root");
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> keys = key.key() == null ? List.of() : List.of(key.key());
        body.put("keys", keys);
        body.put("keys_base64", keys);
        body.put("root_token", root.token());
        return LogicalResponse.raw(200, body);
    }

    private LogicalResponse unseal(LogicalRequest r) {
        Fields f = Fields.of(r);
        if (f.bool("reset", false)) {
            return LogicalResponse.raw(200, sealStatus());
        }
        keyring.unseal(f.requiredString("key"));
        return LogicalResponse.raw(200, sealStatus());
    }

    private LogicalResponse rekey(LogicalRequest r) {
        Fields f = Fields.of(r);
        Keyring.NewKey key = keyring.rekey(f.requiredString("key"), f.string("passphrase", null));
        Map<String, Object> data = new LinkedHashMap<>();
        List<String> keys = key.key() == null ? List.of() : List.of(key.key());
        data.put("keys", keys);
        data.put("keys_base64", keys);
        return LogicalResponse.of(data);
    }

    // ------------------------------------------------------------------ mounts

    private Map<String, Object> mountList() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (MountEntry e : mounts.list()) {
            out.put(e.path(), mountInfo(e));
        }
        Map<String, Object> sys = new LinkedHashMap<>();
        sys.put("accessor", "system_av");
        sys.put("config", Map.of("default_lease_ttl", 0, "max_lease_ttl", 0, "force_no_cache", false));
        sys.put("description", "system endpoints used for control, policy and debugging");
        sys.put("local", false);
        sys.put("options", null);
        sys.put("seal_wrap", true);
        sys.put("type", "system");
        sys.put("uuid", "system");
        out.put("sys/", sys);
        return out;
    }

    private static Map<String, Object> mountInfo(MountEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessor", e.accessor());
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("default_lease_ttl", e.config().getOrDefault("default_lease_ttl", 0));
        cfg.put("max_lease_ttl", e.config().getOrDefault("max_lease_ttl", 0));
        cfg.put("force_no_cache", false);
        m.put("config", cfg);
        m.put("description", e.description());
        m.put("external_entropy_access", false);
        m.put("local", false);
        m.put("options", e.options().isEmpty() ? null : e.options());
        m.put("plugin_version", "");
        m.put("running_plugin_version", "v" + VERSION + "+builtin.av");
        m.put("running_sha256", "");
        m.put("seal_wrap", false);
        m.put("type", e.type());
        m.put("uuid", e.uuid());
        return m;
    }

    private Map<String, Object> tokenAuthMount() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessor", "auth_token_av");
        m.put("config", Map.of("default_lease_ttl", 0, "max_lease_ttl", 0, "token_type", "default-service"));
        m.put("description", "token based credentials");
        m.put("local", false);
        m.put("options", null);
        m.put("seal_wrap", false);
        m.put("type", "token");
        m.put("uuid", "token");
        return m;
    }

    private LogicalResponse mount(LogicalRequest r, String path) {
        Operation op = r.operation();
        if (path.endsWith("/tune")) {
            throw AvException.badRequest("mount tuning is not supported");
        }
        switch (op) {
            case READ -> {
                MountEntry e = mounts.get(MountTable.normalize(path))
                        .orElseThrow(() -> AvException.badRequest("no mount at \"" + MountTable.normalize(path) + "\""));
                return LogicalResponse.of(mountInfo(e));
            }
            case CREATE, UPDATE -> {
                Fields f = Fields.of(r);
                String type = f.requiredString("type");
                Map<String, String> options = f.stringMap("options");
                if (type.equals("kv-v2")) {
                    type = "kv";
                    options = new LinkedHashMap<>(options);
                    options.put("version", "2");
                }
                Fields cfg = new Fields(f.object("config"));
                Map<String, Object> config = new LinkedHashMap<>();
                if (cfg.has("default_lease_ttl")) {
                    config.put("default_lease_ttl", cfg.duration("default_lease_ttl").toSeconds());
                }
                if (cfg.has("max_lease_ttl")) {
                    config.put("max_lease_ttl", cfg.duration("max_lease_ttl").toSeconds());
                }
                mounts.mount(path, type, f.string("description", ""), options, config);
                return LogicalResponse.noContent();
            }
            case DELETE -> {
                mounts.unmount(path);
                return LogicalResponse.noContent();
            }
            default -> {
                return unsupported();
            }
        }
    }

    private LogicalResponse uiMount(String path) {
        MountEntry e = mounts.match(path);
        if (e == null) {
            throw AvException.badRequest("no mount found for path \"" + (path.length() > 100 ? path.substring(0, 100) : path) + "\"");
        }
        Map<String, Object> info = mountInfo(e);
        info.put("path", e.path());
        return LogicalResponse.of(info);
    }

    // ------------------------------------------------------------------ policies

    private LogicalResponse policy(LogicalRequest r, String kind, String rawName, boolean legacy) {
        Operation op = r.operation();
        if (rawName.isEmpty() || op == Operation.LIST) {
            if (op != Operation.LIST && op != Operation.READ) {
                return unsupported();
            }
            List<String> names = policies.list(kind);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("keys", names);
            if (legacy) {
                data.put("policies", names);
            }
            return LogicalResponse.of(data);
        }
        String name = PolicyStore.normalizeName(rawName);
        String textField = legacy ? "rules" : "policy";
        switch (op) {
            case READ -> {
                if (kind.equals("acl") && name.equals("root")) {
                    throw AvException.badRequest("cannot read \"root\" policy: it grants everything");
                }
                String body = policies.get(kind, name).orElseThrow(() -> new AvException(AvException.Kind.NOT_FOUND,
                        List.of(), null));
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("name", name);
                data.put(textField, body);
                return LogicalResponse.of(data);
            }
            case CREATE, UPDATE -> {
                if (kind.equals("acl") && name.equals("root")) {
                    throw AvException.badRequest("cannot update \"root\" policy");
                }
                Fields f = Fields.of(r);
                String text = f.has("policy") ? f.string("policy", null) : f.string("rules", null);
                if (text == null || text.isBlank()) {
                    throw AvException.badRequest("missing required field \"" + textField + "\"");
                }
                text = maybeBase64(text);
                if (kind.equals("acl")) {
                    authorizer.engine().validate(name, text);
                } else {
                    validateCedar(name, text);
                }
                policies.put(kind, name, text);
                return LogicalResponse.noContent();
            }
            case DELETE -> {
                if (name.equals("default") || (kind.equals("acl") && name.equals("root"))) {
                    throw AvException.badRequest("cannot delete \"" + name + "\" policy");
                }
                policies.delete(kind, name);
                return LogicalResponse.noContent();
            }
            default -> {
                return unsupported();
            }
        }
    }

    private static String maybeBase64(String text) {
        String t = text.trim();
        if (t.matches("[A-Za-z0-9+/=\\s]+") && t.length() % 4 == 0 && t.length() >= 8) {
            try {
                String decoded = new String(java.util.Base64.getMimeDecoder().decode(t), java.nio.charset.StandardCharsets.UTF_8);
                if (decoded.contains("path") || decoded.contains("permit") || decoded.contains("forbid")) {
                    return decoded;
                }
            } catch (IllegalArgumentException e) {
                return text;
            }
        }
        return text;
    }

    private static void validateCedar(String name, String text) {
        try {
            dev.av.policy.cedar.CedarPolicySet.check(name, text);
        } catch (dev.av.policy.cedar.CedarPolicyException e) {
            throw AvException.badRequest(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            throw new AvException(AvException.Kind.UNAVAILABLE, "Cedar is not available: " + e.getMessage(), null);
        }
    }

    // ------------------------------------------------------------------ capabilities

    private LogicalResponse capabilities(LogicalRequest r, String which) {
        Fields f = Fields.of(r);
        TokenEntry target = switch (which) {
            case "capabilities-self" -> r.token();
            case "capabilities" -> tokens.lookup(f.requiredString("token"))
                    .orElseThrow(() -> AvException.badRequest("invalid token"));
            default -> tokens.lookupAccessor(f.requiredString("accessor"))
                    .orElseThrow(() -> AvException.badRequest("invalid accessor"));
        };
        List<String> paths = new ArrayList<>(f.stringList("paths"));
        if (paths.isEmpty() && f.has("path")) {
            paths.addAll(f.stringList("path"));
        }
        if (paths.isEmpty()) {
            throw AvException.badRequest("missing required field \"paths\"");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        for (String p : paths) {
            String clean = p.startsWith("/") ? p.substring(1) : p;
            List<String> caps = authorizer.capabilities(target, clean);
            data.put(p, caps);
            for (String c : caps) {
                if (!all.contains(c)) {
                    all.add(c);
                }
            }
        }
        all.sort(null);
        data.put("capabilities", all);
        return LogicalResponse.of(data);
    }

    /** For logs: issue time formatting shared with token lookups. */
    static String iso(java.time.Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
