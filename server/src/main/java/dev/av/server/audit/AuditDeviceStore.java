package dev.av.server.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.core.AvException;
import dev.av.registry.keyring.Barrier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Persists audit device configurations ({@code av_audit_devices}). The salt, the checkpoint signing
 * key and secret options never touch the database in clear: they are sealed through the
 * {@link Barrier}. Thread-safe.
 */
public final class AuditDeviceStore {

    static final String TABLE = "av_audit_devices";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored device, unsealed. toString never shows the secrets. */
    public record StoredDevice(String name, String type, String description, Map<String, String> options,
                               Map<String, String> secretOptions, byte[] salt, KeyPair signingKey) {
        @Override
        public String toString() {
            return "StoredDevice[" + name + " " + type + "]";
        }

        /** Options as the device needs them: plain and secret together. */
        public Map<String, String> allOptions() {
            Map<String, String> all = new LinkedHashMap<>(options);
            all.putAll(secretOptions);
            return all;
        }
    }

    private final DataSource ds;
    private final Barrier barrier;
    private final Clock clock;

    public AuditDeviceStore(DataSource ds, Barrier barrier, Clock clock) {
        this.ds = ds;
        this.barrier = barrier;
        this.clock = clock;
    }

    public void insert(StoredDevice d) {
        byte[] sealed;
        try {
            Map<String, Object> secret = new LinkedHashMap<>();
            secret.put("salt", Base64.getEncoder().encodeToString(d.salt()));
            secret.put("private_key", Base64.getEncoder().encodeToString(d.signingKey().getPrivate().getEncoded()));
            secret.put("secret_options", d.secretOptions());
            sealed = barrier.encrypt(TABLE, d.name(), 1, JSON.writeValueAsBytes(secret));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO av_audit_devices"
                     + " (name, type, description, options, sealed, public_key, created_at) VALUES (?,?,?,?,?,?,?)")) {
            ps.setString(1, d.name());
            ps.setString(2, d.type());
            ps.setString(3, d.description());
            ps.setString(4, JSON.writeValueAsString(d.options()));
            ps.setBytes(5, sealed);
            ps.setString(6, Base64.getEncoder().encodeToString(d.signingKey().getPublic().getEncoded()));
            ps.setLong(7, clock.millis());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                throw AvException.badRequest("path already in use: an audit device named \"" + d.name()
                        + "\" is enabled");
            }
            throw new AvException(AvException.Kind.INTERNAL, "cannot store the audit device", e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean delete(String name) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM av_audit_devices WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new AvException(AvException.Kind.INTERNAL, "cannot remove the audit device", e);
        }
    }

    /** All stored devices, unsealed (the barrier must be unsealed). */
    public List<StoredDevice> all() {
        List<StoredDevice> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, type, description, options, sealed, public_key"
                     + " FROM av_audit_devices ORDER BY created_at, name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        } catch (SQLException e) {
            throw new AvException(AvException.Kind.INTERNAL, "cannot read the audit devices", e);
        }
        return out;
    }

    private StoredDevice read(ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        try {
            Map<String, String> options = JSON.readValue(rs.getString(4), new TypeReference<>() { });
            byte[] plain = barrier.decrypt(TABLE, name, 1, rs.getBytes(5));
            Map<String, Object> secret = JSON.readValue(new String(plain, StandardCharsets.UTF_8),
                    new TypeReference<>() { });
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            KeyPair kp = new KeyPair(
                    kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(rs.getString(6)))),
                    kf.generatePrivate(new PKCS8EncodedKeySpec(
                            Base64.getDecoder().decode((String) secret.get("private_key")))));
            @SuppressWarnings("unchecked")
            Map<String, String> secretOptions = (Map<String, String>) secret.getOrDefault("secret_options", Map.of());
            return new StoredDevice(name, rs.getString(2), rs.getString(3), options, secretOptions,
                    Base64.getDecoder().decode((String) secret.get("salt")), kp);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            if (e instanceof AvException av) {
                throw av;
            }
            throw new AvException(AvException.Kind.INTERNAL, "cannot unseal the configuration of audit device "
                    + name, null);
        }
    }
}
