package dev.av.proxy;

/**
 * Who sends a proxied request, as the {@link ProxyAuthenticator} established it.
 *
 * @param sessionId identifies the token (e.g. its accessor); open connections are grouped by it so
 *     that {@link ProxyServer#closeSession(String)} can cut them on revocation. Not a secret.
 * @param subject the agent (or user) name, for audit, caching and error messages
 * @param attachment opaque to the proxy; the adapters behind the other ports read it (e.g. the
 *     server's token entry, so the token is looked up once per request)
 */
public record ProxyPrincipal(String sessionId, String subject, Object attachment) {

    @Override
    public String toString() {
        return "ProxyPrincipal[" + subject + "]";
    }
}
