package dev.av.server.auth;

import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Stored policies by kind ({@code acl}, {@code cedar}) and name, with an in-memory read cache and
 * change listeners (the {@link Authorizer} drops its compiled sets on every change).
 */
public final class PolicyStore {

    /** Vault's built-in {@code default} policy (from the policy module), used until an operator writes their own. */
    public static final String DEFAULT_ACL = dev.av.policy.acl.BuiltinPolicies.DEFAULT_TEXT;

    /** A fresh install's Cedar guardrail: permit everything the ACL allows (may be rewritten, not deleted). */
    public static final String DEFAULT_CEDAR = dev.av.policy.cedar.CedarPolicySet.DEFAULT_TEXT;

    private final DataSource dataSource;
    private final Clock clock;
    private final ConcurrentHashMap<String, Optional<String>> cache = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public PolicyStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Another node changed policy {@code kindSlashName} ({@code acl/name}): drops it and tells the
     * listeners, as a local write does.
     */
    public void invalidate(String kindSlashName) {
        cache.remove(kindSlashName);
        tellAll();
    }

    /** Drops every cached policy and tells the listeners (notices from other nodes may have been missed). */
    public void invalidateAll() {
        cache.clear();
        tellAll();
    }

    /** Runs every listener even if one fails (e.g. the database is unreachable), then throws the first failure. */
    private void tellAll() {
        RuntimeException first = null;
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Normalises and checks a policy name (Vault lower-cases names). */
    public static String normalizeName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.isEmpty() || n.length() > 128 || !n.matches("[a-z0-9][a-z0-9_.@-]*")) {
            throw AvException.badRequest("invalid policy name: use 1-128 characters a-z 0-9 _ . @ -");
        }
        return n;
    }

    public Optional<String> get(String kind, String name) {
        return cache.computeIfAbsent(kind + "/" + name, k -> Optional.ofNullable(load(kind, name))
                .or(() -> builtIn(kind, name)));
    }

    private static Optional<String> builtIn(String kind, String name) {
        if (kind.equals("acl") && name.equals("default")) {
            return Optional.of(DEFAULT_ACL);
        }
        if (kind.equals("cedar") && name.equals("default")) {
            return Optional.of(DEFAULT_CEDAR);
        }
        return Optional.empty();
    }

    private String load(String kind, String name) {
        return Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM av_policies WHERE kind = ? AND name = ?")) {
                ps.setString(1, kind);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    public List<String> list(String kind) {
        List<String> names = Database.inTransaction(dataSource, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM av_policies WHERE kind = ? ORDER BY name")) {
                ps.setString(1, kind);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
        if (!names.contains("default")) {
            names.add("default");
        }
        if (kind.equals("acl")) {
            names.add("root");
        }
        names.sort(null);
        return names;
    }

    /** Creates or replaces a policy; of concurrent writers (also of a new name) the last wins, as in Vault. */
    public void put(String kind, String name, String body) {
        Database.upsert(dataSource, c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE av_policies SET body = ?, updated_at = ? WHERE kind = ? AND name = ?")) {
                ps.setString(1, body);
                ps.setLong(2, clock.millis());
                ps.setString(3, kind);
                ps.setString(4, name);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO av_policies (kind, name, body, updated_at) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, kind);
                    ps.setString(2, name);
                    ps.setString(3, body);
                    ps.setLong(4, clock.millis());
                    ps.executeUpdate();
                }
            }
            return null;
        });
        changed(kind, name);
    }

    public boolean delete(String kind, String name) {
        int n = Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM av_policies WHERE kind = ? AND name = ?")) {
                ps.setString(1, kind);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
        changed(kind, name);
        return n > 0;
    }

    private void changed(String kind, String name) {
        cache.remove(kind + "/" + name);
        listeners.forEach(Runnable::run);
    }
}
