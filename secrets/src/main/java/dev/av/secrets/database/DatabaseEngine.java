package dev.av.secrets.database;

import dev.av.core.AvException;
import dev.av.core.Secret;
import dev.av.secrets.EngineRequest;
import dev.av.secrets.EngineResponse;
import dev.av.secrets.Fields;
import dev.av.secrets.Operation;
import dev.av.secrets.SecretEngine;
import dev.av.secrets.Sealer;
import dev.av.secrets.lease.Lease;
import dev.av.secrets.lease.LeaseHandler;
import dev.av.secrets.lease.LeaseManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Vault's database secrets engine for PostgreSQL, with Vault's paths and field names:
 * {@code config/:name}, {@code roles/:name}, {@code creds/:role}. Each {@code creds} read creates a
 * fresh login and a lease; revoking the lease (explicitly, by expiry, or with the token that created
 * it) forbids new logins, ends the user's sessions and runs the revocation statements.
 */
public final class DatabaseEngine implements SecretEngine, LeaseHandler {

    public static final String TYPE = "database";
    /** Vault's system default and maximum lease TTL (32 days). */
    public static final Duration SYSTEM_MAX_TTL = Duration.ofHours(768);

    private static final Set<String> CONFIG_FIELDS = Set.of("plugin_name", "connection_url", "username", "password",
            "allowed_roles", "verify_connection", "max_open_connections", "max_idle_connections",
            "max_connection_lifetime", "password_authentication", "username_template", "plugin_version",
            "root_rotation_statements", "password_policy");
    private static final Set<String> ROLE_FIELDS = Set.of("db_name", "creation_statements", "revocation_statements",
            "renew_statements", "rollback_statements", "default_ttl", "max_ttl", "credential_type");
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final String mount;
    private final DatabaseStore store;
    private final LeaseManager leases;
    private final PostgresPlugin plugin = new PostgresPlugin();
    private final Duration mountDefaultTtl;
    private final Duration mountMaxTtl;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param mount          the mount path without slashes ({@code database}); lease ids start with it
     * @param storageKey     what the engine's stored configuration is keyed by (the mount's uuid)
     * @param defaultTtl     the mount's default lease TTL (zero: the system default, 768h)
     * @param maxTtl         the mount's max lease TTL (zero: the system max, 768h)
     */
    public DatabaseEngine(String mount, String storageKey, DataSource dataSource, Sealer sealer, LeaseManager leases,
                          Duration defaultTtl, Duration maxTtl) {
        this.mount = mount;
        this.store = new DatabaseStore(dataSource, sealer, storageKey);
        this.leases = leases;
        this.mountMaxTtl = maxTtl == null || maxTtl.isZero() ? SYSTEM_MAX_TTL : maxTtl;
        Duration d = defaultTtl == null || defaultTtl.isZero() ? SYSTEM_MAX_TTL : defaultTtl;
        this.mountDefaultTtl = d.compareTo(mountMaxTtl) > 0 ? mountMaxTtl : d;
        leases.register(mount, this);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        String path = request.path();
        String[] parts = path.split("/", 2);
        String section = parts[0];
        String name = parts.length > 1 ? parts[1] : "";
        Operation op = request.operation();
        return switch (section) {
            case "config" -> name.isEmpty() ? listOnly(op, store.connectionNames()) : config(op, name, request.data());
            case "roles" -> name.isEmpty() ? listOnly(op, store.roleNames()) : role(op, name, request.data());
            case "creds" -> creds(op, name, request);
            default -> throw AvException.notFound("unsupported path");
        };
    }

    private EngineResponse listOnly(Operation op, List<String> names) {
        if (op != Operation.LIST && op != Operation.READ) {
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
        if (names.isEmpty()) {
            throw AvException.notFound("no entries");
        }
        return EngineResponse.of(Map.of("keys", names));
    }

    private EngineResponse config(Operation op, String name, Map<String, Object> data) {
        checkName(name);
        switch (op) {
            case READ -> {
                return EngineResponse.of(store.connection(name)
                        .orElseThrow(() -> AvException.notFound("no database configuration named \"" + name + "\""))
                        .toResponse());
            }
            case CREATE, UPDATE -> {
                rejectUnknown(data, CONFIG_FIELDS);
                DatabaseConnection existing = store.connection(name).orElse(null);
                String plugin = Fields.string(data, "plugin_name", existing == null ? null : existing.pluginName());
                if (plugin == null || plugin.isBlank()) {
                    throw AvException.badRequest("empty plugin name");
                }
                if (!plugin.equals(DatabaseConnection.POSTGRES_PLUGIN)) {
                    throw AvException.badRequest("unsupported plugin_name \"" + plugin + "\": only "
                            + DatabaseConnection.POSTGRES_PLUGIN + " is available");
                }
                String url = Fields.string(data, "connection_url", existing == null ? null : existing.connectionUrl());
                String user = Fields.string(data, "username", existing == null ? null : existing.username());
                String pw = Fields.string(data, "password", null);
                Secret password = pw != null ? Secret.of(pw) : existing == null ? null : existing.password();
                List<String> allowed = Fields.list(data, "allowed_roles",
                        existing == null ? List.of() : existing.allowedRoles());
                boolean verify = Fields.bool(data, "verify_connection", true);
                DatabaseConnection conn = new DatabaseConnection(name, plugin, url, user, password, allowed, verify);
                conn.url(); // validates the URL
                if (verify) {
                    plugin(conn);
                }
                store.putConnection(conn);
                return EngineResponse.noContent();
            }
            case DELETE -> {
                store.deleteConnection(name);
                return EngineResponse.noContent();
            }
            default -> throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
    }

    private void plugin(DatabaseConnection conn) {
        try {
            plugin.verify(conn);
        } catch (AvException e) {
            throw AvException.badRequest("error creating database object: " + e.getMessage());
        }
    }

    private EngineResponse role(Operation op, String name, Map<String, Object> data) {
        checkName(name);
        switch (op) {
            case READ -> {
                return EngineResponse.of(store.role(name)
                        .orElseThrow(() -> AvException.notFound("no role named \"" + name + "\""))
                        .toResponse());
            }
            case CREATE, UPDATE -> {
                rejectUnknown(data, ROLE_FIELDS);
                DatabaseRole existing = store.role(name).orElse(null);
                String db = Fields.string(data, "db_name", existing == null ? null : existing.dbName());
                if (db == null || db.isBlank()) {
                    throw AvException.badRequest("empty database name attribute");
                }
                List<String> creation = Fields.statements(data, "creation_statements",
                        existing == null ? List.of() : existing.creationStatements());
                if (creation.isEmpty()) {
                    throw AvException.badRequest("creation_statements are required");
                }
                DatabaseRole role = new DatabaseRole(name, db, creation,
                        Fields.statements(data, "revocation_statements",
                                existing == null ? List.of() : existing.revocationStatements()),
                        Fields.statements(data, "renew_statements",
                                existing == null ? List.of() : existing.renewStatements()),
                        Fields.duration(data, "default_ttl", existing == null ? Duration.ZERO : existing.defaultTtl()),
                        Fields.duration(data, "max_ttl", existing == null ? Duration.ZERO : existing.maxTtl()));
                if (!role.maxTtl().isZero() && role.defaultTtl().compareTo(role.maxTtl()) > 0) {
                    throw AvException.badRequest("ttl cannot be greater than max_ttl");
                }
                store.putRole(role);
                return EngineResponse.noContent();
            }
            case DELETE -> {
                store.deleteRole(name);
                return EngineResponse.noContent();
            }
            default -> throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
    }

    private EngineResponse creds(Operation op, String roleName, EngineRequest request) {
        if (op != Operation.READ) {
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
        checkName(roleName);
        DatabaseRole role = store.role(roleName)
                .orElseThrow(() -> AvException.badRequest("unknown role: " + roleName));
        DatabaseConnection conn = store.connection(role.dbName())
                .orElseThrow(() -> AvException.badRequest("could not find database \"" + role.dbName() + "\""));
        if (!conn.allows(roleName)) {
            throw AvException.badRequest("\"" + roleName + "\" is not an allowed role");
        }
        Duration max = role.maxTtl().isZero() || role.maxTtl().compareTo(mountMaxTtl) > 0 ? mountMaxTtl : role.maxTtl();
        Duration ttl = role.defaultTtl().isZero() ? mountDefaultTtl : role.defaultTtl();
        if (ttl.compareTo(max) > 0) {
            ttl = max;
        }
        String username = username(request.displayName(), roleName);
        String password = password();
        Lease lease = leases.create(mount, "creds/" + roleName, request.owner(), ttl, max, true,
                Map.of("username", username, "role", roleName, "db_name", role.dbName()));
        try {
            plugin.createUser(conn, role.creationStatements(), username, password, lease.expireTime());
        } catch (RuntimeException e) {
            leases.discard(lease.id());
            throw e;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", username);
        data.put("password", password);
        return EngineResponse.leased(data, lease);
    }

    @Override
    public Instant renew(Lease lease, Instant requested) {
        Target t = target(lease);
        plugin.renewUser(t.conn(), t.role() == null ? List.of() : t.role().renewStatements(),
                lease.internalString("username"), requested);
        return requested;
    }

    @Override
    public void revoke(Lease lease) {
        Target t = target(lease);
        plugin.revokeUser(t.conn(), t.role() == null ? List.of() : t.role().revocationStatements(),
                lease.internalString("username"));
    }

    private record Target(DatabaseConnection conn, DatabaseRole role) {
    }

    /** The connection of a lease's user; the role may have been deleted since (then defaults apply). */
    private Target target(Lease lease) {
        String db = lease.internalString("db_name");
        DatabaseConnection conn = store.connection(db).orElseThrow(() -> new AvException(AvException.Kind.UNAVAILABLE,
                "database configuration \"" + db + "\" of this lease no longer exists"));
        DatabaseRole role = store.role(lease.internalString("role")).orElse(null);
        return new Target(conn, role);
    }

    /** Vault's default: v-{display 8}-{role 8}-{random 20}-{unix time}, at most 63 characters. */
    String username(String displayName, String role) {
        String display = sanitize(displayName.isEmpty() ? "token" : displayName, 8);
        String r = sanitize(role, 8);
        String name = "v-" + display + "-" + r + "-" + randomString(20) + "-" + leases.clock().instant().getEpochSecond();
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    private String password() {
        return "A1a-" + randomString(20);
    }

    private String randomString(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    private static String sanitize(String s, int max) {
        String clean = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return clean.length() > max ? clean.substring(0, max) : clean;
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.length() > 200) {
            throw AvException.badRequest("invalid name \"" + (name.length() > 40 ? name.substring(0, 40) : name) + "\"");
        }
    }

    private static void rejectUnknown(Map<String, Object> data, Set<String> allowed) {
        for (String key : data.keySet()) {
            if (!allowed.contains(key)) {
                throw AvException.badRequest("unknown field \"" + key + "\"");
            }
        }
    }

    @Override
    public void purge() {
        store.deleteAll();
    }

    @Override
    public void close() {
        leases.unregister(mount);
    }
}
