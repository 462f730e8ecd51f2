package dev.av.secrets.vault;

import dev.av.core.AvException;
import dev.av.secrets.EngineRequest;
import dev.av.secrets.EngineResponse;
import dev.av.secrets.Operation;
import dev.av.secrets.SecretEngine;
import dev.av.secrets.Sealer;
import dev.av.secrets.lease.Lease;
import dev.av.secrets.lease.LeaseHandler;
import dev.av.secrets.lease.LeaseManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;

/**
 * A mount backed by an upstream HashiCorp Vault. {@code <mount>/config} holds the upstream connection
 * (sealed); any other path is read from the upstream: {@code GET <mount>/database/creds/ro} reads
 * {@code database/creds/ro} upstream. KV v2 mounts are detected ({@code sys/internal/ui/mounts}) and
 * {@code <mount>/secret/app} reads {@code secret/data/app}, returning the secret's fields.
 *
 * <p><b>Leases.</b> A secret that comes with an upstream lease gets an av lease (owned by the calling
 * token) whose internal data names the upstream lease. The credential is cached per (token, path) and
 * handed out again while valid; {@link #maintain()} renews upstream leases before they expire, or
 * fetches a fresh secret when the upstream lease is not renewable. Revoking the av lease (explicitly,
 * on expiry, or with its token or {@code av run} session) revokes every upstream lease it covered.
 *
 * <p><b>Failure.</b> When the upstream cannot be reached, a cached credential is served only while
 * its lease is valid (KV secrets: for {@code kv_cache_ttl}); after that reads fail closed with
 * {@code UNAVAILABLE} (HTTP 503, problem code {@code credential_unavailable} in the proxy). An upstream
 * lease the upstream no longer knows is dropped and never served again. A rejected upstream token is
 * reported through {@link UpstreamEvents} and replaced by a fresh login on the next call.
 */
public final class VaultEngine implements SecretEngine, LeaseHandler {

    public static final String TYPE = "vault";
    private static final Logger LOG = LoggerFactory.getLogger(VaultEngine.class);
    private static final Duration MAX_LEASE = Duration.ofHours(768);

    private final String mount;
    private final UpstreamConfigStore store;
    private final LeaseManager leases;
    private final UpstreamEvents events;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, String> kvMounts = new ConcurrentHashMap<>();
    private volatile UpstreamClient client;
    private volatile boolean tokenLost;
    private volatile Duration kvCacheTtl = Duration.ofMinutes(1);
    private ScheduledExecutorService maintenance;

    /** A cached secret. {@code avLease} is null for KV secrets. */
    private record Cached(Map<String, Object> data, String avLease, String upstreamLease, boolean renewable,
                          Duration leaseDuration, Instant expiresAt) {
    }

    public VaultEngine(String mount, String storageKey, DataSource dataSource, Sealer sealer, LeaseManager leases,
                       UpstreamEvents events) {
        this.mount = mount;
        this.store = new UpstreamConfigStore(dataSource, sealer, storageKey);
        this.leases = leases;
        this.events = events;
        this.clock = leases.clock();
        leases.register(mount, this);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Runs {@link #maintain()} every {@code interval} until {@link #close()}. */
    public synchronized void start(Duration interval) {
        if (maintenance == null) {
            maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "av-vault-leases-" + mount);
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(50, interval.toMillis());
            maintenance.scheduleWithFixedDelay(this::maintain, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        String path = request.path();
        if (path.equals("config")) {
            return config(request);
        }
        if (path.isEmpty()) {
            throw AvException.badRequest("read an upstream path below the mount, e.g. " + mount + "/secret/app");
        }
        return switch (request.operation()) {
            case READ -> read(path, request.owner());
            case LIST -> list(path);
            default -> throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED,
                    "the vault engine only reads from its upstream");
        };
    }

    // ------------------------------------------------------------------ config

    private EngineResponse config(EngineRequest request) {
        switch (request.operation()) {
            case READ -> {
                return EngineResponse.of(store.load()
                        .orElseThrow(() -> AvException.notFound("this vault mount has no upstream configured yet"))
                        .toResponse());
            }
            case CREATE, UPDATE -> {
                UpstreamConfig cfg = UpstreamConfig.parse(request.data(), store.load().orElse(null));
                UpstreamTls.context(cfg); // unusable TLS material is refused before anything is stored
                store.save(cfg);
                reconnect(cfg);
                return EngineResponse.noContent();
            }
            default -> throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
    }

    private synchronized void reconnect(UpstreamConfig cfg) {
        UpstreamClient old = client;
        client = new UpstreamClient(mount, cfg, new Relay());
        kvCacheTtl = cfg.kvCacheTtl();
        kvMounts.clear();
        if (old != null) {
            old.close();
        }
    }

    private UpstreamClient client() {
        UpstreamClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    UpstreamConfig cfg = store.load().orElseThrow(() -> new AvException(AvException.Kind.UNAVAILABLE,
                            "this vault mount has no upstream configured: write " + mount + "/config"));
                    client = new UpstreamClient(mount, cfg, new Relay());
                    kvCacheTtl = cfg.kvCacheTtl();
                }
                c = client;
            }
        }
        return c;
    }

