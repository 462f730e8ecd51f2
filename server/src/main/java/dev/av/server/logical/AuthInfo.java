package dev.av.server.logical;

import java.util.List;
import java.util.Map;

/**
 * The {@code auth} block of a response that issues a token (Vault's {@code logical.Auth} as rendered).
 * {@code clientToken} is shown to the caller once; toString never prints it.
 */
public record AuthInfo(
        String clientToken,
        String accessor,
        List<String> policies,
        List<String> tokenPolicies,
        Map<String, String> metadata,
        long leaseDuration,
        boolean renewable,
        String tokenType,
        boolean orphan,
        int numUses,
        String entityId) {

    @Override
    public String toString() {
        return "AuthInfo[accessor=" + accessor + ", policies=" + policies + "]";
    }
}
