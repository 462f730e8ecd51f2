package dev.av.secrets.lease;

import dev.av.core.AvException;
import dev.av.secrets.Sealer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vault's expiration manager for av: creates, renews and revokes the leases of dynamic secrets across
 * all mounts.
 *
 * <p>Every lease is stored before its secret is handed out, so nothing is lost in a crash. Revocation
 * is two-phase: the row is first marked {@code REVOKING} (committed), then the engine's
 * {@link LeaseHandler} destroys the secret, then the row is deleted. A crash or a backend failure in
 * between leaves the row {@code REVOKING}; {@link #tick()} retries it with exponential backoff, also
 * after a restart, and also when the mount's handler only registers later. Expired leases are revoked
 * by the same {@link #tick()}, which {@link #start(Duration)} runs on a background thread with the
 * injected {@link Clock}.
 *
 * <p>Leases carry the token that created them ({@code owner}); {@link #revokeOwner(String)} is what a
 * token revocation listener calls, so a lease dies with its token or {@code av run} session.
 *
 * <p>Thread-safe. Revocations of one lease never run concurrently within this process; handlers are
 * idempotent, so two nodes racing on a shared database are harmless.
 */
public final class LeaseManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseManager.class);
    private static final int BATCH = 200;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final LeaseStore store;
    private final Clock clock;
    private final Map<String, LeaseHandler> handlers = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService scheduler;
    private volatile java.util.function.Consumer<String> mountLoader = m -> { };

    public LeaseManager(DataSource dataSource, Sealer sealer, Clock clock) {
        this.store = new LeaseStore(dataSource, sealer);
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /** Registers the handler for a mount path (no slashes at either end). */
    public void register(String mount, LeaseHandler handler) {
        handlers.put(trim(mount), handler);
    }

    /**
     * Called with a mount path when a lease of that mount must be renewed or revoked but no handler
     * is registered: the server creates the mount's engine (which registers itself), so that expiry
     * after a restart does not wait for the mount's first request.
     */
    public void setMountLoader(java.util.function.Consumer<String> loader) {
        this.mountLoader = loader;
    }

    private LeaseHandler handler(String mount) {
        LeaseHandler h = handlers.get(mount);
        if (h == null) {
            try {
                mountLoader.accept(mount);
            } catch (RuntimeException e) {
                LOG.debug("mount {} could not be loaded for its leases: {}", mount, e.getMessage());
            }
            h = handlers.get(mount);
        }
        return h;
    }

    public void unregister(String mount) {
        handlers.remove(trim(mount));
    }

    /**
     * Stores a new lease for a secret created at {@code mount}/{@code path}. The TTL is capped by
     * {@code maxTtl} (zero = no cap beyond the TTL itself).
     */
    public Lease create(String mount, String path, String owner, Duration ttl, Duration maxTtl, boolean renewable,
                        Map<String, Object> internal) {
        String m = trim(mount);
        String p = trim(path);
        Instant now = now();
        Duration max = maxTtl == null || maxTtl.isZero() ? ttl : maxTtl;
        Duration effective = ttl.compareTo(max) > 0 ? max : ttl;
        if (effective.isZero() || effective.isNegative()) {
            throw AvException.badRequest("a lease needs a positive TTL");
        }
        String id = m + "/" + p + "/" + UUID.randomUUID();
        Lease lease = new Lease(id, m, p, owner, now, now.plus(effective), null, now.plus(max), effective,
                renewable, Lease.State.ACTIVE, internal);
        store.insert(lease);
        return lease;
    }

    /** The lease, if it exists and is not being revoked. */
    public Optional<Lease> lookup(String leaseId) {
        return store.find(clean(leaseId)).filter(l -> l.state() == Lease.State.ACTIVE);
    }

    /** Vault's {@code LIST sys/leases/lookup/:prefix}: the next path segment of each lease under the prefix. */
    public List<String> list(String prefix) {
        String p = clean(prefix);
        if (!p.isEmpty() && !p.endsWith("/")) {
            p = p + "/";
        }
        Set<String> keys = new TreeSet<>();
        for (Lease l : store.byPrefix(p)) {
            if (l.state() != Lease.State.ACTIVE) {
                continue;
            }
            String rest = l.id().substring(p.length());
            int slash = rest.indexOf('/');
            keys.add(slash < 0 ? rest : rest.substring(0, slash + 1));
        }
        return new ArrayList<>(keys);
    }

    /**
     * Vault's renew: the new expiry is now + increment (or the lease's original TTL when the increment
     * is zero), capped at the lease's max TTL; the engine may grant less.
     */
    public Renewed renew(String leaseId, Duration increment) {
        Lease lease = lookup(leaseId).orElseThrow(() -> AvException.badRequest("lease not found"));
        Instant now = now();
        if (lease.expiredAt(now)) {
            throw AvException.badRequest("lease expired");
        }
        if (!lease.renewable()) {
            throw AvException.badRequest("lease is not renewable");
        }
        if (!lease.maxExpireTime().isAfter(now)) {
            throw AvException.badRequest("past the max TTL, cannot renew");
        }
        Duration inc = increment == null || increment.isZero() || increment.isNegative() ? lease.ttl() : increment;
        Instant requested = now.plus(inc);
        if (requested.isAfter(lease.maxExpireTime())) {
            requested = lease.maxExpireTime();
        }
        LeaseHandler handler = handler(lease.mount());
        if (handler == null) {
            throw new AvException(AvException.Kind.UNAVAILABLE, "the mount of this lease is not available");
        }
        Instant granted = handler.renew(lease, requested);
        if (granted == null || granted.isAfter(requested)) {
            granted = requested;
        }
        store.renewed(lease.id(), granted, now);
        Lease renewed = store.find(lease.id()).orElseThrow(() -> AvException.badRequest("lease not found"));
        return new Renewed(renewed, Duration.between(now, granted));
    }

    /**
     * A renewed lease and the TTL granted by the renewal, measured from the renewal's own instant (as
     * Vault's {@code lease_duration}: a 30 minute increment answers 1800, however long the engine and
     * the store took).
     */
    public record Renewed(Lease lease, Duration granted) {

        /** The granted TTL in whole seconds, rounded to the nearest; never negative. */
        public long grantedSeconds() {
            return Math.max(0, granted.plusMillis(500).getSeconds());
        }
    }

    /**
     * Sets a lease's expiry as an engine learned it (e.g. after renewing an upstream lease in the
     * background). Never beyond the lease's max TTL.
     */
    public void extend(String leaseId, Instant expire) {
        Lease lease = lookup(leaseId).orElse(null);
        if (lease == null) {
            return;
        }
        Instant capped = expire.isAfter(lease.maxExpireTime()) ? lease.maxExpireTime() : expire;
        store.renewed(lease.id(), capped, now());
    }

    /** Replaces the engine's internal data of a lease (sealed at rest). */
    public void updateInternal(String leaseId, Map<String, Object> internal) {
        store.replaceInternal(clean(leaseId), internal);
    }

    /**
     * Revokes one lease now (Vault's {@code sync=true}). When the engine fails, the lease stays marked
     * for revocation, is never handed out again, and is retried in the background; the caller gets
     * an {@code UNAVAILABLE} error. Revoking an unknown lease succeeds, as in Vault.
     */
    public void revoke(String leaseId) {
        Optional<Lease> lease = store.find(clean(leaseId));
        if (lease.isEmpty()) {
            return;
        }
        if (!revokeNow(lease.get())) {
            throw new AvException(AvException.Kind.UNAVAILABLE,
                    "failed to revoke lease " + lease.get().id() + "; revocation will be retried");
        }
    }

    /** Forgets a lease whose secret was never created (the engine failed right after {@link #create}). */
    public void discard(String leaseId) {
        store.delete(clean(leaseId));
    }

    /** Revokes every lease whose id starts with the prefix; returns how many were destroyed now. */
    public int revokePrefix(String prefix) {
        String p = clean(prefix);
        if (p.isEmpty()) {
            throw AvException.badRequest("prefix must not be empty");
        }
        return revokeAll(store.byPrefix(p));
    }

    /** Revokes every lease of a mount (before the mount is disabled). Returns how many are left pending. */
    public int revokeMount(String mount) {
        List<Lease> leases = store.byMount(trim(mount));
        int done = revokeAll(leases);
        return leases.size() - done;
    }

    /** Revokes the leases created by a token; what a token revocation listener calls. */
    public int revokeOwner(String owner) {
        if (owner == null || owner.isEmpty()) {
            return 0;
        }
        return revokeAll(store.byOwner(owner));
    }

    /** Active leases of a mount whose expiry falls before the given instant. */
    public List<Lease> expiringBefore(String mount, Instant before) {
        return store.activeExpiringBefore(trim(mount), before);
    }

    /** Revokes expired leases and retries due revocations; returns how many were destroyed. */
    public int tick() {
        try {
            return revokeAll(store.due(now(), BATCH));
        } catch (AvException e) {
            if (e.kind() == AvException.Kind.SEALED) {
                return 0; // nothing can be unsealed before av is: expiry resumes after unseal
            }
            LOG.warn("lease expiry pass failed: {}", e.getMessage());
            return 0;
        } catch (RuntimeException e) {
            LOG.warn("lease expiry pass failed: {}", e.getMessage());
            return 0;
        }
    }

    /** Runs {@link #tick()} every {@code interval} on a daemon thread until {@link #close()}. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "av-lease-expiry");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(10, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    private int revokeAll(List<Lease> leases) {
        int done = 0;
        for (Lease l : leases) {
            if (revokeNow(l)) {
                done++;
            }
        }
        return done;
    }

    /** Two-phase revocation; true when the secret is gone and the lease deleted. */
    private boolean revokeNow(Lease lease) {
        if (!inFlight.add(lease.id())) {
            return false;
        }
        try {
            if (lease.state() != Lease.State.REVOKING) {
                store.markRevoking(lease.id());
            }
            LeaseHandler handler = handler(lease.mount());
            if (handler == null) {
                store.revocationFailed(lease.id(), backoff(lease.id()), "mount not available");
                return false;
            }
            try {
                handler.revoke(lease);
            } catch (RuntimeException e) {
                String why = e instanceof AvException av ? av.getMessage() : e.getClass().getSimpleName();
                LOG.warn("revocation of lease {} failed, will retry: {}", lease.id(), why);
                store.revocationFailed(lease.id(), backoff(lease.id()), truncate(why));
                return false;
            }
            store.delete(lease.id());
            return true;
        } finally {
            inFlight.remove(lease.id());
        }
    }

    /** Leases work in whole seconds, as Vault's do (and as databases store them). */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private Instant backoff(String leaseId) {
        int attempts = store.attempts(leaseId);
        long seconds = 1L << Math.min(attempts, 16);
        Duration d = Duration.ofSeconds(seconds);
        return now().plus(d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d);
    }

    private static String truncate(String s) {
        return s == null ? null : s.length() > 500 ? s.substring(0, 500) : s;
    }

    private static String clean(String id) {
        if (id == null) {
            throw AvException.badRequest("missing lease_id");
        }
        String s = id.trim();
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s;
    }

    private static String trim(String p) {
        String s = clean(p);
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
