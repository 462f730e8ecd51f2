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
    /** Whether the sink records asynchronously (devices with writer threads), when not {@link #nonBlocking}. */
    final AtomicBoolean async = new AtomicBoolean();
    /** While set, asynchronous records stay pending in {@link #held} until the test completes them. */
    final AtomicBoolean hold = new AtomicBoolean();
    final LinkedBlockingQueue<Held> held = new LinkedBlockingQueue<>();

    record Held(ProxyAuditEvent event, java.util.concurrent.CompletableFuture<Void> future) {
    }
    /** Asynchronous records handed over on an event loop thread. */
    final java.util.concurrent.atomic.AtomicInteger asyncOnLoop = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public boolean recordsAsync() {
        return async.get();
    }

    /** Records as a device writer would: the future completes on another thread (or when the test says, while held). */
    @Override
    public java.util.concurrent.CompletableFuture<Void> recordAsync(ProxyAuditEvent event) {
        if (Thread.currentThread().getName().contains("EventLoop")) {
            asyncOnLoop.incrementAndGet();
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        if (failing.get()) {
            done.completeExceptionally(new IllegalStateException("audit device down"));
            return done;
        }
        events.add(event);
        if (hold.get()) {
            held.add(new Held(event, done));
        } else {
            java.util.concurrent.CompletableFuture.runAsync(() -> done.complete(null));
        }
        return done;
    }

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

    /** The next held request entry; held response entries met on the way are completed. */
    java.util.concurrent.CompletableFuture<Void> nextHeldRequest() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Held h = held.poll(100, TimeUnit.MILLISECONDS);
            if (h != null && h.event() instanceof ProxyAuditEvent.Request) {
                return h.future();
            }
            if (h != null) {
                h.future().complete(null);
            }
        }
        throw new AssertionError("no request entry was handed over");
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
