package dev.av.server.proxy;

import dev.av.core.AvException;
import dev.av.proxy.Problems;
import dev.av.proxy.tls.ProxyCa;
import dev.av.registry.keyring.Barrier;
import dev.av.registry.storage.Database;
import dev.av.server.http.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The proxy CA at rest: created on first need once av is unsealed, its private key sealed through
 * the {@link Barrier} (AAD {@code proxy_ca|ca|version}), loaded once and cached. While av is sealed
 * {@link #current()} throws the {@code sealed} problem. {@link #rotate} keeps the previous root in
 * the published bundle for the overlap. Thread-safe.
 */
public final class ProxyCaKeeper {

    private static final String TABLE = "proxy_ca";
    private static final String ID = "ca";

    private final DataSource ds;
    private final Barrier barrier;
    private final Clock clock;
    private final AtomicReference<ProxyCa> cached = new AtomicReference<>();

    public ProxyCaKeeper(DataSource ds, Barrier barrier, Clock clock) {
        this.ds = ds;
        this.barrier = barrier;
        this.clock = clock;
    }

    public ProxyCa current() {
        ProxyCa c = cached.get();
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (cached.get() == null) {
                if (barrier.isSealed()) {
                    throw Problems.sealed().exception();
                }
                cached.set(loadOrCreate());
            }
            return cached.get();
        }
    }

    /** Signs with a fresh root from now on; the old root stays in the bundle for {@code overlap}. */
    public synchronized ProxyCa rotate(Duration overlap) {
        if (barrier.isSealed()) {
            throw AvException.sealed();
        }
        ProxyCa next = current().rotate(overlap);
        long version = Database.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM proxy_ca WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) + 1 : 1;
            }
        });
        write(next, version, true);
        cached.set(next);
        return next;
    }

    private ProxyCa loadOrCreate() {
        Object[] row = Database.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version, certificate, sealed_key, retired FROM proxy_ca WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Object[] {rs.getLong(1), rs.getString(2), rs.getBytes(3), rs.getString(4)} : null;
            }
        });
        if (row == null) {
            ProxyCa fresh = ProxyCa.generate(clock);
            write(fresh, 1, false);
            return fresh;
        }
        long version = (Long) row[0];
        byte[] key = barrier.decrypt(TABLE, ID, version, (byte[]) row[2]);
        try {
            return ProxyCa.load((String) row[1], key, retired((String) row[3]), clock);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    private void write(ProxyCa ca, long version, boolean replace) {
        byte[] key = ca.privateKeyPkcs8();
        byte[] sealed = barrier.encrypt(TABLE, ID, version, key);
        java.util.Arrays.fill(key, (byte) 0);
        List<Map<String, Object>> retired = new ArrayList<>();
        for (ProxyCa.RetiredRoot r : ca.retiredRoots()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("certificate", ProxyCa.pem(r.certificate()));
            m.put("until", r.until().getEpochSecond());
            retired.add(m);
        }
        String retiredJson = new String(Json.write(Map.of("roots", retired)), StandardCharsets.UTF_8);
        Database.inTransaction(ds, c -> {
            if (replace) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM proxy_ca WHERE id = 1")) {
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO proxy_ca (id, version, certificate, sealed_key, retired, created_at) VALUES (1, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, version);
                ps.setString(2, ca.rootPem());
                ps.setBytes(3, sealed);
                ps.setString(4, retiredJson);
                ps.setLong(5, clock.millis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private static List<ProxyCa.RetiredRoot> retired(String json) {
        List<ProxyCa.RetiredRoot> out = new ArrayList<>();
        Object roots = Json.parseObject(json.getBytes(StandardCharsets.UTF_8)).get("roots");
        if (roots instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> m = (Map<String, Object>) o;
                try {
                    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                            new ByteArrayInputStream(((String) m.get("certificate")).getBytes(StandardCharsets.US_ASCII)));
                    out.add(new ProxyCa.RetiredRoot(cert, Instant.ofEpochSecond(((Number) m.get("until")).longValue())));
                } catch (java.security.cert.CertificateException e) {
                    throw new AvException(AvException.Kind.INTERNAL, "stored retired proxy CA root is invalid");
                }
            }
        }
        return out;
    }
}
