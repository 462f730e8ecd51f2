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
 *
 * <p>Use limits: a token with {@code num_uses} is charged one use per proxied request through
 * {@link TokenStore#use}, the same counter the API uses (tokens without a limit never touch the
 * database here). After the response to its last use it is revoked like an API token, and its hash
 * is remembered for a while so that a later CONNECT with it says {@code token_uses_exhausted}
 * rather than just {@code token_invalid}.
 */
final class TokenAuthenticator implements ProxyAuthenticator {

    static final Duration CACHE_TTL = Duration.ofSeconds(2);
    static final Duration SPENT_MEMORY = Duration.ofMinutes(10);
    private static final int MAX_ENTRIES = 10_000;

    private record Cached(ProxyPrincipal principal, TokenEntry entry, Instant until) {
    }

    private final TokenStore tokens;
    private final Barrier barrier;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> spent = new ConcurrentHashMap<>();

    TokenAuthenticator(TokenStore tokens, Barrier barrier, Clock clock) {
        this.tokens = tokens;
        this.barrier = barrier;
        this.clock = clock;
    }

    @Override
    public ProxyPrincipal authenticate(String token) {
        ProxyPrincipal cached = authenticateIfCached(token);
        if (cached != null) {
            return cached;
        }
        Instant now = clock.instant();
        String hash = TokenStore.hash(token);
        TokenEntry entry = tokens.lookup(token).orElse(null);
        if (entry == null) {
            Instant spentAt = spent.get(hash);
            throw (spentAt != null && now.isBefore(spentAt.plus(SPENT_MEMORY)) ? Problems.tokenUsesExhausted() : Problems.tokenInvalid())
                    .exception();
        }
        String subject = entry.agent() != null ? entry.agent() : entry.displayName();
        ProxyPrincipal p = new ProxyPrincipal(entry.accessor(), subject, entry);
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(hash, new Cached(p, entry, now.plus(CACHE_TTL)));
        return p;
    }

    /** The fast path: the cached principal (expiry checked as in {@link #authenticate}), null on a miss; never blocks. */
    @Override
    public ProxyPrincipal authenticateIfCached(String token) {
        if (barrier.isSealed()) {
            throw Problems.sealed().exception();
        }
        Instant now = clock.instant();
        String hash = TokenStore.hash(token);
        Cached c = cache.get(hash);
        if (c == null || !now.isBefore(c.until())) {
            return null;
        }
        if (c.entry().isExpired(now)) {
            cache.remove(hash);
            throw Problems.tokenExpired().exception();
        }
        return c.principal();
    }

    /** Tokens with a use limit are charged through the database ({@link TokenStore#use}). */
    @Override
    public boolean countsUseWithoutBlocking(ProxyPrincipal principal) {
        return ((TokenEntry) principal.attachment()).numUses() == 0;
    }

    @Override
    public boolean countUse(ProxyPrincipal principal) {
        TokenEntry entry = (TokenEntry) principal.attachment();
        if (entry.numUses() == 0) {
            return false;
        }
        TokenStore.Use use = tokens.use(entry);
        if (!use.allowed()) {
            remember(entry.id());
            throw Problems.tokenUsesExhausted().exception();
        }
        if (use.lastUse()) {
            remember(entry.id());
        }
        return use.lastUse();
    }

    @Override
    public void lastUseDone(ProxyPrincipal principal) {
        tokens.revokeTree((TokenEntry) principal.attachment());
    }

    private void remember(String idHash) {
        if (spent.size() >= MAX_ENTRIES) {
            spent.clear();
        }
        spent.put(idHash, clock.instant());
        cache.remove(idHash);
    }

    /** Forgets a revoked token (by its id, the hash). */
    void forget(String idHash) {
        cache.remove(idHash);
    }
}
