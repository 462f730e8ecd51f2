package dev.av.audit;

import dev.av.core.AvException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sends every audit event to every enabled device and decides whether av may go on: the
 * fail-closed rule of Vault.
 *
 * <h2>Fail closed</h2>
 * With no device enabled, nothing is recorded and {@link #record} returns. With at least one, the
 * event goes to all devices in parallel (each formats it with its own salt, then waits for its
 * group commit); {@link #record} returns when every device answered. If no device recorded it and
 * at least one failed, it throws {@code AvException(INTERNAL, "no audit backend succeeded in logging
 * the request")} (or "... the response"): the caller must then refuse the request before acting,
 * or withhold the response it already has. A device that filtered the entry out neither records
 * nor fails; a device that does not answer within the record timeout counts as failed. A device
 * that ships elsewhere counts as recorded once its spool holds the entry durably.
 *
 * <h2>Alerts</h2>
 * Each denied response of an agent is counted per {@link AlertRule}; reaching the threshold within
 * the window writes an {@code alert} entry to all devices, best effort.
 *
 * <h2>Following</h2>
 * {@link #subscribe} delivers every recorded event, formatted (HMAC'd) like the first device does,
 * to live followers such as {@code av audit tail -f}.
 *
 * <p>Thread-safe; {@link #record} blocks the calling thread until the entry is durable.
 */
public final class AuditBroker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AuditBroker.class.getName());

    private final InstantSource clock;
    private final Duration recordTimeout;
    private final Map<String, AuditDevice> devices = new LinkedHashMap<>();
    private volatile List<AuditDevice> snapshot = List.of();
    private final List<AlertRule> extraRules = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Instant>> denials = new HashMap<>();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private volatile Runnable beforeRecord = () -> { };
    private final Timeouts timeouts = new Timeouts();
    private final EntryFormatter fallbackFormatter = new EntryFormatter(AuditHasher.withSalt(AuditHasher.newSalt()),
            false, true, false);

    public AuditBroker(InstantSource clock) {
        this(clock, Duration.ofSeconds(30));
    }

    public AuditBroker(InstantSource clock, Duration recordTimeout) {
        this.clock = clock;
        this.recordTimeout = recordTimeout;
    }

    /** Adds an opened device; a name already in use is a bad request (nothing changes). */
    public synchronized void enable(AuditDevice device) {
        if (devices.containsKey(device.name())) {
            throw AvException.badRequest("path already in use: an audit device named \"" + device.name()
                    + "\" is enabled");
        }
        devices.put(device.name(), device);
        snapshot = List.copyOf(devices.values());
    }

    /** Removes and closes a device (final checkpoint). Returns false if none had that name. */
    public boolean disable(String name) {
        AuditDevice d;
        synchronized (this) {
            d = devices.remove(name);
            snapshot = List.copyOf(devices.values());
        }
        if (d == null) {
            return false;
        }
        d.close();
        return true;
    }

    public List<AuditDevice> devices() {
        return snapshot;
    }

    public Optional<AuditDevice> device(String name) {
        return snapshot.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /**
     * Runs before every {@link #record}, e.g. to open persisted devices once their keys can be
     * unsealed. It must be cheap once it has done its work.
     */
    public void beforeEachRecord(Runnable action) {
        this.beforeRecord = action;
    }

    /** Alert rules in addition to those configured on devices. */
    public void addAlertRule(AlertRule rule) {
        extraRules.add(rule);
    }

    /** Records a request entry before av acts; throws (fail closed) when no device could. */
    public void logRequest(AuditEvent request) {
        record(request);
    }

    /** Records a response entry; throws (fail closed: withhold the response) when no device could. */
    public void logResponse(AuditEvent response) {
        record(response);
    }

    /**
     * Records an event on every device and applies the fail-closed rule (see the class comment).
     * This is also the entry point for the proxy: build the event with a {@link ProxyRequestInfo}.
     */
    public void record(AuditEvent event) {
        beforeRecord.run();
        AuditEvent e = event.stamped(clock.instant());
        List<AuditDevice> devs = snapshot;
        byte[][] firstBody = subscribers.isEmpty() ? null : new byte[1][];
        if (!devs.isEmpty()) {
            List<CompletableFuture<AuditDevice.Outcome>> futures = new ArrayList<>(devs.size());
            for (int i = 0; i < devs.size(); i++) {
                futures.add(devs.get(i).submit(e, i == 0 ? firstBody : null));
            }
            int recorded = 0;
            int failed = 0;
            long deadline = System.nanoTime() + recordTimeout.toNanos();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    if (futures.get(i).get(left, TimeUnit.NANOSECONDS) == AuditDevice.Outcome.RECORDED) {
                        recorded++;
                    }
                } catch (ExecutionException | TimeoutException ex) {
                    failed++;
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    failed++;
                }
            }
            if (recorded == 0 && failed > 0) {
                throw notLogged(e);
            }
        }
        publish(e, devs, firstBody == null ? null : firstBody[0]);
        if (e.type() == AuditEvent.Type.RESPONSE && e.denied() && e.agent() != null) {
            countDenial(e.agent(), e.time(), devs, false);
        }
    }

    /**
     * As {@link #record}, without blocking the caller: the entry is formatted on the calling thread and
     * handed to every device; the returned future completes when every device answered (on a device's
     * writer thread), normally when the entry is recorded, exceptionally with the same
     * {@link AvException} {@link #record} throws when no device could record it (fail closed: the
     * caller must not act before the future completed normally). A device that does not answer within
     * the record timeout counts as failed. Alerts caused by the entry are recorded best effort, also
     * without blocking.
     */
    public CompletableFuture<Void> recordAsync(AuditEvent event) {
        beforeRecord.run();
        AuditEvent e = event.stamped(clock.instant());
        List<AuditDevice> devs = snapshot;
        byte[][] firstBody = subscribers.isEmpty() ? null : new byte[1][];
        if (devs.isEmpty()) {
            afterRecorded(e, devs, null);
            return CompletableFuture.completedFuture(null);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<AuditDevice.Outcome>[] futures = new CompletableFuture[devs.size()];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = devs.get(i).submit(e, i == 0 ? firstBody : null);
        }
        timeouts.watch(futures, System.nanoTime() + recordTimeout.toNanos());
        CompletableFuture<Void> all = futures.length == 1 ? futures[0].thenApply(o -> null) : CompletableFuture.allOf(futures);
        return all.handle((ignored, err) -> {
            int recorded = 0;
            int failed = 0;
            for (CompletableFuture<AuditDevice.Outcome> f : futures) {
                if (f.isCompletedExceptionally()) {
                    failed++;
                } else if (f.join() == AuditDevice.Outcome.RECORDED) {
                    recorded++;
                }
            }
            if (recorded == 0 && failed > 0) {
                throw notLogged(e);
            }
            afterRecorded(e, devs, firstBody == null ? null : firstBody[0]);
            return null;
        });
    }

    /**
     * Fails the device answers of asynchronous records that are still pending at their deadline, as
     * {@link #record} does by waiting at most the record timeout. Every record has the same timeout,
     * so the watched records queue up in deadline order and one daemon thread, started on first use,
     * sweeps the head of the queue every {@value #SWEEP_MILLIS} ms: no timer per entry.
     */
    private static final class Timeouts {
        private record Watched(CompletableFuture<?>[] futures, long deadline) {
        }

        private final java.util.concurrent.ConcurrentLinkedQueue<Watched> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean closed;

        void watch(CompletableFuture<?>[] futures, long deadline) {
            queue.add(new Watched(futures, deadline));
            if (!started.get() && started.compareAndSet(false, true)) {
                Thread.ofPlatform().daemon().name("audit-record-timeouts").start(this::sweep);
            }
        }

        private void sweep() {
            while (!closed) {
                try {
                    Thread.sleep(SWEEP_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                Watched w;
                while ((w = queue.peek()) != null && (w.deadline() - now <= 0 || allDone(w.futures()))) {
                    queue.poll();
                    for (CompletableFuture<?> f : w.futures()) {
                        f.completeExceptionally(new TimeoutException("the audit device did not answer in time"));
                    }
                }
            }
        }

        private static boolean allDone(CompletableFuture<?>[] futures) {
            for (CompletableFuture<?> f : futures) {
                if (!f.isDone()) {
                    return false;
                }
            }
            return true;
        }

        void close() {
            closed = true;
        }
    }

    private static final long SWEEP_MILLIS = 50;

    private void afterRecorded(AuditEvent e, List<AuditDevice> devs, byte[] formatted) {
        publish(e, devs, formatted);
        if (e.type() == AuditEvent.Type.RESPONSE && e.denied() && e.agent() != null) {
            countDenial(e.agent(), e.time(), devs, true);
        }
    }

    private static AvException notLogged(AuditEvent e) {
        return new AvException(AvException.Kind.INTERNAL, "no audit backend succeeded in logging the "
                + (e.type() == AuditEvent.Type.RESPONSE ? "response" : e.type() == AuditEvent.Type.ALERT
                ? "alert" : "request"));
    }

    /** Records without failing the caller (for entries about requests that were refused anyway). */
    public boolean recordBestEffort(AuditEvent event) {
        try {
            record(event);
            return true;
        } catch (AvException e) {
            LOG.log(System.Logger.Level.ERROR, "audit: " + e.getMessage() + " (" + event + ")");
            return false;
        }
    }

    private void countDenial(String agent, Instant at, List<AuditDevice> devs, boolean async) {
        List<AlertRule> rules = new ArrayList<>(extraRules);
        devs.forEach(d -> rules.addAll(d.alertRules()));
        for (AlertRule rule : rules) {
            if (rule.agent() != null && !rule.agent().equals(agent)) {
                continue;
            }
            int count;
            synchronized (denials) {
                Deque<Instant> q = denials.computeIfAbsent(rule.name() + "\u0000" + agent, k -> new ArrayDeque<>());
                q.addLast(at);
                Instant cutoff = at.minus(rule.window());
                while (!q.isEmpty() && q.peekFirst().isBefore(cutoff)) {
                    q.removeFirst();
                }
                count = q.size();
                if (count >= rule.threshold()) {
                    q.clear();
                } else {
                    continue;
                }
            }
            AuditEvent alert = AuditEvent.builder(AuditEvent.Type.ALERT)
                    .actor(AuditEvent.Actor.agent(agent))
                    .alert(new AuditEvent.Alert(rule.name(), agent, count, rule.window()))
                    .build();
            LOG.log(System.Logger.Level.WARNING, "audit alert " + rule.name() + ": agent " + agent + " was denied "
                    + count + " times within " + rule.window());
            if (async) {
                // on a device's writer thread: waiting for the alert here would wait for this very thread
                recordAsync(alert).exceptionally(failure -> {
                    LOG.log(System.Logger.Level.ERROR, "audit: " + failure.getMessage() + " (" + alert + ")");
                    return null;
                });
            } else {
                recordBestEffort(alert);
            }
        }
    }

    /** Reopens every device (log rotation, SIGHUP). Failures are logged; the next write will tell. */
    public void reopen() {
        for (AuditDevice d : snapshot) {
            try {
                d.reopen().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.ERROR, "audit device " + d.name() + " could not reopen");
            }
        }
    }

    /**
     * Follows recorded events: each one {@code which} accepts is formatted (HMAC'd with the first
     * device's salt, or a private one when none) and given to {@code sink} on the recording thread,
     * so the sink must not block. Close the returned handle to stop.
     */
    public AutoCloseable subscribe(Predicate<AuditEvent> which, Consumer<String> sink) {
        return subscribe(which, (e, json) -> sink.accept(json));
    }

    /** As {@link #subscribe(Predicate, Consumer)}, also handing over the event (for the follower's own filters). */
    public AutoCloseable subscribe(Predicate<AuditEvent> which, java.util.function.BiConsumer<AuditEvent, String> sink) {
        return subscribeLazily(which, (e, json) -> sink.accept(e, json.get()));
    }

    /**
     * As {@link #subscribe(Predicate, java.util.function.BiConsumer)}, but the entry's JSON is
     * formatted only when (and if) the follower asks for it, on whatever thread: for followers that
     * keep entries for later, so that recording costs no formatting until someone reads them. The
     * supplier formats at most a few times and always gives the same text.
     */
    public AutoCloseable subscribeLazily(Predicate<AuditEvent> which,
                                         java.util.function.BiConsumer<AuditEvent, java.util.function.Supplier<String>> sink) {
        Subscription s = new Subscription(which, sink);
        subscribers.add(s);
        return () -> subscribers.remove(s);
    }

    private record Subscription(Predicate<AuditEvent> which,
                                java.util.function.BiConsumer<AuditEvent, java.util.function.Supplier<String>> sink) {
    }

    /** An entry's JSON, formatted on first use (formatting is a pure function of event and formatter). */
    private static final class LazyJson implements java.util.function.Supplier<String> {
        private final AuditEvent event;
        private final EntryFormatter formatter;
        private final byte[] formatted;
        private volatile String json;

        LazyJson(AuditEvent event, EntryFormatter formatter, byte[] formatted) {
            this.event = event;
            this.formatter = formatter;
            this.formatted = formatted;
        }

        @Override
        public String get() {
            String j = json;
            if (j == null) {
                j = new String(formatted != null ? formatted : formatter.format(event), java.nio.charset.StandardCharsets.UTF_8);
                json = j;
            }
            return j;
        }

        @Override
        public String toString() {
            return "LazyJson";
        }
    }

    private void publish(AuditEvent e, Collection<AuditDevice> devs, byte[] formatted) {
        if (subscribers.isEmpty()) {
            return;
        }
        // the first device already formatted the entry with its salt: its bytes are reused
        EntryFormatter f = devs.isEmpty() ? fallbackFormatter : devs.iterator().next().formatter();
        LazyJson json = null;
        for (Subscription s : subscribers) {
            try {
                if (s.which().test(e)) {
                    if (json == null) {
                        json = new LazyJson(e, f, formatted);
                    }
                    s.sink().accept(e, json);
                }
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "audit follower failed: " + ex.getMessage());
            }
        }
    }

    /** Closes every device (final checkpoints). */
    @Override
    public synchronized void close() {
        timeouts.close();
        for (AuditDevice d : devices.values()) {
            d.close();
        }
        devices.clear();
        snapshot = List.of();
    }
}
