package dev.av.audit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One enabled audit device: its formatter (own salt), filter, writer thread (group commit, hash
 * chain, checkpoints) and destination. Create with {@link AuditDevices#open}. Thread-safe.
 */
public final class AuditDevice implements AutoCloseable {

    /** What became of an entry on this device. */
    public enum Outcome { RECORDED, FILTERED }

    /** Counters for {@code sys/audit -detailed} and for watching a device. */
    public record Stats(long written, long failed, long batches, long delivered, long spoolPendingBytes,
                        boolean spoolFull, String lastCheckpoint, String lastDeliveryError) {
    }

    private final String name;
    private final String type;
    private final String description;
    private final Map<String, String> options;
    private final EntryFormatter formatter;
    private final AuditFilter filter;
    private final Set<String> events;
    private final DeviceWriter writer;
    private final Sink sink;
    private final List<AlertRule> alertRules;

    AuditDevice(String name, String type, String description, Map<String, String> options, EntryFormatter formatter,
                AuditFilter filter, Set<String> events, DeviceWriter writer, Sink sink, List<AlertRule> alertRules) {
        this.name = name;
        this.type = type;
        this.description = description;
        this.options = Map.copyOf(options);
        this.formatter = formatter;
        this.filter = filter;
        this.events = Set.copyOf(events);
        this.writer = writer;
        this.sink = sink;
        this.alertRules = List.copyOf(alertRules);
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** The options as given, without secret ones (e.g. {@code authorization_header}). */
    public Map<String, String> options() {
        return options;
    }

    public List<AlertRule> alertRules() {
        return alertRules;
    }

    /** The HMAC of an input with this device's salt ({@code sys/audit-hash/:name}). */
    public String hash(String input) {
        return formatter.hash(input);
    }

    /** The base64 Ed25519 public key that verifies this device's checkpoints. */
    public String publicKey() {
        return writer.publicKey();
    }

    public boolean accepts(AuditEvent e) {
        return (events.isEmpty() || events.contains(e.type().wire())) && (filter == null || filter.test(e));
    }

    /**
     * Formats the entry in the calling thread and queues it; the future completes with
     * {@link Outcome#RECORDED} once durable, {@link Outcome#FILTERED} at once if this device does
     * not want it, or exceptionally when the device could not record it.
     */
    public CompletableFuture<Outcome> submit(AuditEvent e) {
        return submit(e, null);
    }

    /**
     * As {@link #submit(AuditEvent)}; when {@code formatted} is given, the device's JSON body of the
     * entry is put into its first element (the broker reuses it for followers).
     */
    CompletableFuture<Outcome> submit(AuditEvent e, byte[][] formatted) {
        if (!accepts(e)) {
            return CompletableFuture.completedFuture(Outcome.FILTERED);
        }
        byte[] body;
        try {
            body = formatter.format(e);
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        if (formatted != null) {
            formatted[0] = body;
        }
        return writer.submit(body).thenApply(v -> Outcome.RECORDED);
    }

    EntryFormatter formatter() {
        return formatter;
    }

    /** Reopens the destination (file devices: after log rotation). */
    public CompletableFuture<Void> reopen() {
        return writer.reopen();
    }

    public Stats stats() {
        if (sink instanceof SpoolSink s) {
            return new Stats(writer.written(), writer.failed(), writer.batches(), s.delivered(), s.pendingBytes(),
                    s.spoolFull(), writer.lastCheckpoint(), s.lastError());
        }
        return new Stats(writer.written(), writer.failed(), writer.batches(), writer.written(), 0, false,
                writer.lastCheckpoint(), "");
    }

    /** Writes a final checkpoint and closes the destination. */
    @Override
    public void close() {
        writer.close();
    }

    @Override
    public String toString() {
        return "AuditDevice[" + name + " " + type + " " + sink.describe() + "]";
    }
}
