package dev.av.registry.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.testing.TestDatabase;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies IdP tokens issued by a real OIDC server (mock-oauth2-server) running on loopback. */
class OidcVerifierTest {

    private static MockOAuth2Server idp;

    @BeforeAll
    static void startIdp() {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stopIdp() {
        idp.shutdown();
    }

    private static OidcConfigStore store(TestDatabase db) {
        Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load().migrate();
        OidcConfigStore store = new OidcConfigStore(db.dataSource(), Clock.systemUTC());
        store.save(OidcConfig.parse(Map.of("issuer", idp.issuerUrl("corp").toString(),
                "jwks_url", idp.jwksUrl("corp").toString(), "audience", "av")));
        return store;
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aTokenFromTheConfiguredIssuerForOurAudienceIsAccepted(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            OidcVerifier verifier = new OidcVerifier(store(db));
            String jwt = idp.issueToken("corp", "alice@example.com", "av").serialize();
            OidcVerifier.Verified v = verifier.verify(jwt);
            assertThat(v.user()).isEqualTo("alice@example.com");
            assertThat(v.subject()).isEqualTo("alice@example.com");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void wrongAudienceOtherIssuerExpiryAndTamperingAreRefused(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            OidcVerifier verifier = new OidcVerifier(store(db));
            assertThatThrownBy(() -> verifier.verify(idp.issueToken("corp", "alice@example.com", "someone-else").serialize()))
                    .isInstanceOfSatisfying(AvException.class, e -> assertThat(e.kind()).isEqualTo(AvException.Kind.PERMISSION_DENIED));
            assertThatThrownBy(() -> verifier.verify(idp.issueToken("other", "alice@example.com", "av").serialize()))
                    .isInstanceOf(AvException.class).hasMessageContaining("subject_token was refused");
            assertThatThrownBy(() -> verifier.verify(idp.issueToken("corp", "alice@example.com", "av", Map.of(), -600).serialize()))
                    .hasMessageContaining("subject_token was refused");
            String good = idp.issueToken("corp", "alice@example.com", "av").serialize();
            String[] parts = good.split("\\.");
            String forged = idp.issueToken("corp", "mallory@example.com", "av").serialize().split("\\.")[1];
            assertThatThrownBy(() -> verifier.verify(parts[0] + "." + forged + "." + parts[2]))
                    .hasMessageContaining("subject_token was refused");
            assertThatThrownBy(() -> verifier.verify("not-a-jwt")).hasMessageContaining("not a JWT");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void configurationIsValidatedAndInlineKeysWork(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            OidcConfigStore store = store(db);
            assertThatThrownBy(() -> OidcConfig.parse(Map.of("issuer", "x", "audience", "av")))
                    .hasMessageContaining("exactly one of");
            assertThatThrownBy(() -> OidcConfig.parse(Map.of("issuer", "x", "audience", "av", "jwks_url", "ftp://x/")))
                    .hasMessageContaining("http(s) URL");
            assertThatThrownBy(() -> OidcConfig.parse(Map.of("issuer", "x", "audience", "av", "jwks_keys", "{nope")))
                    .hasMessageContaining("not a JWK set");
            String jwks;
            try (var in = idp.jwksUrl("corp").url().openStream()) {
                jwks = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            store.save(OidcConfig.parse(Map.of("issuer", idp.issuerUrl("corp").toString(), "jwks_keys", jwks,
                    "audience", "av", "user_claim", "email")));
            OidcVerifier verifier = new OidcVerifier(store);
            String jwt = idp.issueToken("corp", "u-123", "av", Map.of("email", "alice@example.com")).serialize();
            assertThat(verifier.verify(jwt).user()).isEqualTo("alice@example.com");
            assertThatThrownBy(() -> verifier.verify(idp.issueToken("corp", "u-123", "av").serialize()))
                    .hasMessageContaining("no \"email\" claim");
        }
    }
}
