package dev.av.server.proxy;

import dev.av.proxy.Problems;
import dev.av.proxy.ProxyAuthenticator;
import dev.av.proxy.ProxyPrincipal;
import dev.av.registry.keyring.Barrier;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's {@link ProxyAuthenticator} over the {@link TokenStore}: one lookup per request at most;
 * entries are cached briefly ({@link #CACHE_TTL}) by token hash and dropped at once when the token is
 * revoked (the revocation listener also closes the session's open connections). Expiry is checked
 * on every request against the cached entry. The principal's {@code sessionId} is the accessor.
 */
final class TokenAuthenticator implements ProxyAuthenticator {

    static final Duration CACHE_TTL = Duration.ofSeconds(2);
    private static final int MAX_ENTRIES = 10_000;

    private record Cached(ProxyPrincipal principal, TokenEntry entry, Instant until) {
    }

    private final TokenStore tokens;
    private final Barrier barrier;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    TokenAuthenticator(TokenStore tokens, Barrier barrier, Clock clock) {
        this.tokens = tokens;
        this.barrier = barrier;
        this.clock = clock;
    }

    @Override
    public ProxyPrincipal authenticate(String token) {
        if (barrier.isSealed()) {
            throw Problems.sealed().exception();
        }
        Instant now = clock.instant();
        String hash = TokenStore.hash(token);
        Cached c = cache.get(hash);
        if (c != null && now.isBefore(c.until())) {
            if (c.entry().isExpired(now)) {
                cache.remove(hash);
                throw Problems.tokenExpired().exception();
            }
            return c.principal();
        }
        TokenEntry entry = tokens.lookup(token).orElseThrow(() -> Problems.tokenInvalid().exception());
        String subject = entry.agent() != null ? entry.agent() : entry.displayName();
        ProxyPrincipal p = new ProxyPrincipal(entry.accessor(), subject, entry);
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(hash, new Cached(p, entry, now.plus(CACHE_TTL)));
        return p;
    }

    /** Forgets a revoked token (by its id, the hash). */
    void forget(String idHash) {
        cache.remove(idHash);
    }
}
