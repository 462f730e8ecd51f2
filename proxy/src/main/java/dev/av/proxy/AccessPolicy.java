package dev.av.proxy;

/**
 * Port: authorizes each request inside a tunnel (ACL, delegation/consent for OBO tokens, Cedar).
 * Thread-safe; may block (runs off the event loop). May throw {@link ProblemException}.
 */
public interface AccessPolicy {

    AccessDecision authorize(ProxyPrincipal principal, AccessRequest request);

    /**
     * True when {@link #authorize} for this principal answers from memory, without blocking, so the
     * proxy may call it on the event loop. The default is conservative: false.
     */
    default boolean decidesWithoutBlocking(ProxyPrincipal principal) {
        return false;
    }
}