    /** Passes spring-vault's session events on, remembering the state so that recovery is reported too. */
    private final class Relay implements UpstreamEvents {
        @Override
        public void tokenLost(String m, String reason) {
            markLost(reason);
        }

        @Override
        public void tokenRestored(String m) {
            markRestored();
        }
    }

    private void markLost(String reason) {
        LOG.warn("vault mount {}: av's upstream token is not usable: {}", mount, reason);
        tokenLost = true;
        events.tokenLost(mount, reason);
    }

    private void markRestored() {
        if (tokenLost) {
            tokenLost = false;
            LOG.info("vault mount {}: av's upstream token works again", mount);
            events.tokenRestored(mount);
        }
    }

    // ------------------------------------------------------------------ reads

    private EngineResponse read(String path, String owner) {
        String key = (owner == null ? "" : owner) + "\u0000" + path;
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && hit.avLease() != null) {
            if (leases.lookup(hit.avLease()).filter(l -> !l.expiredAt(now)).isEmpty()) {
                cache.remove(key, hit); // revoked or expired: never served again
                hit = null;
            } else if (now.isBefore(refreshAt(hit))) {
                return served(hit, null);
            } else {
                try {
                    Cached fresh = refresh(key, hit);
                    if (fresh != null) {
                        return served(fresh, null);
                    }
                    hit = null; // the upstream lease is gone: fetch a new secret below
                } catch (UpstreamClient.Unreachable e) {
                    if (now.isBefore(hit.expiresAt())) {
                        return served(hit, "served from cache: the upstream is unreachable");
                    }
                    throw unavailable();
                }
            }
        }
        UpstreamClient.Answer answer;
        String upstreamPath;
        boolean kv2;
        try {
            String kvMount = kvV2Mount(path);
            kv2 = kvMount != null && !isExplicitKv2(path, kvMount);
            upstreamPath = kv2 ? kvMount + "data/" + path.substring(kvMount.length()) : path;
            answer = call(HttpMethod.GET, upstreamPath, null);
        } catch (UpstreamClient.Unreachable e) {
            if (hit != null && hit.avLease() == null && now.isBefore(hit.expiresAt())) {
                return served(hit, "served from cache: the upstream is unreachable");
            }
            cache.remove(key);
            throw unavailable();
        }
        if (answer.status() == 404) {
            cache.remove(key);
            throw AvException.notFound("no secret at " + mount + "/" + path);
        }
        if (!answer.ok()) {
            throw upstreamError(answer);
        }
        Map<String, Object> data = answer.data();
        if (kv2 && data != null && data.get("data") instanceof Map<?, ?> inner) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) inner;
            data = fields;
        }
        data = data == null ? Map.of() : data;
        String upstreamLease = str(answer.body().get("lease_id"));
        long duration = num(answer.body().get("lease_duration"));
        boolean renewable = Boolean.TRUE.equals(answer.body().get("renewable"));
        if (upstreamLease.isEmpty() || duration <= 0) {
            Cached kv = new Cached(data, null, null, false, Duration.ZERO,
                    clock.instant().plus(kvCacheTtl));
            cache.put(key, kv);
            return EngineResponse.of(data);
        }
        Map<String, Object> internal = new LinkedHashMap<>();
        internal.put("upstream_lease_id", upstreamLease);
        internal.put("superseded", List.of());
        Lease lease = leases.create(mount, path, owner, Duration.ofSeconds(duration), MAX_LEASE, renewable, internal);
        Cached fresh = new Cached(data, lease.id(), upstreamLease, renewable, Duration.ofSeconds(duration),
                lease.expireTime());
        cache.put(key, fresh);
        return EngineResponse.leased(data, lease);
    }

    private EngineResponse served(Cached c, String warning) {
        Lease lease = c.avLease() == null ? null : leases.lookup(c.avLease()).orElse(null);
        return new EngineResponse(c.data(), lease, warning == null ? List.of() : List.of(warning));
    }

    private AvException unavailable() {
        return new AvException(AvException.Kind.UNAVAILABLE,
                "credential unavailable: the upstream Vault of " + mount + " cannot be reached and no valid cached credential exists");
    }

    private AvException upstreamError(UpstreamClient.Answer answer) {
        String msg = answer.firstError();
        if (answer.status() == 403) {
            if (!client().tokenValid()) {
                client().dropToken();
                markLost("the upstream rejected av's token");
                return new AvException(AvException.Kind.UNAVAILABLE,
                        "credential unavailable: the upstream Vault of " + mount + " rejected av's token");
            }
            return new AvException(AvException.Kind.PERMISSION_DENIED, "the upstream Vault denied access to this path");
        }
        return AvException.badRequest("upstream Vault: " + (msg.isEmpty() ? "status " + answer.status() : msg));
    }

    private EngineResponse list(String path) {
        String p = path.endsWith("/") ? path : path + "/";
        UpstreamClient.Answer a;
        try {
            String kvMount = kvV2Mount(p);
            String up = kvMount != null && !isExplicitKv2(p, kvMount) ? kvMount + "metadata/" + p.substring(kvMount.length()) : p;
            a = call(HttpMethod.GET, up + "?list=true", null); // JDK HTTP clients refuse the LIST verb
        } catch (UpstreamClient.Unreachable e) {
            throw unavailable();
        }
        if (a.status() == 404) {
            throw AvException.notFound("no entries");
        }
        if (!a.ok()) {
            throw upstreamError(a);
        }
        return EngineResponse.of(a.data() == null ? Map.of() : a.data());
    }

    private UpstreamClient.Answer call(HttpMethod method, String path, Map<String, Object> body) {
        UpstreamClient.Answer a = client().call(method, path, body);
        if (a.status() != 403) {
            markRestored();
        }
        return a;
    }

    /** The KV v2 mount (with trailing slash) that holds {@code path}, or null. */
    private String kvV2Mount(String path) {
        for (Map.Entry<String, String> e : kvMounts.entrySet()) {
            if (path.startsWith(e.getKey())) {
                return e.getValue().equals("2") ? e.getKey() : null;
            }
        }
        UpstreamClient.Answer a = call(HttpMethod.GET, "sys/internal/ui/mounts/" + path, null);
        Map<String, Object> d = a.ok() ? a.data() : null;
        if (d == null || !(d.get("path") instanceof String mountPath) || mountPath.isEmpty()) {
            return null;
        }
        String version = "1";
        if ("kv".equals(d.get("type")) && d.get("options") instanceof Map<?, ?> o && "2".equals(String.valueOf(o.get("version")))) {
            version = "2";
        }
        kvMounts.put(mountPath, version);
        return version.equals("2") ? mountPath : null;
    }

    private static boolean isExplicitKv2(String path, String kvMount) {
        String rel = path.substring(kvMount.length());
        return rel.startsWith("data/") || rel.startsWith("metadata/") || rel.startsWith("subkeys/")
                || rel.equals("config") || rel.startsWith("delete/") || rel.startsWith("undelete/")
                || rel.startsWith("destroy/");
    }

    // ------------------------------------------------------------------ lease upkeep

    /** When a cached lease should be renewed or replaced: a third of its duration before expiry (at least 5s). */
    private static Instant refreshAt(Cached c) {
        Duration margin = c.leaseDuration().dividedBy(3);
        if (margin.compareTo(Duration.ofSeconds(5)) < 0) {
            margin = Duration.ofSeconds(5);
        }
        return c.expiresAt().minus(margin);
    }

    /**
     * Renews (or, when not renewable, re-fetches) one cached upstream lease. Returns null when the
     * upstream no longer knows the lease; throws {@link UpstreamClient.Unreachable} when it cannot be asked.
     */
    private Cached refresh(String key, Cached c) {
        Lease avLease = leases.lookup(c.avLease()).orElse(null);
        if (avLease == null) {
            cache.remove(key, c);
            return null;
        }
        if (c.renewable()) {
            UpstreamClient.Answer a = call(HttpMethod.PUT, "sys/leases/renew",
                    Map.of("lease_id", c.upstreamLease(), "increment", c.leaseDuration().getSeconds()));
            if (!a.ok()) {
                LOG.info("vault mount {}: upstream lease of {} is gone ({}); it will not be used again", mount,
                        avLease.id(), a.status());
                cache.remove(key, c);
                leases.revoke(avLease.id());
                return null;
            }
            Instant expires = clock.instant().plusSeconds(num(a.body().get("lease_duration")));
            leases.extend(avLease.id(), expires);
            Cached renewed = new Cached(c.data(), c.avLease(), c.upstreamLease(), true, c.leaseDuration(), expires);
            cache.put(key, renewed);
            return renewed;
        }
        String path = key.substring(key.indexOf('\u0000') + 1);
        UpstreamClient.Answer a = call(HttpMethod.GET, path, null);
        if (!a.ok() || str(a.body().get("lease_id")).isEmpty()) {
            cache.remove(key, c);
            return null;
        }
        String newUpstream = str(a.body().get("lease_id"));
        Map<String, Object> internal = new LinkedHashMap<>(avLease.internal());
        List<Object> superseded = new ArrayList<>(avLease.internal().get("superseded") instanceof List<?> l ? l : List.of());
        superseded.add(c.upstreamLease());
        internal.put("upstream_lease_id", newUpstream);
        internal.put("superseded", superseded);
        leases.updateInternal(avLease.id(), internal);
        Instant expires = clock.instant().plusSeconds(num(a.body().get("lease_duration")));
        leases.extend(avLease.id(), expires);
        Cached fresh = new Cached(a.data() == null ? Map.of() : a.data(), c.avLease(), newUpstream, false,
                Duration.ofSeconds(num(a.body().get("lease_duration"))), expires);
        cache.put(key, fresh);
        return fresh;
    }

    /**
     * Keeps cached leases alive: renews (or replaces) those within their refresh window, drops those
     * whose av lease is gone, and forgets KV entries past their cache TTL. Safe to call any time.
     */
    public void maintain() {
        Instant now = clock.instant();
        for (Map.Entry<String, Cached> e : cache.entrySet()) {
            Cached c = e.getValue();
            try {
                if (c.avLease() == null) {
                    if (!now.isBefore(c.expiresAt())) {
                        cache.remove(e.getKey(), c);
                    }
                } else if (leases.lookup(c.avLease()).isEmpty()) {
                    cache.remove(e.getKey(), c);
                } else if (!now.isBefore(refreshAt(c))) {
                    refresh(e.getKey(), c);
                }
            } catch (UpstreamClient.Unreachable ex) {
                LOG.debug("vault mount {}: upstream unreachable during lease upkeep", mount);
            } catch (RuntimeException ex) {
                LOG.warn("vault mount {}: lease upkeep failed: {}", mount, ex.getMessage());
            }
        }
    }

    @Override
    public Instant renew(Lease lease, Instant requested) {
        long increment = Math.max(1, Duration.between(clock.instant(), requested).getSeconds());
        UpstreamClient.Answer a;
        try {
            a = call(HttpMethod.PUT, "sys/leases/renew",
                    Map.of("lease_id", lease.internalString("upstream_lease_id"), "increment", increment));
        } catch (UpstreamClient.Unreachable e) {
            throw unavailable();
        }
        if (!a.ok()) {
            dropCached(lease.id());
            throw AvException.badRequest("the upstream lease is no longer valid: " + a.firstError());
        }
        Instant granted = clock.instant().plusSeconds(num(a.body().get("lease_duration")));
        cache.replaceAll((k, c) -> lease.id().equals(c.avLease())
                ? new Cached(c.data(), c.avLease(), c.upstreamLease(), c.renewable(), c.leaseDuration(), granted) : c);
        return granted;
    }

    @Override
    public void revoke(Lease lease) {
        dropCached(lease.id());
        List<String> ids = new ArrayList<>();
        ids.add(lease.internalString("upstream_lease_id"));
        if (lease.internal().get("superseded") instanceof List<?> l) {
            l.forEach(o -> ids.add(String.valueOf(o)));
        }
        for (String id : ids) {
            UpstreamClient.Answer a;
            try {
                a = call(HttpMethod.PUT, "sys/leases/revoke", Map.of("lease_id", id));
            } catch (UpstreamClient.Unreachable e) {
                throw new AvException(AvException.Kind.UNAVAILABLE, "cannot revoke upstream: " + e.getMessage());
            }
            if (!a.ok() && a.status() != 400 && a.status() != 404) {
                throw new AvException(AvException.Kind.UNAVAILABLE, "the upstream refused to revoke a lease (" + a.status() + ")");
            }
        }
    }

    private void dropCached(String avLeaseId) {
        cache.values().removeIf(c -> avLeaseId.equals(c.avLease()));
    }

    /** For tests and diagnostics: whether a credential for (owner, path) is cached. */
    public boolean isCached(String owner, String path) {
        return cache.containsKey((owner == null ? "" : owner) + "\u0000" + path);
    }

    Optional<UpstreamConfig> config() {
        return store.load();
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public void purge() {
        store.delete();
    }

    @Override
    public synchronized void close() {
        leases.unregister(mount);
        if (maintenance != null) {
            maintenance.shutdownNow();
            maintenance = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
