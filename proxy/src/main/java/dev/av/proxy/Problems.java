package dev.av.proxy;

/**
 * The stable problem codes of the proxy, with their status. Ports throw these (through
 * {@link Problem#exception()}) so that every refusal reaches the agent in the same shape.
 */
public final class Problems {

    private Problems() {
    }

    public static Problem proxyAuthRequired() {
        return Problem.of(407, "proxy_auth_required", "Proxy authentication required",
                "send the agent, session or ephemeral token in Proxy-Authorization (Basic with the token as password, or Bearer)",
                "run the command under `av run`, or set HTTPS_PROXY from `av proxy env`");
    }

    public static Problem tokenInvalid() {
        return Problem.of(407, "token_invalid", "Token not accepted", "the proxy token is unknown, expired or revoked",
                "obtain a new session token (`av run` creates one)");
    }

    public static Problem tokenExpired() {
        return Problem.of(407, "token_expired", "Token expired", "the proxy token has expired",
                "obtain a new session token (`av run` creates one)");
    }

    public static Problem sealed() {
        return Problem.of(407, "sealed", "av is sealed", "the server is sealed; no token can be checked until it is unsealed",
                "ask an operator to unseal av");
    }

    public static Problem noService(String host, int port) {
        return Problem.of(403, "no_service", "No service for this host",
                "no proxy service is configured for " + host + ":" + port,
                "list the services you may use with GET /v1/proxy/discover");
    }

    public static Problem plaintextNotAllowed(String host) {
        return Problem.of(403, "plaintext_not_allowed", "Plain HTTP not allowed",
                "the service for " + host + " is bound to https; credentials are never sent over plain http",
                "use https://" + host + " through the proxy (CONNECT)");
    }

    public static Problem methodNotAllowed(String service, String method) {
        return Problem.of(403, "method_not_allowed", "Method not allowed by the service",
                "service " + service + " does not allow method " + method, "use one of the service's methods (see /v1/proxy/discover)");
    }

    public static Problem pathNotAllowed(String service, String path) {
        return Problem.of(403, "path_not_allowed", "Path not allowed by the service",
                "service " + service + " does not allow path " + path, "use one of the service's paths (see /v1/proxy/discover)");
    }

    public static Problem policyDenied(String policyPath, String capability, String reason, String suggestion) {
        return Problem.of(403, "policy_denied", "Denied by policy",
                capability + " on " + policyPath + " is not allowed" + (reason == null ? "" : ": " + reason),
                suggestion != null ? suggestion
                        : "ask for a policy granting \"" + capability + "\" on \"" + policyPath + "\"");
    }

    public static Problem badPath(String why) {
        return Problem.of(400, "bad_path", "Request path refused", why,
                "send a plain path without encoded slashes, dots or backslashes");
    }

    public static Problem badRequest(String code, String why, String suggestion) {
        return Problem.of(400, code, "Bad request", why, suggestion);
    }

    public static Problem egressDenied(String host) {
        return Problem.of(403, "egress_denied", "Upstream address not allowed",
                host + " resolves to an address the proxy may not dial (loopback, private, link-local, metadata ...)",
                "ask an operator to add the range to proxy/settings upstream_allow_cidrs");
    }

    public static Problem credentialUnavailable(String service, String why) {
        return Problem.of(503, "credential_unavailable", "Credential unavailable",
                "the credential for service " + service + " could not be read: " + why,
                "ask an operator to check the service's credential and your access to it");
    }

    public static Problem upstreamUnreachable(String host, String why) {
        return Problem.of(502, "upstream_unreachable", "Upstream unreachable", host + ": " + why, "retry later");
    }

    public static Problem upstreamTls(String host, String why) {
        return Problem.of(502, "upstream_tls_failed", "Upstream TLS verification failed", host + ": " + why,
                "ask an operator to set upstream_ca for the service if the upstream uses a private CA");
    }

    public static Problem upstreamTimeout(String host) {
        return Problem.of(504, "upstream_timeout", "Upstream timed out", host + " did not answer in time", "retry later");
    }

    public static Problem upstreamEncoding(String host, String encoding) {
        return Problem.of(502, "upstream_encoding_unsupported", "Upstream response encoding not supported",
                host + " answered with Content-Encoding " + encoding + ", which av cannot scan for echoed secrets, so it was not forwarded",
                "ask an operator to configure the upstream to honour Accept-Encoding: identity (or gzip/deflate)");
    }

    public static Problem tokenUsesExhausted() {
        return Problem.of(407, "token_uses_exhausted", "Token used up",
                "the proxy token had a limited number of uses (num_uses) and all of them are spent",
                "obtain a new token (an ephemeral token with a larger num_uses, or a session token from `av run`)");
    }

    public static Problem auditUnavailable() {
        return Problem.of(503, "audit_unavailable", "Audit unavailable",
                "the request could not be audited, so it was not forwarded", "retry later");
    }

    /** A CONNECT (or an extended CONNECT, as WebSocket over HTTP/2 uses) sent inside an HTTP/2 tunnel. */
    public static Problem connectInTunnel() {
        return Problem.of(405, "connect_in_tunnel", "CONNECT inside a tunnel not supported",
                "CONNECT, and WebSocket over HTTP/2 (extended CONNECT), are not supported inside a tunnel",
                "open WebSockets over HTTP/1.1: the tunnel offers http/1.1 in ALPN");
    }

    public static Problem misdirected(String host) {
        return Problem.of(421, "misdirected_request", "Misdirected request",
                "the Host header (:authority in HTTP/2) does not name the tunnel's host " + host, "open a tunnel (CONNECT) to the host you call");
    }

    public static Problem internal() {
        return Problem.of(500, "internal", "Internal proxy error", "the proxy failed to handle the request", "retry later");
    }
}
