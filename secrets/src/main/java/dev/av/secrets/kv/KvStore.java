package dev.av.secrets.kv;

import dev.av.core.AvException;
import dev.av.secrets.Json;
import dev.av.secrets.Sealer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The SQL side of one KV v2 mount: versions, metadata and config in three tables (see
 * {@code V10__kv.sql}), the same statements on H2 (PostgreSQL mode) and PostgreSQL.
 *
 * <p><b>Concurrency.</b> Every change to a secret runs in one transaction that first locks the
 * secret's metadata row ({@code SELECT ... FOR UPDATE}); the version number is the locked
 * {@code current_version + 1}, so concurrent writers to one path serialize and never lose or
 * duplicate a version. Two writers racing to create the same new path collide on the primary key;
 * the loser's transaction is retried (as are lock timeouts and deadlocks), a bounded number of
 * times. A write is acknowledged only after its commit returned.
 *
 * <p><b>Secrets.</b> Values are JSON sealed by the {@link Sealer} with the associated data
 * {@code kv_versions | <mount>/<path> | <version>}; plaintext never reaches the database, a log or
 * an exception message. Thread-safe.
 */
public final class KvStore {

    static final String VALUE_TABLE = "kv_versions";
    private static final int MAX_ATTEMPTS = 60;

    private final DataSource dataSource;
    private final Sealer sealer;
    private final String mount;
    private final Clock clock;

    /** A version as read: its info, the secret's custom metadata, and its data when it is live. */
    public record VersionRead(VersionInfo info, Map<String, String> customMetadata, Map<String, Object> data) {
    }

    /** The outcome of a write or patch: the new version and the secret's custom metadata. */
    public record Written(VersionInfo info, Map<String, String> customMetadata) {
    }

    public KvStore(DataSource dataSource, Sealer sealer, String mount, Clock clock) {
        if (mount == null || mount.isBlank() || mount.length() > 255) {
            throw new IllegalArgumentException("mount id must be 1-255 characters");
        }
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.mount = mount;
        this.clock = clock;
    }

    public String mount() {
        return mount;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------- config

    public KvConfig config() {
        return inTransaction(this::loadConfig);
    }

    public void writeConfig(Integer maxVersions, Boolean casRequired, Duration deleteVersionAfter) {
        inTransaction(c -> {
            KvConfig old = loadConfig(c);
            KvConfig next = new KvConfig(
                    maxVersions != null ? maxVersions : old.maxVersions(),
                    casRequired != null ? casRequired : old.casRequired(),
                    deleteVersionAfter != null ? deleteVersionAfter : old.deleteVersionAfter());
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE kv_config SET max_versions = ?, cas_required = ?, "
                    + "delete_version_after_ns = ? WHERE mount = ?")) {
                bindConfig(ps, next);
                ps.setString(4, mount);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO kv_config (max_versions, cas_required, "
                        + "delete_version_after_ns, mount) VALUES (?, ?, ?, ?)")) {
                    bindConfig(ps, next);
                    ps.setString(4, mount);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private static void bindConfig(PreparedStatement ps, KvConfig config) throws SQLException {
        ps.setInt(1, config.maxVersions());
        ps.setBoolean(2, config.casRequired());
        ps.setLong(3, config.deleteVersionAfter().toNanos());
    }

    private KvConfig loadConfig(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT max_versions, cas_required, delete_version_after_ns FROM kv_config WHERE mount = ?")) {
            ps.setString(1, mount);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return KvConfig.DEFAULT;
                }
                return new KvConfig(rs.getInt(1), rs.getBoolean(2), Duration.ofNanos(rs.getLong(3)));
            }
        }
    }

    // ---------------------------------------------------------------- reads

