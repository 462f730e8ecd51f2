package dev.av.registry.oidc;

import dev.av.core.AvException;
import java.net.URI;
import java.util.Map;

/**
 * A trusted identity provider: tokens must be signed by a key from {@code jwksUrl} (or the inline
 * {@code jwksKeys} JWK set), carry {@code iss} = {@code issuer} and have {@code audience} in {@code aud}.
 * {@code userClaim} names the claim matched against a registry user's {@code oidc_subject}.
 */
public record OidcConfig(String issuer, String jwksUrl, String jwksKeys, String audience, String userClaim) {

    public OidcConfig {
        if (issuer == null || issuer.isBlank()) {
            throw AvException.badRequest("\"issuer\" is required");
        }
        if (audience == null || audience.isBlank()) {
            throw AvException.badRequest("\"audience\" is required");
        }
        boolean hasUrl = jwksUrl != null && !jwksUrl.isBlank();
        boolean hasKeys = jwksKeys != null && !jwksKeys.isBlank();
        if (hasUrl == hasKeys) {
            throw AvException.badRequest("give exactly one of \"jwks_url\" and \"jwks_keys\"");
        }
        if (hasUrl) {
            try {
                URI u = URI.create(jwksUrl.trim());
                if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw AvException.badRequest("\"jwks_url\" must be an http(s) URL");
            }
        }
        userClaim = userClaim == null || userClaim.isBlank() ? "sub" : userClaim.trim();
        jwksUrl = hasUrl ? jwksUrl.trim() : null;
        jwksKeys = hasKeys ? jwksKeys : null;
    }

    /** Reads {@code issuer}, {@code jwks_url} or {@code jwks_keys} (a JWK set as JSON text or object), {@code audience}, {@code user_claim}. */
    public static OidcConfig parse(Map<String, ?> data) {
        for (String k : data.keySet()) {
            if (!java.util.Set.of("issuer", "jwks_url", "jwks_keys", "audience", "user_claim").contains(k)) {
                throw AvException.badRequest("unknown field \"" + k + "\"; expected issuer, jwks_url, jwks_keys, audience, user_claim");
            }
        }
        Object keys = data.get("jwks_keys");
        String keysText = null;
        if (keys instanceof Map<?, ?> m) {
            try {
                keysText = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw AvException.badRequest("\"jwks_keys\" is not a JWK set");
            }
        } else if (keys != null) {
            keysText = keys.toString();
        }
        if (keysText != null && !keysText.isBlank()) {
            try {
                com.nimbusds.jose.jwk.JWKSet.parse(keysText);
            } catch (java.text.ParseException e) {
                throw AvException.badRequest("\"jwks_keys\" is not a JWK set: " + e.getMessage());
            }
        }
        return new OidcConfig(str(data, "issuer"), str(data, "jwks_url"), keysText, str(data, "audience"),
                str(data, "user_claim"));
    }

    private static String str(Map<String, ?> data, String k) {
        Object v = data.get(k);
        return v == null ? null : v.toString();
    }
}
