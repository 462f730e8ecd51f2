package dev.av.proxy;

/** Audit entries of the proxy. No field holds a secret (the query is the client's, before injection). */
public sealed interface ProxyAuditEvent {

    String requestId();

    /**
     * Written before forwarding (or when refusing). {@code decision} is {@code allow} or {@code deny};
     * {@code code} is the problem code when denied. {@code principal} is null when authentication
     * failed; {@code path} is the normalised path, null when it could not be normalised.
     */
    record Request(String requestId, ProxyPrincipal principal, String remote, String method, String scheme, String host,
                   int port, String path, String query, String service, String decision, String code)
            implements ProxyAuditEvent {

        public String subject() {
            return principal == null ? null : principal.subject();
        }
    }

    /**
     * Written after the exchange: the status the agent got, bytes sent upstream and back, how many
     * echoed secrets were scrubbed, and a code when av answered or cut the exchange.
     */
    record Response(Request request, int status, long requestBytes, long responseBytes, int scrubbed, String code,
                    long durationMillis) implements ProxyAuditEvent {

        @Override
        public String requestId() {
            return request.requestId();
        }
    }
}
