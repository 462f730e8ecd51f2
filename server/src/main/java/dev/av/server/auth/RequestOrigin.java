package dev.av.server.auth;

/**
 * Where a request comes from, for Cedar's context: the client's address (API requests), and for
 * requests through the proxy the upstream HTTP method and host. Any part may be null when unknown.
 */
public record RequestOrigin(String remoteAddress, String httpMethod, String host) {

    /** Nothing known (internal checks). */
    public static final RequestOrigin NONE = new RequestOrigin(null, null, null);

    /** An API request from {@code remoteAddress}. */
    public static RequestOrigin api(String remoteAddress) {
        return new RequestOrigin(remoteAddress, null, null);
    }

    /** A request through the proxy: {@code method} to {@code host}. */
    public static RequestOrigin proxied(String remoteAddress, String method, String host) {
        return new RequestOrigin(remoteAddress, method, host);
    }
}
