package dev.av.proxy;

/**
 * Port: turns the token from {@code Proxy-Authorization} into a principal. Called for the CONNECT
 * and again for every request inside a tunnel, so a revoked or expired token stops the next request.
 * Implementations are thread-safe and may block (they run off the event loop).
 */
public interface ProxyAuthenticator {

    /**
     * @throws ProblemException with {@link Problems#tokenInvalid()}, {@link Problems#tokenExpired()}
     *     or {@link Problems#sealed()} when the token cannot be used
     */
    ProxyPrincipal authenticate(String token);
}
