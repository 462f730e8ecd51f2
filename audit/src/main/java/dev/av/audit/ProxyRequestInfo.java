package dev.av.audit;

/**
 * What the proxy adds to an entry for a proxied request. {@code path} is the normalised path (no
 * query); {@code query} is kept apart because query strings may carry secrets, and devices hash
 * it. {@code upstreamStatus} is 0 and the byte counts are -1 in the request entry (not yet known).
 *
 * @param service the proxy service whose credential was injected, or null when none was
 */
public record ProxyRequestInfo(String method, String host, int port, String path, String query,
                               int upstreamStatus, long bytesSent, long bytesReceived, String service) {

    /** For the request entry, before forwarding. */
    public static ProxyRequestInfo before(String method, String host, int port, String path, String query,
                                          String service) {
        return new ProxyRequestInfo(method, host, port, path, query, 0, -1, -1, service);
    }

    /** The same request once the upstream answered. */
    public ProxyRequestInfo after(int upstreamStatus, long bytesSent, long bytesReceived) {
        return new ProxyRequestInfo(method, host, port, path, query, upstreamStatus, bytesSent, bytesReceived,
                service);
    }

    @Override
    public String toString() {
        return "ProxyRequestInfo[" + method + " " + host + ":" + port + path + "]";
    }
}
