package dev.av.proxy.internal;

import dev.av.proxy.ProxyPrincipal;
import dev.av.proxy.ServiceRule;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * The outcome of planning one authorized request: where to send it and how to rewrite it. Holds
 * secret values (injected headers, replacement rules): never log it.
 *
 * @param uri the origin-form target sent upstream (normalised path, substitutions and query injection applied)
 * @param setHeaders headers that replace whatever the client sent under the same names
 * @param headerRules placeholder swaps for header values
 * @param bodyRules placeholder swaps for the request body (empty: the body streams unchanged)
 * @param scrubRules echoes of injected secrets to mask in the response
 * @param tls the upstream TLS context, null for plain http
 * @param audit the request entry written before forwarding
 * @param lastUse this request spent the token's last use ({@code num_uses}): close the connection
 *     after the response and tell the authenticator
 * @param recorded when the request entry was handed to the audit sink without waiting (fast path with
 *     audit devices): completes when it is recorded; the request must not be forwarded before it
 *     completed normally. Null when the entry was recorded before the plan was returned.
 */
record Plan(String requestId, ProxyPrincipal principal, ServiceRule service, String scheme, String host, int port,
            String uri, List<Map.Entry<String, String>> setHeaders, List<StreamReplacer.Rule> headerRules,
            StreamReplacer.Table bodyRules, StreamReplacer.Table scrubRules, InetAddress address,
            SslContext tls, dev.av.proxy.ProxyAuditEvent.Request audit, boolean lastUse,
            java.util.concurrent.CompletableFuture<Void> recorded) {

    Plan withRecorded(java.util.concurrent.CompletableFuture<Void> future) {
        return new Plan(requestId, principal, service, scheme, host, port, uri, setHeaders, headerRules, bodyRules, scrubRules,
                address, tls, audit, lastUse, future);
    }

    @Override
    public String toString() {
        return "Plan[" + requestId + " " + service.name() + " " + host + ":" + port + "]";
    }
}
