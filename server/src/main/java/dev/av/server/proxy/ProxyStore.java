package dev.av.server.proxy;

import dev.av.core.AvException;
import dev.av.proxy.ProxySettings;
import dev.av.proxy.ServiceRule;
import dev.av.registry.storage.Database;
import dev.av.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Proxy services and settings in SQL (H2 and PostgreSQL), with an in-memory snapshot that the proxy
 * reads on every request; any write replaces the snapshot and tells the listeners. Thread-safe.
 */
public final class ProxyStore {

    private final DataSource ds;
    private final Clock clock;
    private final AtomicReference<List<ServiceRule>> services = new AtomicReference<>();
    private final AtomicReference<ProxySettings> settings = new AtomicReference<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public ProxyStore(DataSource ds, Clock clock) {
        this.ds = ds;
        this.clock = clock;
    }

    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** All services, sorted by name (cached snapshot). */
    public List<ServiceRule> services() {
        List<ServiceRule> s = services.get();
        if (s == null) {
            s = loadServices();
            services.set(s);
        }
        return s;
    }

    public Optional<ServiceRule> service(String name) {
        return services().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public void putService(ServiceRule rule) {
        String json = new String(Json.write(rule.toMap()), StandardCharsets.UTF_8);
        long now = clock.millis();
        Database.upsert(ds, c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE proxy_services SET config = ?, updated_at = ? WHERE name = ?")) {
                ps.setString(1, json);
                ps.setLong(2, now);
                ps.setString(3, rule.name());
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO proxy_services (name, config, updated_at) VALUES (?, ?, ?)")) {
                    ps.setString(1, rule.name());
                    ps.setString(2, json);
                    ps.setLong(3, now);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        changed();
    }

    public boolean deleteService(String name) {
        int n = Database.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM proxy_services WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
        changed();
        return n > 0;
    }

    public ProxySettings settings() {
        ProxySettings s = settings.get();
        if (s == null) {
            s = loadSettings();
            settings.set(s);
        }
        return s;
    }

    public void putSettings(ProxySettings s) {
        String json = new String(Json.write(s.toMap()), StandardCharsets.UTF_8);
        long now = clock.millis();
        Database.upsert(ds, c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE proxy_settings SET config = ?, updated_at = ? WHERE id = 1")) {
                ps.setString(1, json);
                ps.setLong(2, now);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO proxy_settings (id, config, updated_at) VALUES (1, ?, ?)")) {
                    ps.setString(1, json);
                    ps.setLong(2, now);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        changed();
    }

    /** Another node changed the services or settings: reload them on next use and tell the listeners. */
    public void invalidate() {
        changed();
    }

    private void changed() {
        services.set(null);
        settings.set(null);
        listeners.forEach(Runnable::run);
    }

    private List<ServiceRule> loadServices() {
        return Database.inTransaction(ds, c -> {
            List<ServiceRule> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, config FROM proxy_services ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1), rs.getString(2)));
                }
            }
            return List.copyOf(out);
        });
    }

    private ProxySettings loadSettings() {
        String json = Database.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT config FROM proxy_settings WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
        return json == null ? ProxySettings.DEFAULTS
                : ProxySettings.fromMap(ProxySettings.DEFAULTS, Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static ServiceRule parse(String name, String json) {
        Map<String, Object> m = new java.util.HashMap<>(Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
        m.values().removeIf(v -> v == null);
        try {
            return ServiceRule.fromMap(name, m);
        } catch (AvException e) {
            throw new AvException(AvException.Kind.INTERNAL, "stored proxy service " + name + " is invalid: " + e.getMessage());
        }
    }
}
