package dev.av.server.proxy;

import dev.av.audit.AuditBroker;
import dev.av.audit.AuditEvent;
import dev.av.audit.ProxyRequestInfo;
import dev.av.proxy.AccessRequest;
import dev.av.proxy.ProxyAuditEvent;
import dev.av.proxy.ProxyAuditSink;
import dev.av.registry.agent.Delegation;
import dev.av.registry.agent.DelegationStore;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import java.util.List;

/**
 * Writes the proxy's entries through the {@link AuditBroker} (every enabled device, HMAC'd there):
 * a request entry before forwarding and a response entry after, each with a {@link ProxyRequestInfo}.
 * Like an API request's entries they carry the client token and its accessor (HMAC'd by each
 * device), the token's policies and the granting ones, the agent, and when it acts on behalf of a
 * user the delegate, delegation and consent scopes, and an ephemeral token's accessor.
 * The broker fails closed by throwing, which the proxy turns into 503 {@code audit_unavailable}.
 */
final class BrokerAuditSink implements ProxyAuditSink {

    private final AuditBroker broker;
    private final DelegationStore delegations;
    /** An allowed request was recorded: the broker's persisted devices were loaded then (av unsealed). */
    private volatile boolean primed;

    /** {@code delegations} gives the consent scopes of on-behalf-of tokens; null leaves them out. */
    BrokerAuditSink(AuditBroker broker, DelegationStore delegations) {
        this.broker = broker;
        this.delegations = delegations;
    }

    @Override
    public void record(ProxyAuditEvent event) {
        broker.record(entry(event));
        if (!primed && event instanceof ProxyAuditEvent.Request r && r.decision().equals("allow")) {
            primed = true;
        }
    }

    /**
     * The broker formats the entry on this thread and its devices' writer threads write it; the
     * future completes when every device answered (fail closed, as {@link #record}). Never called
     * for on-behalf-of tokens on the event loop (their consent scopes are read from the database):
     * the proxy plans those off the loop.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Void> recordAsync(ProxyAuditEvent event) {
        try {
            return broker.recordAsync(entry(event));
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    private AuditEvent entry(ProxyAuditEvent event) {
        return switch (event) {
            case ProxyAuditEvent.Request r -> request(r).build();
            case ProxyAuditEvent.Response r -> request(r.request()).build().toResponse()
                    .statusCode(r.status())
                    .error(r.code())
                    .proxy(info(r.request()).after(r.status(), r.requestBytes(), r.responseBytes()))
                    .build();
        };
    }

    /**
     * True when no audit device is enabled (and the persisted ones were loaded): then the broker only
     * hands the entry to in-memory followers, so a proxied request may be planned on the event loop.
     * With any device enabled {@code record} waits for every device (fail closed): never on the loop.
     */
    @Override
    public boolean recordsWithoutBlocking() {
        return primed && broker.devices().isEmpty();
    }

    /**
     * True once the persisted devices are loaded: every device writes on its own writer thread, so
     * {@link #recordAsync} only formats the entry on the caller's thread (HMACs included).
     */
    @Override
    public boolean recordsAsync() {
        return primed;
    }

    private AuditEvent.Builder request(ProxyAuditEvent.Request r) {
        AuditEvent.Builder b = AuditEvent.request(r.requestId())
                .operation(AccessRequest.capabilityOf(r.method()))
                .path(r.path() == null ? "proxy/" + r.host() : AccessRequest.policyPath(r.host(), r.path()))
                .mount("proxy/", "proxy", null)
                .remote(r.remote(), 0)
                .decision(r.decision().equals("allow") ? AuditEvent.Decision.allow(r.grantingPolicies())
                        : AuditEvent.Decision.deny(r.code(), List.of()))
                .proxy(info(r));
        String token = r.clientToken() == null ? null : r.clientToken().reveal();
        if (r.principal() != null && r.principal().attachment() instanceof TokenEntry t) {
            b.auth(AuditEvent.Auth.of(token, t.accessor(), t.displayName(), t.policies()));
            List<String> scopes = List.of();
            if (t.delegationId() != null && delegations != null && !broker.devices().isEmpty()) {
                scopes = delegations.find(t.delegationId()).map(Delegation::scopes).orElse(List.of());
            }
            b.actor(new AuditEvent.Actor(t.kind() == null ? null : t.kind().wire(), t.agent(), t.delegateUser(),
                    t.delegationId(), scopes, t.kind() == TokenKind.EPHEMERAL ? t.accessor() : null));
        } else if (token != null) {
            // refused before a token entry was found (invalid, expired): the presented token, HMAC'd
            b.auth(AuditEvent.Auth.of(token, null, null, List.of()));
        }
        return b;
    }

    private static ProxyRequestInfo info(ProxyAuditEvent.Request r) {
        return ProxyRequestInfo.before(r.method(), r.host(), r.port(), r.path(), r.query(), r.service());
    }
}
