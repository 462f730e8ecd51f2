package dev.av.server.proxy;

import dev.av.audit.AuditBroker;
import dev.av.audit.AuditEvent;
import dev.av.audit.ProxyRequestInfo;
import dev.av.proxy.AccessRequest;
import dev.av.proxy.ProxyAuditEvent;
import dev.av.proxy.ProxyAuditSink;
import dev.av.registry.token.TokenEntry;
import java.util.List;

/**
 * Writes the proxy's entries through the {@link AuditBroker} (every enabled device, HMAC'd there):
 * a request entry before forwarding and a response entry after, each with a {@link ProxyRequestInfo}.
 * The broker fails closed by throwing, which the proxy turns into 503 {@code audit_unavailable}.
 */
final class BrokerAuditSink implements ProxyAuditSink {

    private final AuditBroker broker;

    BrokerAuditSink(AuditBroker broker) {
        this.broker = broker;
    }

    @Override
    public void record(ProxyAuditEvent event) {
        switch (event) {
            case ProxyAuditEvent.Request r -> broker.record(request(r).build());
            case ProxyAuditEvent.Response r -> broker.record(request(r.request()).build().toResponse()
                    .statusCode(r.status())
                    .error(r.code())
                    .proxy(info(r.request()).after(r.status(), r.requestBytes(), r.responseBytes()))
                    .build());
        }
    }

    private static AuditEvent.Builder request(ProxyAuditEvent.Request r) {
        AuditEvent.Builder b = AuditEvent.request(r.requestId())
                .operation(AccessRequest.capabilityOf(r.method()))
                .path(r.path() == null ? "proxy/" + r.host() : AccessRequest.policyPath(r.host(), r.path()))
                .mount("proxy/", "proxy", null)
                .remote(r.remote(), 0)
                .decision(r.decision().equals("allow") ? AuditEvent.Decision.allow(List.of())
                        : AuditEvent.Decision.deny(r.code(), List.of()))
                .proxy(info(r));
        if (r.principal() != null && r.principal().attachment() instanceof TokenEntry t) {
            b.auth(AuditEvent.Auth.of(null, t.accessor(), t.displayName(), t.policies()));
            b.actor(new AuditEvent.Actor(t.kind() == null ? null : t.kind().wire(), t.agent(), t.delegateUser(), t.delegationId(),
                    List.of(), null));
        }
        return b;
    }

    private static ProxyRequestInfo info(ProxyAuditEvent.Request r) {
        return ProxyRequestInfo.before(r.method(), r.host(), r.port(), r.path(), r.query(), r.service());
    }
}
