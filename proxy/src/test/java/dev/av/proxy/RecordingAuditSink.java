package dev.av.proxy;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Records proxy audit events; can be switched to fail, to test failing closed. */
final class RecordingAuditSink implements ProxyAuditSink {

    final LinkedBlockingQueue<ProxyAuditEvent> events = new LinkedBlockingQueue<>();
    final AtomicBoolean failing = new AtomicBoolean();
    /** Whether the sink says it records without blocking (no audit device); false: as with a device. */
    final AtomicBoolean nonBlocking = new AtomicBoolean(true);

    @Override
    public boolean recordsWithoutBlocking() {
        return nonBlocking.get();
    }

    @Override
    public void record(ProxyAuditEvent event) {
        if (failing.get()) {
            throw new IllegalStateException("audit device down");
        }
        events.add(event);
    }

    /** The next event of the given type, skipping others; fails after a few seconds. */
    <T extends ProxyAuditEvent> T next(Class<T> type) throws InterruptedException {
        return next(type, e -> true);
    }

    /** The next event of the given type matching {@code filter}, skipping others. */
    <T extends ProxyAuditEvent> T next(Class<T> type, java.util.function.Predicate<T> filter) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            ProxyAuditEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(e) && filter.test(type.cast(e))) {
                return type.cast(e);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " audit event");
    }
}
