package dev.av.proxy;

/** Audit entries of the proxy. No field holds a secret. */
public sealed interface ProxyAuditEvent {

    String requestId();

    /**
     * Written before forwarding. {@code decision} is {@code allow} or {@code deny}; {@code code} is the
     * problem code when denied. {@code subject}/{@code sessionId} are null when authentication failed.
     */
    record Request(String requestId, String subject, String sessionId, String remote, String method, String scheme,
                   String host, int port, String path, String service, String decision, String code)
            implements ProxyAuditEvent {
    }

    /**
     * Written after the exchange: the status the agent got, bytes sent upstream and back, how many
     * echoed secrets were scrubbed, and the problem code when av answered instead of the upstream.
     */
    record Response(String requestId, String subject, String service, int status, long requestBytes,
                    long responseBytes, int scrubbed, String code, long durationMillis) implements ProxyAuditEvent {
    }
}
