package dev.av.proxy;

/**
 * Port: receives one {@link ProxyAuditEvent.Request} before a request is forwarded (or refused) and
 * one {@link ProxyAuditEvent.Response} after. Failing closed: if {@code record} throws for a request
 * entry, the request is not forwarded (503 {@code audit_unavailable}); if it throws for a response
 * entry, the client connection is closed. Thread-safe; may block (called off the event loop).
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
}
