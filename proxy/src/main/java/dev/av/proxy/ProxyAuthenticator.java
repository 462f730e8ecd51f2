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

    /**
     * Counts one proxied request against the token's use limit ({@code num_uses}). Called once per
     * request inside a tunnel (not for the CONNECT), after the request was authorized and before a
     * credential is read or anything is forwarded. Tokens without a limit cost nothing here.
     *
     * @return true when this request spent the token's last use: the proxy answers it with
     *     {@code Connection: close} and calls {@link #lastUseDone} once the response is over
     * @throws ProblemException with {@link Problems#tokenUsesExhausted()} when no use is left
     */
    default boolean countUse(ProxyPrincipal principal) {
        return false;
    }

    /**
     * The synchronous fast path: the principal for {@code token} when it can be decided without
     * blocking (e.g. from a cache), or null when only {@link #authenticate} can tell. Must not block;
     * may throw the same problems as {@link #authenticate} when the cached state already decides.
     * The default never answers, so every request takes the blocking path.
     */
    default ProxyPrincipal authenticateIfCached(String token) {
        return null;
    }

    /**
     * True when {@link #countUse} for this principal returns without blocking (no use limit). The
     * default is conservative: false.
     */
    default boolean countsUseWithoutBlocking(ProxyPrincipal principal) {
        return false;
    }

    /** After the response to the request that spent the last use, e.g. to revoke the token. */
    default void lastUseDone(ProxyPrincipal principal) {
    }
}