    /**
     * Reads {@code version} of {@code path} (0 = the current version) in one statement. Empty when
     * the secret or that version does not exist; {@code data} is null when it is deleted or destroyed.
     */
    public Optional<VersionRead> read(String path, long version) {
        return query(c -> {
            String sql = "SELECT m.current_version, m.custom_metadata, v.version, v.created_time, v.deletion_time, "
                    + "v.destroyed, v.sealed_value FROM kv_metadata m LEFT JOIN kv_versions v "
                    + "ON v.mount = m.mount AND v.path = m.path AND v.version = "
                    + "(CASE WHEN CAST(? AS BIGINT) > 0 THEN CAST(? AS BIGINT) ELSE m.current_version END) "
                    + "WHERE m.mount = ? AND m.path = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, version);
                ps.setLong(2, version);
                ps.setString(3, mount);
                ps.setString(4, path);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Map<String, String> custom = Json.readStringMap(rs.getString(2));
                    long found = rs.getLong(3);
                    if (rs.wasNull()) {
                        return Optional.empty();
                    }
                    VersionInfo info = new VersionInfo(found, instant(rs, 4), instant(rs, 5), rs.getBoolean(6));
                    byte[] sealed = rs.getBytes(7);
                    Map<String, Object> data = info.liveAt(now()) && sealed != null ? open(path, found, sealed) : null;
                    return Optional.of(new VersionRead(info, custom, data));
                }
            }
        });
    }

    /** Whether {@code path} has metadata (Vault's existence check: POST to an absent secret is a create). */
    public boolean exists(String path) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM kv_metadata WHERE mount = ? AND path = ?")) {
                ps.setString(1, mount);
                ps.setString(2, path);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The metadata of {@code path} with every version still kept; empty when the secret does not exist. */
    public Optional<SecretMetadata> metadata(String path) {
        return inTransaction(c -> loadMetadata(c, path, false));
    }

    /**
     * The immediate children of {@code prefix} (empty or ending in {@code /}) that have metadata,
     * sorted; a child that has descendants is listed with a trailing {@code /}.
     */
    public List<String> list(String prefix) {
        return inTransaction(c -> {
            TreeSet<String> keys = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT path FROM kv_metadata WHERE mount = ? AND path LIKE ? ESCAPE '!'")) {
                ps.setString(1, mount);
                ps.setString(2, likePrefix(prefix) + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String rest = rs.getString(1).substring(prefix.length());
                        int slash = rest.indexOf('/');
                        keys.add(slash < 0 ? rest : rest.substring(0, slash + 1));
                    }
                }
            }
            keys.remove("");
            return List.copyOf(keys);
        });
    }

    private static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    // ---------------------------------------------------------------- writes

    /**
     * Writes a new version. {@code cas}: null = no check (refused when the secret or mount requires
     * one), 0 = only when the secret has no version yet, N = only when the current version is N.
     * With {@code patch} non-null the new value is {@code patch(current live value)} and the secret's
     * current version must exist and be live (else NOT_FOUND).
     */
    public Written write(String path, Long cas, Map<String, Object> data, UnaryOperator<Map<String, Object>> patch) {
        return inTransaction(c -> {
            KvConfig config = loadConfig(c);
            Optional<SecretMetadata> locked = loadMetadata(c, path, true);
            if (locked.isEmpty() && patch != null) {
                throw AvException.notFound("no secret at this path");
            }
            // one timestamp: a new secret's created_time equals its first version's, as in Vault
            Instant created = now();
            SecretMetadata meta = locked.isPresent() ? locked.get() : insertMetadata(c, path, created);
            checkCas(config, meta, cas);
            Map<String, Object> value = data;
            if (patch != null) {
                VersionInfo current = meta.versions().get(meta.currentVersion());
                if (current == null || !current.liveAt(now())) {
                    throw AvException.notFound("the current version of this secret is deleted or destroyed");
                }
                value = patch.apply(open(path, current.version(), loadSealed(c, path, current.version())));
            }
            long version = meta.currentVersion() + 1;
            Duration dva = !meta.deleteVersionAfter().isZero() ? meta.deleteVersionAfter() : config.deleteVersionAfter();
            Instant deletion = dva.isZero() ? null : created.plus(dva);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kv_versions (mount, path, version, created_time, "
                    + "deletion_time, destroyed, sealed_value) VALUES (?, ?, ?, ?, ?, FALSE, ?)")) {
                ps.setString(1, mount);
                ps.setString(2, path);
                ps.setLong(3, version);
                ps.setObject(4, odt(created));
                setInstant(ps, 5, deletion);
                ps.setBytes(6, sealer.encrypt(VALUE_TABLE, sealId(path), version, Json.write(value)));
                ps.executeUpdate();
            }
            int max = meta.maxVersions() > 0 ? meta.maxVersions()
                    : config.maxVersions() > 0 ? config.maxVersions() : KvConfig.DEFAULT_MAX_VERSIONS;
            long oldest = meta.oldestVersion();
            if (version - max > 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM kv_versions WHERE mount = ? AND path = ? AND version <= ?")) {
                    ps.setString(1, mount);
                    ps.setString(2, path);
                    ps.setLong(3, version - max);
                    ps.executeUpdate();
                }
                oldest = version - max + 1;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE kv_metadata SET current_version = ?, "
                    + "oldest_version = ?, updated_time = ? WHERE mount = ? AND path = ?")) {
                ps.setLong(1, version);
                ps.setLong(2, oldest);
                ps.setObject(3, odt(created));
                ps.setString(4, mount);
                ps.setString(5, path);
                ps.executeUpdate();
            }
            return new Written(new VersionInfo(version, created, deletion, false), meta.customMetadata());
        });
    }

    private static void checkCas(KvConfig config, SecretMetadata meta, Long cas) {
        if (cas == null && (config.casRequired() || meta.casRequired())) {
            throw AvException.badRequest("check-and-set parameter required for this call");
        }
        if (cas != null && cas != meta.currentVersion()) {
            throw AvException.badRequest("check-and-set parameter did not match the current version");
        }
    }

    /** Soft-deletes the current version (a no-op when it is already deleted or destroyed). */
    public void deleteLatest(String path) {
        inTransaction(c -> {
            Optional<SecretMetadata> meta = loadMetadata(c, path, true);
            if (meta.isPresent()) {
                markDeleted(c, path, meta.get(), List.of(meta.get().currentVersion()));
            }
            return null;
        });
    }

    /** Soft-deletes the given versions; missing, deleted or destroyed versions are skipped. */
    public void delete(String path, Collection<Long> versions) {
        inTransaction(c -> {
            Optional<SecretMetadata> meta = loadMetadata(c, path, true);
            if (meta.isPresent()) {
                markDeleted(c, path, meta.get(), versions);
            }
            return null;
        });
    }

    private void markDeleted(Connection c, String path, SecretMetadata meta, Collection<Long> versions)
            throws SQLException {
        Instant now = now();
        for (long v : versions) {
            VersionInfo info = meta.versions().get(v);
            if (info == null || info.destroyed() || info.deletedAt(now)) {
                continue;
            }
            setDeletionTime(c, path, v, now);
        }
    }

    /** Undoes soft deletion of the given versions; destroyed versions stay destroyed. */
    public void undelete(String path, Collection<Long> versions) {
        inTransaction(c -> {
            Optional<SecretMetadata> meta = loadMetadata(c, path, true);
            if (meta.isPresent()) {
                for (long v : versions) {
                    VersionInfo info = meta.get().versions().get(v);
                    if (info != null && !info.destroyed()) {
                        setDeletionTime(c, path, v, null);
                    }
                }
            }
            return null;
        });
    }

    private void setDeletionTime(Connection c, String path, long version, Instant when) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE kv_versions SET deletion_time = ? WHERE mount = ? AND path = ? AND version = ?")) {
            setInstant(ps, 1, when);
            ps.setString(2, mount);
            ps.setString(3, path);
            ps.setLong(4, version);
            ps.executeUpdate();
        }
    }

    /** Permanently removes the data of the given versions; their metadata stays, marked destroyed. */
    public void destroy(String path, Collection<Long> versions) {
        inTransaction(c -> {
            Optional<SecretMetadata> meta = loadMetadata(c, path, true);
            if (meta.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE kv_versions SET destroyed = TRUE, "
                        + "sealed_value = NULL WHERE mount = ? AND path = ? AND version = ?")) {
                    for (long v : versions) {
                        ps.setString(1, mount);
                        ps.setString(2, path);
                        ps.setLong(3, v);
                        ps.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    /**
     * Applies the non-null fields of {@code update}; creates the metadata when absent, unless
     * {@code mustExist} (then NOT_FOUND).
     */
    public void writeMetadata(String path, MetadataUpdate update, boolean mustExist) {
        inTransaction(c -> {
            SecretMetadata meta = loadMetadata(c, path, true).orElse(null);
            if (meta == null && mustExist) {
                throw AvException.notFound("no secret at this path");
            }
            if (meta == null) {
                meta = insertMetadata(c, path, now());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE kv_metadata SET max_versions = ?, cas_required = ?, "
                    + "delete_version_after_ns = ?, custom_metadata = ?, updated_time = ? WHERE mount = ? AND path = ?")) {
                ps.setInt(1, update.maxVersions() != null ? update.maxVersions() : meta.maxVersions());
                ps.setBoolean(2, update.casRequired() != null ? update.casRequired() : meta.casRequired());
                ps.setLong(3, (update.deleteVersionAfter() != null ? update.deleteVersionAfter()
                        : meta.deleteVersionAfter()).toNanos());
                Map<String, String> custom = update.customMetadata() != null
                        ? update.customMetadata().apply(meta.customMetadata()) : meta.customMetadata();
                if (custom == null) {
                    ps.setNull(4, Types.VARCHAR);
                } else {
                    ps.setString(4, Json.writeString(custom));
                }
                ps.setObject(5, odt(now()));
                ps.setString(6, mount);
                ps.setString(7, path);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Removes the secret: all its versions and its metadata. */
    public void deleteMetadata(String path) {
        inTransaction(c -> {
            for (String table : List.of("kv_versions", "kv_metadata")) {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + table + " WHERE mount = ? AND path = ?")) {
                    ps.setString(1, mount);
                    ps.setString(2, path);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Removes everything this mount stored (used when the mount is disabled). */
    public void deleteAll() {
        inTransaction(c -> {
            for (String table : List.of("kv_versions", "kv_metadata", "kv_config")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE mount = ?")) {
                    ps.setString(1, mount);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- rows

    private SecretMetadata insertMetadata(Connection c, String path, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kv_metadata (mount, path, current_version, "
                + "oldest_version, max_versions, cas_required, delete_version_after_ns, custom_metadata, created_time, "
                + "updated_time) VALUES (?, ?, 0, 0, 0, FALSE, 0, NULL, ?, ?)")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            ps.setObject(3, odt(now));
            ps.setObject(4, odt(now));
            ps.executeUpdate();
        }
        return new SecretMetadata(path, 0, 0, 0, false, Duration.ZERO, null, now, now, new TreeMap<>());
    }

    private Optional<SecretMetadata> loadMetadata(Connection c, String path, boolean forUpdate) throws SQLException {
        SecretMetadata head;
        try (PreparedStatement ps = c.prepareStatement("SELECT current_version, oldest_version, max_versions, "
                + "cas_required, delete_version_after_ns, custom_metadata, created_time, updated_time "
                + "FROM kv_metadata WHERE mount = ? AND path = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, mount);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                head = new SecretMetadata(path, rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getBoolean(4),
                        Duration.ofNanos(rs.getLong(5)), Json.readStringMap(rs.getString(6)), instant(rs, 7),
                        instant(rs, 8), new TreeMap<>());
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT version, created_time, deletion_time, destroyed "
                + "FROM kv_versions WHERE mount = ? AND path = ? ORDER BY version")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long v = rs.getLong(1);
                    head.versions().put(v, new VersionInfo(v, instant(rs, 2), instant(rs, 3), rs.getBoolean(4)));
                }
            }
        }
        return Optional.of(head);
    }

    private byte[] loadSealed(Connection c, String path, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sealed_value FROM kv_versions WHERE mount = ? AND path = ? AND version = ?")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            ps.setLong(3, version);
            try (ResultSet rs = ps.executeQuery()) {
                byte[] sealed = rs.next() ? rs.getBytes(1) : null;
                if (sealed == null) {
                    throw AvException.notFound("the current version of this secret is destroyed");
                }
                return sealed;
            }
        }
    }

    private Map<String, Object> open(String path, long version, byte[] sealed) {
        byte[] plain;
        try {
            plain = sealer.decrypt(VALUE_TABLE, sealId(path), version, sealed);
        } catch (AvException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AvException(AvException.Kind.INTERNAL, "a stored secret failed its integrity check", null);
        }
        return Json.readMap(plain);
    }

    private String sealId(String path) {
        return mount + "/" + path;
    }

    private static OffsetDateTime odt(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, odt(instant));
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    // ---------------------------------------------------------------- transactions

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs a read-only statement in auto-commit mode (one statement is its own consistent snapshot). */
    private <T> T query(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new AvException(AvException.Kind.INTERNAL, "storage error in the kv engine (SQLState "
                    + e.getSQLState() + ")", e);
        }
    }

    private <T> T inTransaction(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && retryable(e)) {
                    backOff(attempt);
                    continue;
                }
                throw new AvException(AvException.Kind.INTERNAL, "storage error in the kv engine (SQLState "
                        + e.getSQLState() + ")", e);
            }
        }
    }

    /** Lost races that a retry resolves: unique key (two creators), serialization, deadlock, lock timeout. */
    private static boolean retryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.equals("23505") || state.startsWith("40") || state.equals("HYT00")
                        || state.equals("90131") || state.equals("55P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AvException(AvException.Kind.UNAVAILABLE, "interrupted while retrying a kv write", e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it, and nothing was committed
        }
    }
}
