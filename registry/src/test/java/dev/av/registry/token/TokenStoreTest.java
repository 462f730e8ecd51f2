package dev.av.registry.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TokenStoreTest {

    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");

    private TokenStore store(TestDatabase db) {
        Database.migrate(db.dataSource());
        return new TokenStore(db.dataSource(), clock);
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void tokensAreStoredOnlyAsHashesAndLookUpByStringOrAccessor(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            TokenStore s = store(db);
            IssuedToken root = s.createRoot(null, "root");
            assertThat(root.token()).startsWith("avs.").hasSizeGreaterThan(30);
            IssuedToken child = s.create(TokenRequest.builder().policies(List.of("dev")).meta(Map.of("user", "alice"))
                    .build(), root.entry(), true);
            assertThat(s.lookup(child.token())).get().satisfies(e -> {
                assertThat(e.policies()).containsExactly("default", "dev");
                assertThat(e.meta()).containsEntry("user", "alice");
                assertThat(e.parentId()).isEqualTo(root.entry().id());
            });
            assertThat(s.lookupAccessor(child.entry().accessor())).isPresent();
            try (var c = db.dataSource().getConnection(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT id_hash FROM av_tokens")) {
                while (rs.next()) {
                    assertThat(rs.getString(1)).isNotEqualTo(child.token()).hasSize(64);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void ttlArithmeticFollowsVault(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            TokenStore s = store(db);
            TokenEntry root = s.createRoot(null, null).entry();
            assertThat(root.expireAt()).isNull();
            assertThat(root.renewable()).isFalse();
            // a child of root without policies is a root token and, like Vault's, never expires
            TokenEntry rootChild = s.create(TokenRequest.builder().build(), root, true).entry();
            assertThat(rootChild.policies()).containsExactly("root");
            assertThat(rootChild.expireAt()).isNull();
            // no ttl: the system default (768h)
            TokenEntry plain = s.create(TokenRequest.builder().policies(List.of("dev")).build(), root, true).entry();
            assertThat(plain.creationTtl()).isEqualTo(Duration.ofHours(768));
            // explicit max caps the ttl, with a warning
            IssuedToken capped = s.create(TokenRequest.builder().policies(List.of("dev")).ttl(Duration.ofHours(2))
                    .explicitMaxTtl(Duration.ofHours(1)).build(), root, true);
            assertThat(capped.entry().creationTtl()).isEqualTo(Duration.ofHours(1));
            assertThat(capped.warnings()).anyMatch(w -> w.contains("capped"));
            // renewing: increment honoured, then capped by explicit max, then past the max
            TokenEntry t = s.create(TokenRequest.builder().policies(List.of("dev")).ttl(Duration.ofMinutes(10))
                    .explicitMaxTtl(Duration.ofMinutes(30)).build(), root, true).entry();
            clock.advance(Duration.ofMinutes(5));
            TokenStore.Renewed r1 = s.renew(t, Duration.ofMinutes(10));
            assertThat(r1.entry().ttlSeconds(clock.instant())).isEqualTo(600);
            clock.advance(Duration.ofMinutes(15));
            TokenStore.Renewed r2 = s.renew(r1.entry(), Duration.ofMinutes(20));
            assertThat(r2.entry().ttlSeconds(clock.instant())).isEqualTo(600); // 30m - 20m elapsed
            assertThat(r2.warnings()).isNotEmpty();
            clock.advance(Duration.ofMinutes(10));
            assertThat(s.lookupAccessor(t.accessor())).isEmpty();
            assertThatThrownBy(() -> s.renew(r2.entry(), Duration.ZERO)).hasMessage("past the max TTL, cannot renew");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void periodicTokenRenewsToItsPeriodUntilExplicitMax(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            TokenStore s = store(db);
            TokenEntry root = s.createRoot(null, null).entry();
            IssuedToken p = s.create(TokenRequest.builder().policies(List.of("dev")).period(Duration.ofHours(1))
                    .explicitMaxTtl(Duration.ofHours(3)).build(), root, true);
            assertThat(p.entry().creationTtl()).isEqualTo(Duration.ofHours(1));
            clock.advance(Duration.ofMinutes(50));
            TokenEntry e = s.renew(p.entry(), Duration.ofHours(10)).entry();
            assertThat(e.ttlSeconds(clock.instant())).isEqualTo(3600);
            clock.advance(Duration.ofMinutes(100)); // 2h30m after creation
            TokenStore.Renewed last = s.renew(e, Duration.ZERO);
            assertThat(last.entry().ttlSeconds(clock.instant())).isEqualTo(1800);
            clock.advance(Duration.ofMinutes(31));
            assertThat(s.lookup(p.token())).isEmpty();
            assertThatThrownBy(() -> s.renew(last.entry(), Duration.ZERO)).isInstanceOf(AvException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void revokingAParentRevokesTheWholeTreeButNotOrphans(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            TokenStore s = store(db);
            List<String> revoked = new ArrayList<>();
            s.addRevocationListener(e -> revoked.add(e.accessor()));
            TokenEntry root = s.createRoot(null, null).entry();
            IssuedToken parent = s.create(TokenRequest.builder().build(), root, true);
            IssuedToken child = s.create(TokenRequest.builder().build(), parent.entry(), false);
            IssuedToken grandchild = s.create(TokenRequest.builder().build(), child.entry(), false);
            IssuedToken orphan = s.create(TokenRequest.builder().noParent(true).path("auth/token/create-orphan").build(),
                    parent.entry(), false);
            assertThat(s.revokeTree(parent.entry())).isEqualTo(3);
            assertThat(s.lookup(parent.token())).isEmpty();
            assertThat(s.lookup(child.token())).isEmpty();
            assertThat(s.lookup(grandchild.token())).isEmpty();
            assertThat(s.lookup(orphan.token())).isPresent();
            assertThat(revoked).containsExactlyInAnyOrder(parent.entry().accessor(), child.entry().accessor(),
                    grandchild.entry().accessor());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void expiryRevokesTheTreeAndTidyCleansUp(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            TokenStore s = store(db);
            List<String> revoked = new ArrayList<>();
            s.addRevocationListener(e -> revoked.add(e.accessor()));
            TokenEntry root = s.createRoot(null, null).entry();
            IssuedToken parent = s.create(TokenRequest.builder().policies(List.of("dev")).ttl(Duration.ofMinutes(1)).build(),
                    root, true);
            IssuedToken child = s.create(TokenRequest.builder().ttl(Duration.ofHours(1)).build(), parent.entry(), false);
            int before = s.count();
            clock.advance(Duration.ofSeconds(61));
            assertThat(s.tidy()).isEqualTo(2);
            assertThat(s.count()).isEqualTo(before - 2);
            assertThat(s.lookup(child.token())).isEmpty();
            assertThat(revoked).contains(parent.entry().accessor(), child.entry().accessor());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void creationRulesFollowVault(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            TokenStore s = store(db);
            TokenEntry root = s.createRoot(null, null).entry();
            TokenEntry dev = s.create(TokenRequest.builder().policies(List.of("dev")).build(), root, true).entry();
            assertThatThrownBy(() -> s.create(TokenRequest.builder().policies(List.of("admin")).build(), dev, false))
                    .hasMessage("child policies must be subset of parent");
            assertThatThrownBy(() -> s.create(TokenRequest.builder().period(Duration.ofHours(1)).build(), dev, false))
                    .hasMessage("root or sudo privileges required to create periodic token");
            assertThatThrownBy(() -> s.create(TokenRequest.builder().noParent(true).build(), dev, false))
                    .hasMessage("root or sudo privileges required to create orphan token");
            assertThatThrownBy(() -> s.create(TokenRequest.builder().policies(List.of("root")).build(), dev, true))
                    .hasMessage("root tokens may not be created without parent token being root");
            assertThatThrownBy(() -> s.create(TokenRequest.builder().policies(List.of("response-wrapping")).build(),
                    root, true)).hasMessageContaining("cannot assign policy");
            TokenEntry limited = s.create(TokenRequest.builder().numUses(2).build(), dev, false).entry();
            assertThat(limited.policies()).containsExactly("default", "dev");
            assertThatThrownBy(() -> s.create(TokenRequest.builder().build(), limited, false))
                    .hasMessage("restricted use token cannot generate child tokens");
            TokenEntry noDefault = s.create(TokenRequest.builder().noDefaultPolicy(true).build(), dev, false).entry();
            assertThat(noDefault.policies()).containsExactly("dev");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void lastUseIsReportedAndTheTokenIsGoneAfterwards(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            TokenStore s = store(db);
            TokenEntry root = s.createRoot(null, null).entry();
            IssuedToken t = s.create(TokenRequest.builder().policies(List.of("dev")).numUses(2).build(), root, true);
            assertThat(s.use(t.entry())).isEqualTo(new TokenStore.Use(true, false));
            assertThat(s.use(t.entry())).isEqualTo(new TokenStore.Use(true, true));
            assertThat(s.lookup(t.token())).isEmpty();
            assertThat(s.use(t.entry()).allowed()).isFalse();
        }
    }
}
