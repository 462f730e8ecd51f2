package dev.av.server.mount;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import dev.av.server.logical.Backend;
import dev.av.server.logical.BackendFactory;
import dev.av.server.logical.MountEntry;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The persisted mount table. Backends are created lazily (on first use, when av is unsealed) by the
 * {@link BackendFactory} bean of the mount's type; a mount whose type is not available answers 503.
 */
public final class MountTable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESERVED = Set.of("sys/", "auth/", "cubbyhole/", "identity/", "v1/");

    private final DataSource dataSource;
    private final Clock clock;
    private final Map<String, BackendFactory> factories;
    private final Set<String> routedPrefixes = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, MountEntry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Backend> backends = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public MountTable(DataSource dataSource, Clock clock, Map<String, BackendFactory> factories) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.factories = Map.copyOf(factories);
        load();
    }

    /** Prefixes served by routed backends: nothing may be mounted over or under them. */
    public void reserve(Set<String> prefixes) {
        routedPrefixes.addAll(prefixes);
    }

    /** Mounts {@code type} at {@code path} unless something is mounted there already (dev mode's {@code secret/}). */
    public synchronized void ensureMounted(String path, String type, String description, Map<String, String> options) {
        if (!entries.containsKey(normalize(path))) {
            doMount(path, type, description, options, Map.of(), false);
        }
    }

    private void load() {
        rows(null).forEach(e -> entries.put(e.path(), e));
    }

    /**
     * Another node mounted, changed or unmounted {@code path}: takes the row as it is now in the
     * database (its data was created or destroyed by that node; a backend built for an older row is
     * dropped and rebuilt on next use).
     */
    public synchronized void refresh(String path) {
        List<MountEntry> now = rows(path);
        if (now.isEmpty()) {
            entries.remove(path);
            backends.remove(path);
        } else if (!now.get(0).equals(entries.put(path, now.get(0)))) {
            backends.remove(path);
        }
    }

    /** Re-reads the whole table (notices from other nodes may have been missed). */
    public synchronized void refreshAll() {
        Map<String, MountEntry> now = new java.util.HashMap<>();
        rows(null).forEach(e -> now.put(e.path(), e));
        for (String path : List.copyOf(entries.keySet())) {
            if (!now.containsKey(path)) {
                entries.remove(path);
                backends.remove(path);
            }
        }
        now.forEach((path, e) -> {
            if (!e.equals(entries.put(path, e))) {
                backends.remove(path);
            }
        });
    }

    private List<MountEntry> rows(String path) {
        return Database.inTransaction(dataSource, c -> {
            List<MountEntry> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT path, type, description, accessor, uuid, options, config, created_at FROM av_mounts"
                            + (path == null ? "" : " WHERE path = ?"))) {
                if (path != null) {
                    ps.setString(1, path);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new MountEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), JSON.readValue(rs.getString(6), new TypeReference<Map<String, String>>() { }),
                                JSON.readValue(rs.getString(7), new TypeReference<Map<String, Object>>() { }),
                                Instant.ofEpochMilli(rs.getLong(8))));
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AvException(AvException.Kind.INTERNAL, "mount table row is corrupt", null);
            }
            return out;
        });
    }

    /** Normalises a mount path to {@code a/b/} form and refuses bad ones. */
    public static String normalize(String path) {
        String p = path == null ? "" : path.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (!p.endsWith("/")) {
            p = p + "/";
        }
        if (p.equals("/") || p.length() > 256 || !p.matches("([A-Za-z0-9_.-]+/)+")
                || p.contains("/./") || p.startsWith("./") || p.contains("../") || p.startsWith("..")) {
            throw AvException.badRequest("invalid mount path \"" + (p.length() > 60 ? p.substring(0, 60) : p) + "\"");
        }
        return p;
    }

    public List<MountEntry> list() {
        List<MountEntry> out = new ArrayList<>(entries.values());
        out.sort((a, b) -> a.path().compareTo(b.path()));
        return out;
    }

    public Optional<MountEntry> get(String path) {
        return Optional.ofNullable(entries.get(path));
    }

    public boolean hasFactory(String type) {
        return factories.containsKey(type);
    }

    public synchronized MountEntry mount(String rawPath, String type, String description, Map<String, String> options,
                                         Map<String, Object> config) {
        return doMount(rawPath, type, description, options, config, true);
    }

    private MountEntry doMount(String rawPath, String type, String description, Map<String, String> options,
                               Map<String, Object> config, boolean requireFactory) {
        String path = normalize(rawPath);
        for (String r : RESERVED) {
            if (path.startsWith(r)) {
                throw AvException.badRequest("cannot mount at reserved path \"" + path + "\"");
            }
        }
        for (String r : routedPrefixes) {
            if (path.startsWith(r) || r.startsWith(path)) {
                throw AvException.badRequest("path \"" + path + "\" is used by av itself");
            }
        }
        for (String existing : entries.keySet()) {
            if (path.startsWith(existing) || existing.startsWith(path)) {
                throw AvException.badRequest("path is already in use at " + existing);
            }
        }
        if (type == null || type.isBlank()) {
            throw AvException.badRequest("missing mount type");
        }
        if (requireFactory && !factories.containsKey(type)) {
            throw AvException.badRequest("unknown mount type \"" + (type.length() > 40 ? type.substring(0, 40) : type) + "\"");
        }
        String accessor = type.replaceAll("[^a-z0-9]", "") + "_" + HexFormat.of().formatHex(randomBytes(4));
        MountEntry e = new MountEntry(path, type, description, accessor, UUID.randomUUID().toString(), options, config,
                Instant.ofEpochMilli(clock.millis()));
        Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO av_mounts (path, type, description, accessor, "
                    + "uuid, options, config, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, e.path());
                ps.setString(2, e.type());
                ps.setString(3, e.description());
                ps.setString(4, e.accessor());
                ps.setString(5, e.uuid());
                ps.setString(6, JSON.writeValueAsString(e.options()));
                ps.setString(7, JSON.writeValueAsString(e.config()));
                ps.setLong(8, e.createdAt().toEpochMilli());
                ps.executeUpdate();
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw AvException.badRequest("mount options must be plain values");
            }
            return null;
        });
        entries.put(path, e);
        return e;
    }

    /** Removes a mount and its data. Returns false when nothing was mounted there. */
    public synchronized boolean unmount(String rawPath) {
        String path = normalize(rawPath);
        MountEntry e = entries.get(path);
        if (e == null) {
            return false;
        }
        BackendFactory f = factories.get(e.type());
        if (f != null) {
            f.destroy(e);
        }
        Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM av_mounts WHERE path = ?")) {
                ps.setString(1, path);
                ps.executeUpdate();
            }
            return null;
        });
        entries.remove(path);
        backends.remove(path);
        return true;
    }

    /** The mount whose path is the longest prefix of {@code path + "/"}, or null. */
    public MountEntry match(String path) {
        String probe = path.endsWith("/") ? path : path + "/";
        MountEntry best = null;
        for (MountEntry e : entries.values()) {
            if (probe.startsWith(e.path()) && (best == null || e.path().length() > best.path().length())) {
                best = e;
            }
        }
        return best;
    }

    /** The backend for a mount, created on first use. */
    public Backend backend(MountEntry e) {
        return backends.computeIfAbsent(e.path(), p -> {
            BackendFactory f = factories.get(e.type());
            if (f == null) {
                throw new AvException(AvException.Kind.UNAVAILABLE,
                        "mount type \"" + e.type() + "\" is not available in this build");
            }
            return f.create(e);
        });
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
