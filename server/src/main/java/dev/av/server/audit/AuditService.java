package dev.av.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.audit.AuditBroker;
import dev.av.audit.AuditDevice;
import dev.av.audit.AuditDevices;
import dev.av.audit.AuditEvent;
import dev.av.audit.AuditHasher;
import dev.av.audit.AuditSignals;
import dev.av.core.AvException;
import dev.av.registry.keyring.Barrier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's audit area: owns the {@link AuditBroker}, enables and disables devices (persisted
 * through {@link AuditDeviceStore}), answers {@code sys/audit-hash}, keeps a small ring of recent
 * entries for {@code av audit tail} and installs the SIGHUP handler that reopens files.
 *
 * <p>Persisted devices are opened lazily on the first audited request after the barrier is
 * unsealed (their salts and keys are sealed). Until then nothing can be audited, and nothing is
 * served either: a sealed av refuses every request except the lifecycle ones. Thread-safe.
 */
public final class AuditService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AuditService.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RING = 2000;
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    /** One followed entry: its position, who and what (for filters), and the HMAC'd JSON (formatted when read). */
    record Followed(long seq, String agent, String decision, java.util.function.Supplier<String> json) {
    }

    private final AuditDeviceStore store;
    private final Barrier barrier;
    private final Clock clock;
    private final Path spoolRoot;
    private final AuditBroker broker;
    private final Deque<Followed> ring = new ArrayDeque<>();
    private long ringSeq;
    private volatile boolean loaded;

    public AuditService(AuditDeviceStore store, Barrier barrier, Clock clock, Path spoolRoot) {
        this.store = store;
        this.barrier = barrier;
        this.clock = clock;
        this.spoolRoot = spoolRoot;
        this.broker = new AuditBroker(clock);
        broker.beforeEachRecord(this::ensureLoaded);
        broker.subscribeLazily(e -> !(e.path() != null && e.path().startsWith("sys/audit-tail")), this::follow);
        AuditSignals.reopenOnHangup(broker);
    }

    /** True when at least one device is enabled: only then is anything recorded (as in Vault). */
    public boolean active() {
        ensureLoaded();
        return !broker.devices().isEmpty();
    }

    public AuditBroker broker() {
        ensureLoaded();
        return broker;
    }

    /** Opens the persisted devices once the barrier is unsealed; a device that cannot open is logged loudly. */
    public void ensureLoaded() {
        if (loaded || barrier.isSealed()) {
            return;
        }
        synchronized (this) {
            if (loaded) {
                return;
            }
            for (AuditDeviceStore.StoredDevice d : store.all()) {
                try {
                    broker.enable(AuditDevices.open(d.name(), d.type(), d.description(), d.allOptions(),
                            context(d.name(), d.salt(), d.signingKey())));
                } catch (RuntimeException e) {
                    // Keep failing closed: the device stays enabled but refuses every entry until an
                    // operator fixes its destination or disables it.
                    LOG.log(System.Logger.Level.ERROR, "audit device " + d.name() + " could not be opened: "
                            + e.getMessage() + "; it refuses entries until fixed or disabled");
                    broker.enable(AuditDevices.unavailable(d.name(), d.type(), d.description(), d.options(),
                            context(d.name(), d.salt(), d.signingKey()), String.valueOf(e.getMessage())));
                }
            }
            loaded = true;
        }
    }

    private AuditDevices.Context context(String name, byte[] salt, java.security.KeyPair key) {
        return new AuditDevices.Context(salt, key, spoolRoot.resolve(name), clock);
    }

    /** Enables a device: validates, opens, persists, then starts recording to it. */
    public synchronized AuditDevice enable(String name, String type, String description, Map<String, String> options) {
        ensureLoaded();
        AuditDevices.validate(name, type, options);
        if (broker.device(name).isPresent()) {
            throw AvException.badRequest("path already in use: an audit device named \"" + name + "\" is enabled");
        }
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, String> secret = new LinkedHashMap<>();
        options.forEach((k, v) -> (AuditDevices.SECRET_OPTIONS.contains(k) ? secret : plain).put(k, v));
        byte[] salt = AuditHasher.newSalt();
        java.security.KeyPair key = AuditDevices.newSigningKey();
        Path spool = spoolRoot.resolve(name);
        deleteSpool(spool); // a spool left by an earlier device of that name belongs to another chain
        AuditDevice device = AuditDevices.open(name, type, description, options, context(name, salt, key));
        try {
            store.insert(new AuditDeviceStore.StoredDevice(name, type, description, plain, secret, salt, key));
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        broker.enable(device);
        return device;
    }

    public synchronized boolean disable(String name) {
        ensureLoaded();
        boolean stored = store.delete(name);
        boolean open = broker.disable(name);
        return stored || open;
    }

    public List<AuditDevice> devices() {
        ensureLoaded();
        return broker.devices();
    }

    public String hash(String name, String input) {
        ensureLoaded();
        return broker.device(name).orElseThrow(() -> AvException.badRequest("unknown audit device \"" + name + "\""))
                .hash(input);
    }

    public void record(AuditEvent e) {
        broker().record(e);
    }

    public boolean recordBestEffort(AuditEvent e) {
        return broker().recordBestEffort(e);
    }

    // ---- following -------------------------------------------------------------------------------

    /**
     * Follows new entries live (server-sent events): each one of {@code agent} (any when null) with
     * {@code decision} ({@code allow}/{@code deny}, any when null) is handed to {@code sink} on the
     * recording thread, so the sink must not block. Requests to sys/audit-tail are not shown.
     * Close the handle to stop.
     */
    public AutoCloseable follow(String agent, String decision, java.util.function.Consumer<String> sink) {
        ensureLoaded();
        return broker.subscribe(e -> !(e.path() != null && e.path().startsWith("sys/audit-tail"))
                        && (agent == null || agent.equals(e.agent()))
                        && (decision == null || decision.equals(e.decision() == null ? ""
                        : e.decision().allowed() ? "allow" : "deny")),
                sink);
    }

    private void follow(AuditEvent e, java.util.function.Supplier<String> json) {
        String decision = e.decision() == null ? "" : e.decision().allowed() ? "allow" : "deny";
        synchronized (ring) {
            ring.addLast(new Followed(++ringSeq, e.agent() == null ? "" : e.agent(), decision, json));
            while (ring.size() > RING) {
                ring.removeFirst();
            }
            ring.notifyAll();
        }
    }

    /**
     * Entries after {@code after} (or the last {@code last} when {@code after < 0}) matching the
     * filters, waiting up to {@code wait} for one to arrive. Returns the entries and the position to
     * continue from.
     */
    public Map<String, Object> tail(long after, int last, String agent, String decision, Duration wait) {
        ensureLoaded();
        long deadline = System.nanoTime() + Math.min(wait.toNanos(), MAX_WAIT.toNanos());
        synchronized (ring) {
            while (true) {
                List<Object> entries = new ArrayList<>();
                List<Followed> matching = new ArrayList<>();
                for (Followed f : ring) {
                    if ((after < 0 || f.seq() > after) && (agent == null || agent.equals(f.agent()))
                            && (decision == null || decision.equals(f.decision()))) {
                        matching.add(f);
                    }
                }
                if (after < 0 && matching.size() > last) {
                    matching = matching.subList(matching.size() - last, matching.size());
                }
                for (Followed f : matching) {
                    try {
                        entries.add(JSON.readValue(f.json().get(), Map.class));
                    } catch (IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                }
                long left = deadline - System.nanoTime();
                if (!entries.isEmpty() || after < 0 || left <= 0) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("entries", entries);
                    out.put("next", ringSeq);
                    return out;
                }
                try {
                    ring.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("entries", List.of());
                    out.put("next", ringSeq);
                    return out;
                }
            }
        }
    }

    private static void deleteSpool(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new AvException(AvException.Kind.INTERNAL, "cannot clear the old spool of audit device", e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
