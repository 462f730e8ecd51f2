package dev.av.proxy;

/**
 * Audit entries of the proxy. No field holds a secret in clear: the client's token is a
 * {@link dev.av.core.Secret} (the devices HMAC it), the query is the client's, before injection.
 */
public sealed interface ProxyAuditEvent {

    String requestId();

    /**
     * Written before forwarding (or when refusing). {@code decision} is {@code allow} or {@code deny};
     * {@code code} is the problem code when denied. {@code principal} is null when authentication
     * failed; {@code path} is the normalised path, null when it could not be normalised.
     * {@code clientToken} is the token the client presented (null when none): each audit device
     * HMACs it, like an API request's token; it prints as {@code [redacted]}. {@code grantingPolicies}
     * are the ACL policies that allowed the request (empty when denied or unknown).
     */
    record Request(String requestId, ProxyPrincipal principal, String remote, String method, String scheme, String host,
                   int port, String path, String query, String service, String decision, String code,
                   dev.av.core.Secret clientToken, java.util.List<String> grantingPolicies)
            implements ProxyAuditEvent {

        public Request {
            grantingPolicies = grantingPolicies == null ? java.util.List.of() : java.util.List.copyOf(grantingPolicies);
        }

        /** Without the client token and granting policies (requests refused before authentication). */
        public Request(String requestId, ProxyPrincipal principal, String remote, String method, String scheme,
                       String host, int port, String path, String query, String service, String decision, String code) {
            this(requestId, principal, remote, method, scheme, host, port, path, query, service, decision, code, null,
                    java.util.List.of());
        }

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
