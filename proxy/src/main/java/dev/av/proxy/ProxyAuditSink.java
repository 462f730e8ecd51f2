package dev.av.proxy;

/**
 * Port: receives one {@link ProxyAuditEvent.Request} before a request is forwarded (or refused) and
 * one {@link ProxyAuditEvent.Response} after. Failing closed: if {@code record} throws for a request
 * entry, the request is not forwarded (503 {@code audit_unavailable}); if it throws for a response
 * entry, the client connection is closed. Thread-safe; {@code record} may block (called off the event
 * loop); {@link #recordAsync} must not.
 */
public interface ProxyAuditSink {

    void record(ProxyAuditEvent event);

    /**
     * True when {@link #record} returns at once right now (e.g. no audit device is enabled), so the
     * proxy may call it on the event loop. The default is conservative: false.
     */
    default boolean recordsWithoutBlocking() {
        return false;
    }

    /**
     * True when {@link #recordAsync} records without blocking the caller right now (the entry is
     * handed to writer threads), so the proxy may plan a request on the event loop and forward it
     * when the entry is recorded. The default: false.
     */
    default boolean recordsAsync() {
        return false;
    }

    /**
     * Records without blocking: the future completes normally once the entry is recorded, or
     * exceptionally when it could not be (fail closed: a request entry then stops the request, a
     * response entry closes the connection). Only called while {@link #recordsAsync} is true; the
     * default records synchronously.
     */
    default java.util.concurrent.CompletableFuture<Void> recordAsync(ProxyAuditEvent event) {
        try {
            record(event);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }
}
