package dev.av.registry.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.av.core.AvException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verifies a human's IdP token (an OIDC JWT) against the configured issuer: signature by a key from
 * the issuer's JWKS (fetched and cached), {@code iss}, {@code aud}, {@code exp}/{@code nbf} (60 s skew).
 * Thread-safe; the processor is rebuilt when the configuration changes.
 */
public final class OidcVerifier {

    /** A verified token: the value of the configured user claim, and the claims. */
    public record Verified(String user, String subject, Map<String, Object> claims) {
    }

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private record Built(OidcConfig config, ConfigurableJWTProcessor<SecurityContext> processor) {
    }

    private final OidcConfigStore store;
    private final AtomicReference<Built> built = new AtomicReference<>();

    public OidcVerifier(OidcConfigStore store) {
        this.store = store;
    }

    /** Drops the cached processor (call after the configuration changed). */
    public void reset() {
        built.set(null);
    }

    public Verified verify(String jwt) {
        if (jwt == null || jwt.isBlank()) {
            throw AvException.badRequest("subject_token is required");
        }
        Built b = current();
        JWTClaimsSet claims;
        try {
            claims = b.processor().process(jwt.trim(), null);
        } catch (ParseException e) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED, "subject_token is not a JWT");
        } catch (com.nimbusds.jose.JOSEException | com.nimbusds.jose.proc.BadJOSEException e) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED, "subject_token was refused: " + safe(e.getMessage()));
        } catch (RuntimeException e) {
            throw new AvException(AvException.Kind.UNAVAILABLE, "cannot verify subject_token: the issuer's keys are unavailable");
        }
        Object user = claims.getClaim(b.config().userClaim());
        if (user == null || user.toString().isBlank()) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED,
                    "subject_token has no \"" + b.config().userClaim() + "\" claim");
        }
        return new Verified(user.toString(), claims.getSubject(), claims.getClaims());
    }

    private Built current() {
        OidcConfig config = store.find().orElseThrow(() -> new AvException(AvException.Kind.BAD_REQUEST,
                "no identity provider is configured: write auth/oidc/config first"));
        Built b = built.get();
        if (b != null && b.config().equals(config)) {
            return b;
        }
        Built fresh = new Built(config, processor(config));
        built.set(fresh);
        return fresh;
    }

    private static ConfigurableJWTProcessor<SecurityContext> processor(OidcConfig config) {
        JWKSource<SecurityContext> keys;
        if (config.jwksUrl() != null) {
            try {
                keys = JWKSourceBuilder.<SecurityContext>create(URI.create(config.jwksUrl()).toURL(),
                                new DefaultResourceRetriever(3000, 3000, 512 * 1024))
                        .retrying(true).build();
            } catch (MalformedURLException e) {
                throw AvException.badRequest("\"jwks_url\" must be an http(s) URL");
            }
        } else {
            try {
                keys = new ImmutableJWKSet<>(JWKSet.parse(config.jwksKeys()));
            } catch (ParseException e) {
                throw AvException.badRequest("\"jwks_keys\" is not a JWK set");
            }
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(config.audience(),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(), Set.of("exp", "iss", "aud"));
        claims.setMaxClockSkew(60);
        p.setJWTClaimsSetVerifier(claims);
        return p;
    }

    private static String safe(String message) {
        if (message == null) {
            return "invalid token";
        }
        return message.length() > 160 ? message.substring(0, 160) : message;
    }
}
