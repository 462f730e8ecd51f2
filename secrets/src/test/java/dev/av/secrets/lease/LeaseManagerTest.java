package dev.av.secrets.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.secrets.Migrations;
import dev.av.secrets.TestSealer;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LeaseManagerTest {

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

    private LeaseManager manager(TestDatabase db) {
        return new LeaseManager(db.dataSource(), TestSealer.shared(), clock);
    }

    private static TestDatabase db(TestDatabase.Kind kind) {
        TestDatabase db = TestDatabase.create(kind);
        Migrations.apply(db.dataSource());
        return db;
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aCreatedLeaseHasVaultsIdShapeAndCanBeLookedUp(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            Lease lease = leases.create("database", "creds/ro", "tok1", Duration.ofHours(1), Duration.ofHours(2), true,
                    Map.of("username", "v-x"));
            assertThat(lease.id()).matches("database/creds/ro/[0-9a-f-]{36}");
            Lease found = leases.lookup(lease.id()).orElseThrow();
            assertThat(found.ttlSeconds(clock)).isEqualTo(3600);
            assertThat(found.internalString("username")).isEqualTo("v-x");
            assertThat(found.maxExpireTime()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void internalDataIsSealedAtRest(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            leases.create("database", "creds/ro", "tok1", Duration.ofHours(1), Duration.ZERO, true,
                    Map.of("username", "very-recognisable-name"));
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT internal FROM av_leases")) {
                assertThat(rs.next()).isTrue();
                assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("recognisable");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void renewExtendsTheLeaseButNeverBeyondItsMaxTtl(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            RecordingLeaseHandler handler = new RecordingLeaseHandler();
            leases.register("database", handler);
            Lease lease = leases.create("database", "creds/ro", "tok1", Duration.ofMinutes(10), Duration.ofMinutes(30),
                    true, Map.of());
            clock.advance(Duration.ofMinutes(5));
            Lease renewed = leases.renew(lease.id(), Duration.ofMinutes(10)).lease();
            assertThat(renewed.ttlSeconds(clock)).isEqualTo(600);
            assertThat(renewed.lastRenewal()).isEqualTo(clock.instant());
            LeaseManager.Renewed capped = leases.renew(lease.id(), Duration.ofHours(5));
            assertThat(capped.lease().expireTime()).isEqualTo(lease.maxExpireTime());
            assertThat(capped.grantedSeconds()).isEqualTo(25 * 60);
            assertThat(handler.renewed).hasSize(2);
            clock.advance(Duration.ofMinutes(26));
            assertThatThrownBy(() -> leases.renew(lease.id(), Duration.ZERO))
                    .isInstanceOf(AvException.class).hasMessageContaining("expired");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anEngineMayGrantLessThanTheRenewalAsked(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            RecordingLeaseHandler handler = new RecordingLeaseHandler();
            leases.register("up", handler);
            Lease lease = leases.create("up", "database/creds/ro", "tok1", Duration.ofMinutes(10), Duration.ofHours(1),
                    true, Map.of());
            handler.cap = clock.instant().plus(Duration.ofMinutes(3));
            assertThat(leases.renew(lease.id(), Duration.ofMinutes(20)).grantedSeconds()).isEqualTo(180);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aRenewalReportsTheTtlItGrantedEvenWhenTheEngineTookTime(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            RecordingLeaseHandler handler = new RecordingLeaseHandler();
            handler.whileRenewing = () -> clock.advance(Duration.ofMillis(1200));
            leases.register("database", handler);
            Lease lease = leases.create("database", "creds/ro", "tok1", Duration.ofMinutes(10), Duration.ofHours(1),
                    true, Map.of());
            LeaseManager.Renewed renewed = leases.renew(lease.id(), Duration.ofMinutes(30));
            assertThat(renewed.grantedSeconds()).isEqualTo(1800);
            assertThat(renewed.lease().ttlSeconds(clock)).isLessThan(1800);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aNonRenewableLeaseIsNotRenewed(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            leases.register("database", new RecordingLeaseHandler());
            Lease lease = leases.create("database", "creds/ro", "tok1", Duration.ofMinutes(10), Duration.ZERO, false,
                    Map.of());
            assertThatThrownBy(() -> leases.renew(lease.id(), Duration.ZERO))
                    .isInstanceOf(AvException.class).hasMessage("lease is not renewable");
            assertThatThrownBy(() -> leases.renew("database/creds/ro/nope", Duration.ZERO))
                    .isInstanceOf(AvException.class).hasMessage("lease not found");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void tickRevokesExpiredLeasesOnly(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            RecordingLeaseHandler handler = new RecordingLeaseHandler();
            leases.register("database", handler);
            Lease shortLived = leases.create("database", "creds/ro", "t", Duration.ofMinutes(1), Duration.ZERO, true, Map.of());
            Lease longLived = leases.create("database", "creds/ro", "t", Duration.ofHours(1), Duration.ZERO, true, Map.of());
            assertThat(leases.tick()).isZero();
            clock.advance(Duration.ofMinutes(2));
            assertThat(leases.tick()).isEqualTo(1);
            assertThat(handler.revoked).containsExactly(shortLived.id());
            assertThat(leases.lookup(shortLived.id())).isEmpty();
            assertThat(leases.lookup(longLived.id())).isPresent();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void revokingAnOwnerRevokesOnlyTheLeasesThatTokenCreated(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            RecordingLeaseHandler handler = new RecordingLeaseHandler();
            leases.register("database", handler);
            Lease a = leases.create("database", "creds/ro", "session-a", Duration.ofHours(1), Duration.ZERO, true, Map.of());
            Lease b = leases.create("database", "creds/rw", "session-a", Duration.ofHours(1), Duration.ZERO, true, Map.of());
            Lease other = leases.create("database", "creds/ro", "session-b", Duration.ofHours(1), Duration.ZERO, true, Map.of());
            assertThat(leases.revokeOwner("session-a")).isEqualTo(2);
            assertThat(handler.revoked).containsExactlyInAnyOrder(a.id(), b.id());
            assertThat(leases.lookup(other.id())).isPresent();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void revokePrefixAndListFollowThePathSegments(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            RecordingLeaseHandler handler = new RecordingLeaseHandler();
            leases.register("database", handler);
            Lease ro = leases.create("database", "creds/ro", "t", Duration.ofHours(1), Duration.ZERO, true, Map.of());
            leases.create("database", "creds/rw", "t", Duration.ofHours(1), Duration.ZERO, true, Map.of());
            leases.create("database", "creds/rw", "t", Duration.ofHours(1), Duration.ZERO, true, Map.of());
            assertThat(leases.list("database/creds/")).containsExactly("ro/", "rw/");
            assertThat(leases.list("database/creds/ro")).containsExactly(ro.id().substring(ro.id().lastIndexOf('/') + 1));
            // "creds/r" must not match by LIKE wildcards: '_' and '%' are literal
            assertThat(leases.revokePrefix("database/creds/r_")).isZero();
            assertThat(leases.revokePrefix("database/creds/rw")).isEqualTo(2);
            assertThat(leases.list("database/creds")).containsExactly("ro/");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aFailedRevocationIsNeverUsedAgainAndIsRetriedAfterARestart(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind)) {
            String id;
            try (LeaseManager first = manager(db)) {
                RecordingLeaseHandler down = new RecordingLeaseHandler();
                down.failing = true;
                first.register("database", down);
                id = first.create("database", "creds/ro", "t", Duration.ofHours(1), Duration.ZERO, true, Map.of()).id();
                assertThatThrownBy(() -> first.revoke(id)).isInstanceOf(AvException.class)
                        .extracting(e -> ((AvException) e).kind()).isEqualTo(AvException.Kind.UNAVAILABLE);
                assertThat(first.lookup(id)).isEmpty();
            }
            // a new process: the mount registers its handler again and the pending revocation completes
            try (LeaseManager second = manager(db)) {
                RecordingLeaseHandler up = new RecordingLeaseHandler();
                second.register("database", up);
                assertThat(second.tick()).isZero(); // backoff not yet over
                clock.advance(Duration.ofSeconds(5));
                assertThat(second.tick()).isEqualTo(1);
                assertThat(up.revoked).containsExactly(id);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anExpiredLeaseWhoseMountIsNotMountedYetWaitsForIt(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            Lease lease = leases.create("later", "creds/ro", "t", Duration.ofMinutes(1), Duration.ZERO, true, Map.of());
            clock.advance(Duration.ofMinutes(2));
            assertThat(leases.tick()).isZero();
            RecordingLeaseHandler handler = new RecordingLeaseHandler();
            leases.register("later", handler);
            clock.advance(Duration.ofMinutes(1));
            assertThat(leases.tick()).isEqualTo(1);
            assertThat(handler.revoked).containsExactly(lease.id());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void revokingAnUnknownLeaseSucceedsAsInVault(TestDatabase.Kind kind) {
        try (TestDatabase db = db(kind); LeaseManager leases = manager(db)) {
            leases.revoke("database/creds/ro/unknown");
            assertThatThrownBy(() -> leases.revokePrefix("")).isInstanceOf(AvException.class);
        }
    }
}
