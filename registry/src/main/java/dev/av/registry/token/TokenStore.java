package dev.av.registry.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vault's token store: creation with Vault's policy and TTL rules, lookup (by token or accessor),
 * renewal, use counting, revocation of a token and all its descendants, and clean-up of expired
 * tokens. Token strings are random, carry the {@value #PREFIX} prefix and are stored only as SHA-256
 * hashes. All times come from the injected {@link Clock}. New tokens with random ids are written by
 * group commit ({@link GroupCommit}): concurrent creations share one transaction, and each caller
 * returns only once its row is committed.
 *
 * <p>Authorization (may the caller create, renew, revoke ...) is the HTTP layer's job; this class
 * enforces the rules that depend only on the parent token and the request ({@code sudo} is passed in).
 */
public final class TokenStore {

    public static final String PREFIX = "avs.";
    private static final Logger LOG = LoggerFactory.getLogger(TokenStore.class);
    private static final Set<String> NON_ASSIGNABLE = Set.of("response-wrapping", "control-group");
    private static final String COLUMNS = "id_hash, accessor, parent_hash, policies, path, display_name, meta, "
            + "created_at, creation_ttl, expire_at, explicit_max_ttl, period, num_uses, renewable, orphan, "
            + "bound_cidrs, kind, agent, delegate_user, delegation_id, restrictions, last_renewal_at";
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Buffers shared between threads (see the registry's {@code Json}: per-thread pools do not work on virtual threads). */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool()).build());

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration defaultTtl;
    private final Duration maxTtl;
    private final SecureRandom random = new SecureRandom();
    /** New rows with random ids: written in shared transactions (see {@link GroupCommit}). */
    private final GroupCommit inserts;
    private final List<TokenRevocationListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Live entries by hash, for at most {@link #CACHE_NANOS}: saves the SQL query and row decoding on
     * every request. Invalidated on this node by every change (revoke, renew, use, tidy), and on
     * PostgreSQL by other nodes' changes through {@link dev.av.registry.storage.Invalidations}
     * (milliseconds); the second bounds staleness should a notice be lost. Use-limited tokens are
     * never cached.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long CACHE_NANOS = 1_000_000_000L;
    private static final int CACHE_MAX = 10_000;

    private record Cached(TokenEntry entry, long loadedAt) {
    }

    /** Bumped by every invalidation, so a lookup racing a revocation never caches the old row. */
    private final java.util.concurrent.atomic.AtomicLong cacheEpoch = new java.util.concurrent.atomic.AtomicLong();

    /** Drops the cached entry of the token whose hash is {@code idHash} (also called for other nodes' changes). */
    public void invalidate(String idHash) {
        cacheEpoch.incrementAndGet();
        cache.remove(idHash);
    }

    /** Drops every cached entry (e.g. after notices from other nodes may have been missed). */
    public void invalidateAll() {
        cacheEpoch.incrementAndGet();
        cache.clear();
    }

    /** Vault's system defaults: default and max TTL of 32 days. */
    public static final Duration SYSTEM_TTL = Duration.ofHours(768);

    public TokenStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, SYSTEM_TTL, SYSTEM_TTL);
    }

    public TokenStore(DataSource dataSource, Clock clock, Duration defaultTtl, Duration maxTtl) {
        this.dataSource = dataSource;
        this.inserts = new GroupCommit(dataSource, INSERT, TokenStore::bind);
        this.clock = clock;
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
    }

    public Clock clock() {
        return clock;
    }

    public void addRevocationListener(TokenRevocationListener listener) {
        listeners.add(listener);
    }

    public void removeRevocationListener(TokenRevocationListener listener) {
        listeners.remove(listener);
    }

    // ---------------------------------------------------------------- creation

    /**
     * Creates a root token (no parent, policy {@code root}, never expires). {@code id} is the token
     * string to use (dev mode's {@code -dev-root-token-id}); null for a random one.
     */
    public IssuedToken createRoot(String id, String displayName) {
        TokenRequest req = TokenRequest.builder().id(id).policies(List.of("root")).kind(TokenKind.ROOT)
                .displayName(displayName == null ? "root" : displayName).path("auth/token/root").build();
        return create(req, null, true);
    }

    /**
     * Creates a token as Vault's {@code auth/token/create} does. {@code parent} is the calling token
     * (null only for root generation and for av-internal orphans such as agent identities);
     * {@code sudo} is whether the caller holds sudo on the create path.
     */
    public IssuedToken create(TokenRequest req, TokenEntry parent, boolean sudo) {
        Instant now = TtlCalculator.truncate(clock.instant());
        if (parent != null && parent.numUses() != 0) {
            throw AvException.badRequest("restricted use token cannot generate child tokens");
        }
        if (req.numUses() < 0) {
            throw AvException.badRequest("number of uses cannot be negative");
        }
        if (req.ttl().isNegative() || req.explicitMaxTtl().isNegative() || req.period().isNegative()) {
            throw AvException.badRequest("durations cannot be negative");
        }
        if (req.id() != null && !sudo) {
            throw AvException.badRequest("root or sudo privileges required to specify token id");
        }
        if (req.id() != null && (req.id().isBlank() || req.id().length() > 256 || req.id().contains("."))
                && !req.id().startsWith(PREFIX)) {
            throw AvException.badRequest("token id must be 1-256 characters without '.'");
        }
        if (req.noParent() && !sudo && parent != null && !"auth/token/create-orphan".equals(req.path())) {
            throw AvException.badRequest("root or sudo privileges required to create orphan token");
        }
        if (req.period().isPositive() && !sudo) {
            throw AvException.badRequest("root or sudo privileges required to create periodic token");
        }
        List<String> policies = createPolicies(req, parent, sudo);
        boolean root = policies.contains("root");

        TtlCalculator.Result ttl;
        if (req.period().isPositive() || req.ttl().isPositive() || !root) {
            ttl = TtlCalculator.calculate(defaultTtl, maxTtl, Duration.ZERO, req.ttl(), req.period(), Duration.ZERO,
                    req.explicitMaxTtl(), now, now);
        } else {
            ttl = new TtlCalculator.Result(Duration.ZERO, List.of());
        }
        Duration finalTtl = ttl.ttl();
        if (finalTtl.isZero() && req.explicitMaxTtl().isPositive()) {
            finalTtl = req.explicitMaxTtl();
        }
        boolean renewable = req.renewable() == null || req.renewable();
        if (finalTtl.isZero()) {
            if (parent != null && parent.expireAt() != null) {
                throw AvException.badRequest("expiring root tokens cannot create non-expiring root tokens");
            }
            renewable = false;
        }
        boolean orphan = parent == null || req.noParent();
        List<String> cidrs = req.boundCidrs().isEmpty() && parent != null && !orphan ? parent.boundCidrs()
                : validateCidrs(req.boundCidrs());
        if (req.displayName() != null && req.displayName().length() > 256) {
            throw AvException.badRequest("display_name is too long");
        }
        String token = req.id() != null ? req.id() : PREFIX + randomString(32);
        String displayName = displayName(req.displayName());
        TokenEntry entry = new TokenEntry(hash(token), randomString(24), orphan ? null : parent.id(), policies,
                req.path(), displayName, req.meta(), now, finalTtl, finalTtl.isZero() ? null : now.plus(finalTtl),
                req.explicitMaxTtl(), req.period(), req.numUses(), renewable, orphan, cidrs, req.kind(), req.agent(),
                req.delegateUser(), req.delegationId(), req.restrictions(), null);
        if (req.id() == null) {
            inserts.insert(entry); // random id: cannot collide, so it may share a batch with others
        } else {
            Database.inTransaction(dataSource, c -> {
                if (!orphan && !exists(c, parent.id())) {
                    throw AvException.badRequest("parent token is no longer valid");
                }
                insert(c, entry);
                return null;
            });
        }
        return new IssuedToken(token, entry, ttl.warnings());
    }

    private static List<String> createPolicies(TokenRequest req, TokenEntry parent, boolean sudo) {
        Set<String> requested = new LinkedHashSet<>();
        for (String p : req.policies()) {
            String s = p == null ? "" : p.trim().toLowerCase(Locale.ROOT);
            if (!s.isEmpty()) {
                requested.add(s);
            }
        }
        for (String p : requested) {
            if (NON_ASSIGNABLE.contains(p)) {
                throw AvException.badRequest("cannot assign policy \"" + p + "\"");
            }
        }
        List<String> parentPolicies = parent == null ? List.of() : parent.policies();
        if (requested.isEmpty() && parent != null) {
            requested.addAll(parentPolicies);
        }
        if (parent != null && !sudo && !parentPolicies.contains("root")) {
            for (String p : requested) {
                if (!parentPolicies.contains(p)) {
                    throw AvException.badRequest("child policies must be subset of parent");
                }
            }
        }
        if (requested.contains("root") && parent != null && !parentPolicies.contains("root")) {
            throw AvException.badRequest("root tokens may not be created without parent token being root");
        }
        if (req.noDefaultPolicy()) {
            requested.remove("default");
        } else if (!requested.contains("root")
                && (parent == null || sudo || parentPolicies.contains("default"))) {
            requested.add("default");
        }
        List<String> sorted = new ArrayList<>(requested);
        sorted.sort(null);
        return sorted;
    }

    private static List<String> validateCidrs(List<String> cidrs) {
        for (String c : cidrs) {
            if (!Cidr.isValid(c)) {
                throw AvException.badRequest("invalid bound_cidrs entry: \"" + (c.length() > 50 ? c.substring(0, 50) : c) + "\"");
            }
        }
        return cidrs;
    }

    private static String displayName(String requested) {
        if (requested == null || requested.isBlank()) {
            return "token";
        }
        String s = requested.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-_.@]", "-");
        return s.startsWith("token") ? s : "token-" + s;
    }

    // ---------------------------------------------------------------- lookup

    /** The live entry for a token string; empty when unknown, revoked, used up or expired (expired ones are revoked now). */
    public Optional<TokenEntry> lookup(String token) {
        if (token == null || token.isEmpty() || token.length() > 512) {
            return Optional.empty();
        }
        return lookupById(hash(token));
    }

    public Optional<TokenEntry> lookupById(String idHash) {
        Cached hit = cache.get(idHash);
        long now = System.nanoTime();
        if (hit != null && now - hit.loadedAt < CACHE_NANOS && !hit.entry.isExpired(clock.instant())) {
            return Optional.of(hit.entry);
        }
        long epoch = cacheEpoch.get();
        TokenEntry e = Database.inTransaction(dataSource, c -> selectOne(c, "id_hash", idHash));
        Optional<TokenEntry> live = live(e);
        if (live.isPresent() && live.get().numUses() == 0 && cacheEpoch.get() == epoch) {
            if (cache.size() >= CACHE_MAX) {
                cache.clear();
            }
            cache.put(idHash, new Cached(live.get(), now));
            if (cacheEpoch.get() != epoch) {
                cache.remove(idHash);
            }
        } else {
            cache.remove(idHash);
        }
        return live;
    }

    public Optional<TokenEntry> lookupAccessor(String accessor) {
        if (accessor == null || accessor.isEmpty() || accessor.length() > 64) {
            return Optional.empty();
        }
        TokenEntry e = Database.inTransaction(dataSource, c -> selectOne(c, "accessor", accessor));
        return live(e);
    }

    /** All accessors (sorted), for {@code LIST auth/token/accessors}. */
    public List<String> accessors() {
        return Database.inTransaction(dataSource, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT accessor FROM av_tokens ORDER BY accessor");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private Optional<TokenEntry> live(TokenEntry e) {
        if (e == null || e.numUses() < 0) {
            return Optional.empty();
        }
        if (e.isExpired(clock.instant())) {
            revokeTree(e);
            return Optional.empty();
        }
        return Optional.of(e);
    }

    // ---------------------------------------------------------------- use counting

    /** Result of counting one use: whether the token may be used, and whether this was its last use. */
    public record Use(boolean allowed, boolean lastUse) {
    }

    /**
     * Counts one authenticated request against a token with {@code num_uses > 0}. At the last use
     * the token is marked revocation-pending; call {@link #revokeTree} after the request.
     */
    public Use use(TokenEntry entry) {
        if (entry.numUses() == 0) {
            return new Use(true, false);
        }
        invalidate(entry.id());
        return Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE av_tokens SET num_uses = CASE WHEN num_uses = 1 "
                    + "THEN -1 ELSE num_uses - 1 END WHERE id_hash = ? AND num_uses > 0")) {
                ps.setString(1, entry.id());
                if (ps.executeUpdate() == 0) {
                    return new Use(false, false);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT num_uses FROM av_tokens WHERE id_hash = ?")) {
                ps.setString(1, entry.id());
                try (ResultSet rs = ps.executeQuery()) {
                    return new Use(true, rs.next() && rs.getInt(1) == -1);
                }
            }
        });
    }

    // ---------------------------------------------------------------- renewal

    /** Renews as Vault's {@code auth/token/renew}: returns the updated entry and warnings. */
    public record Renewed(TokenEntry entry, List<String> warnings) {
    }

    public Renewed renew(TokenEntry entry, Duration increment) {
        if (increment.isNegative()) {
            throw AvException.badRequest("increment cannot be negative");
        }
        if (!entry.renewable() || entry.expireAt() == null) {
            throw AvException.badRequest("token is not renewable");
        }
        Instant now = TtlCalculator.truncate(clock.instant());
        TtlCalculator.Result r = TtlCalculator.calculate(defaultTtl, maxTtl, increment, Duration.ZERO, entry.period(),
                Duration.ZERO, entry.explicitMaxTtl(), entry.createdAt(), now);
        Instant expire = now.plus(r.ttl());
        TokenEntry updated = entry.withExpiry(expire, now);
        invalidate(entry.id());
        int n = Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE av_tokens SET expire_at = ?, last_renewal_at = ? WHERE id_hash = ?")) {
                ps.setLong(1, expire.toEpochMilli());
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, entry.id());
                return ps.executeUpdate();
            }
        });
        invalidate(entry.id());
        if (n == 0) {
            throw AvException.badRequest("token is no longer valid");
        }
        return new Renewed(updated, r.warnings());
    }

    // ---------------------------------------------------------------- revocation

    /** Revokes the token and every descendant; returns how many tokens were revoked. */
    public int revokeTree(TokenEntry entry) {
        List<TokenEntry> revoked = Database.inTransaction(dataSource, c -> {
            List<TokenEntry> all = new ArrayList<>();
            Deque<String> todo = new ArrayDeque<>();
            TokenEntry self = selectOne(c, "id_hash", entry.id());
            if (self == null) {
                return all;
            }
            all.add(self);
            todo.add(self.id());
            while (!todo.isEmpty()) {
                String parent = todo.poll();
                for (TokenEntry child : selectChildren(c, parent)) {
                    all.add(child);
                    todo.add(child.id());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM av_tokens WHERE id_hash = ?")) {
                for (int i = all.size() - 1; i >= 0; i--) {
                    ps.setString(1, all.get(i).id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return all;
        });
        revoked.forEach(e -> invalidate(e.id()));
        invalidate(entry.id());
        notifyRevoked(revoked);
        return revoked.size();
    }

    /** Vault's {@code revoke-orphan}: revokes only this token; its direct children become orphans. */
    public void revokeOrphan(TokenEntry entry) {
        List<TokenEntry> revoked = Database.inTransaction(dataSource, c -> {
            TokenEntry self = selectOne(c, "id_hash", entry.id());
            if (self == null) {
                return List.<TokenEntry>of();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE av_tokens SET parent_hash = NULL, orphan = TRUE WHERE parent_hash = ?")) {
                ps.setString(1, entry.id());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM av_tokens WHERE id_hash = ?")) {
                ps.setString(1, entry.id());
                ps.executeUpdate();
            }
            return List.of(self);
        });
        cacheEpoch.incrementAndGet();
        cache.clear(); // children changed to orphans
        notifyRevoked(revoked);
    }

    /** Revokes every expired token (and its descendants). Returns how many tokens went. */
    public int tidy() {
        long now = clock.millis();
        List<TokenEntry> expired = Database.inTransaction(dataSource, c -> {
            List<TokenEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM av_tokens WHERE expire_at IS NOT NULL AND expire_at <= ? ORDER BY created_at")) {
                ps.setLong(1, now);
                ps.setMaxRows(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
        int n = 0;
        for (TokenEntry e : expired) {
            n += revokeTree(e);
        }
        return n;
    }

    /** New tokens waiting for a group commit (for tests). */
    int queuedInserts() {
        return inserts.queued();
    }

    /** Counts stored tokens (for tests and metrics). */
    public int count() {
        return Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM av_tokens");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private void notifyRevoked(List<TokenEntry> revoked) {
        for (TokenEntry e : revoked) {
            for (TokenRevocationListener l : listeners) {
                try {
                    l.revoked(e);
                } catch (RuntimeException ex) {
                    LOG.warn("revocation listener {} failed for accessor {}: {}", l.getClass().getName(),
                            e.accessor(), ex.toString());
                }
            }
        }
    }

    // ---------------------------------------------------------------- hashing and random

    /** A fresh SHA-256 digest is cloned from this one: cheaper than a provider lookup per token (once per proxied request). */
    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** SHA-256 hex of a token string: the only form in which tokens are stored. */
    public static String hash(String token) {
        MessageDigest md;
        try {
            md = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        return HexFormat.of().formatHex(md.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code n} characters from {@link #ALPHABET}, uniformly: one {@code nextBytes} call (the
     * generator's lock is taken once, not once per character), bytes at or above 248 (= 4 × 62) are
     * skipped so that {@code b % 62} has no bias.
     */
    private String randomString(int n) {
        char[] out = new char[n];
        byte[] bytes = new byte[n + n / 4 + 4];
        int filled = 0;
        while (filled < n) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && filled < n; i++) {
                int b = bytes[i] & 0xff;
                if (b < 248) {
                    out[filled++] = ALPHABET[b % ALPHABET.length];
                }
            }
        }
        return new String(out);
    }

    // ---------------------------------------------------------------- rows

    private static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT num_uses FROM av_tokens WHERE id_hash = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) >= 0;
            }
        }
    }

    private static final String INSERT = "INSERT INTO av_tokens (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static void insert(Connection c, TokenEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, e);
            ps.executeUpdate();
        } catch (SQLException ex) {
            if (ex.getSQLState() != null && ex.getSQLState().startsWith("23")) {
                throw new AvException(AvException.Kind.BAD_REQUEST, "a token with this id already exists", null);
            }
            throw ex;
        }
    }

    private static void bind(PreparedStatement ps, TokenEntry e) throws SQLException {
        ps.setString(1, e.id());
        ps.setString(2, e.accessor());
        ps.setString(3, e.parentId());
        ps.setString(4, toJson(e.policies()));
        ps.setString(5, e.path());
        ps.setString(6, e.displayName());
        ps.setString(7, e.meta().isEmpty() ? null : toJson(e.meta()));
        ps.setLong(8, e.createdAt().toEpochMilli());
        ps.setLong(9, e.creationTtl().toSeconds());
        if (e.expireAt() == null) {
            ps.setNull(10, Types.BIGINT);
        } else {
            ps.setLong(10, e.expireAt().toEpochMilli());
        }
        ps.setLong(11, e.explicitMaxTtl().toSeconds());
        ps.setLong(12, e.period().toSeconds());
        ps.setInt(13, e.numUses());
        ps.setBoolean(14, e.renewable());
        ps.setBoolean(15, e.orphan());
        ps.setString(16, e.boundCidrs().isEmpty() ? null : toJson(e.boundCidrs()));
        ps.setString(17, e.kind().wire());
        ps.setString(18, e.agent());
        ps.setString(19, e.delegateUser());
        ps.setString(20, e.delegationId());
        ps.setString(21, e.restrictions());
        ps.setNull(22, Types.BIGINT);
    }

    private static TokenEntry selectOne(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM av_tokens WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static List<TokenEntry> selectChildren(Connection c, String parent) throws SQLException {
        List<TokenEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM av_tokens WHERE parent_hash = ?")) {
            ps.setString(1, parent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    private static TokenEntry read(ResultSet rs) throws SQLException {
        long expire = rs.getLong(10);
        boolean noExpiry = rs.wasNull();
        long renewed = rs.getLong(22);
        boolean noRenewal = rs.wasNull();
        return new TokenEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                fromJson(rs.getString(4), new TypeReference<List<String>>() { }), rs.getString(5), rs.getString(6),
                rs.getString(7) == null ? Map.of() : fromJson(rs.getString(7), new TypeReference<Map<String, String>>() { }),
                Instant.ofEpochMilli(rs.getLong(8)), Duration.ofSeconds(rs.getLong(9)),
                noExpiry ? null : Instant.ofEpochMilli(expire), Duration.ofSeconds(rs.getLong(11)),
                Duration.ofSeconds(rs.getLong(12)), rs.getInt(13), rs.getBoolean(14), rs.getBoolean(15),
                rs.getString(16) == null ? List.of() : fromJson(rs.getString(16), new TypeReference<List<String>>() { }),
                TokenKind.fromWire(rs.getString(17)), rs.getString(18), rs.getString(19), rs.getString(20),
                rs.getString(21), noRenewal ? null : Instant.ofEpochMilli(renewed));
    }

    private static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T fromJson(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new AvException(AvException.Kind.INTERNAL, "stored token row is corrupt", null);
        }
    }
}
