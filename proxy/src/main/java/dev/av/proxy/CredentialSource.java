package dev.av.proxy;

/**
 * Port: reads the secret at {@code path} on behalf of the principal (the server mints a per-request
 * ephemeral token for it). The proxy caches the result per subject and path until its TTL ends.
 * Thread-safe; may block. Throws {@link ProblemException} ({@code credential_unavailable}) on failure.
 */
public interface CredentialSource {

    SecretData read(ProxyPrincipal principal, String path);
}
