package dev.av.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where and how to reach av. Read once at the edge ({@link #fromEnvironment}), then passed in.
 *
 * <ul>
 *   <li>{@code AV_ADDR}: the API address, default {@value #DEFAULT_ADDRESS};</li>
 *   <li>{@code AV_TOKEN}: the token; else the token helper file ({@link TokenHelper});</li>
 *   <li>{@code AV_CACERT}: a PEM file of CA certificates to trust for {@code https} addresses;</li>
 *   <li>{@code AV_SKIP_VERIFY}: {@code true} turns off TLS verification (tests only);</li>
 *   <li>{@code AV_CLIENT_TIMEOUT}: how long to wait for an answer, default 60s (Vault's syntax).</li>
 * </ul>
 */
public record ClientConfig(String address, String token, Path caCert, boolean skipVerify, Duration timeout) {

    public static final String DEFAULT_ADDRESS = "http://127.0.0.1:14321";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public ClientConfig {
        address = address == null || address.isBlank() ? DEFAULT_ADDRESS : address.strip();
        token = token == null || token.isBlank() ? null : token.strip();
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** Defaults: the default address, no token. */
    public static ClientConfig defaults() {
        return new ClientConfig(null, null, null, false, null);
    }

    /** From environment variables, falling back to the token helper file under {@code home}. */
    public static ClientConfig fromEnvironment(Map<String, String> env, Path home) {
        String token = env.get("AV_TOKEN");
        if (token == null || token.isBlank()) {
            token = TokenHelper.forEnvironment(env, home).get().orElse(null);
        }
        String ca = env.get("AV_CACERT");
        Duration timeout = null;
        String t = env.get("AV_CLIENT_TIMEOUT");
        if (t != null && !t.isBlank()) {
            timeout = dev.av.core.Durations.parse("AV_CLIENT_TIMEOUT", t);
        }
        return new ClientConfig(env.get("AV_ADDR"), token,
                ca == null || ca.isBlank() ? null : Path.of(ca),
                "true".equalsIgnoreCase(env.get("AV_SKIP_VERIFY")) || "1".equals(env.get("AV_SKIP_VERIFY")),
                timeout);
    }

    public ClientConfig withAddress(String newAddress) {
        return new ClientConfig(newAddress, token, caCert, skipVerify, timeout);
    }

    public ClientConfig withToken(String newToken) {
        return new ClientConfig(address, newToken, caCert, skipVerify, timeout);
    }

    @Override
    public String toString() {
        return "ClientConfig[address=" + address + ", token=" + (token == null ? "none" : "***")
                + ", caCert=" + caCert + ", skipVerify=" + skipVerify + ", timeout=" + timeout + "]";
    }
}
