package dev.av.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditHasherTest {

    @Test
    void vaultsPublishedTestVectorHolds() {
        AuditHasher h = AuditHasher.withSalt("foo");
        assertThat(h.hash("foo")).isEqualTo("hmac-sha256:08ba357e274f528065766c770a639abf6809b39ccfd37c2a3157c7f51954da0a");
        assertThat(h.hash("bar")).isEqualTo("hmac-sha256:f9320baf0249169e73850cd6156ded0106e2bb6ad8cab01b7bbbebe6d1065317");
    }

    @Test
    void differentSaltsGiveDifferentHashesAndTheSaltNeverShows() {
        AuditHasher a = AuditHasher.withSalt("salt-a");
        AuditHasher b = AuditHasher.withSalt("salt-b");
        assertThat(a.hash("x")).isNotEqualTo(b.hash("x"));
        assertThat(a.toString()).doesNotContain("salt-a");
    }

    @Test
    void cachedCredentialHashesEqualFreshOnesAlsoAfterTheCacheFills() {
        AuditHasher h = AuditHasher.withSalt("foo");
        assertThat(h.hashCredential("foo")).isEqualTo(h.hash("foo"))
                .isEqualTo("hmac-sha256:08ba357e274f528065766c770a639abf6809b39ccfd37c2a3157c7f51954da0a");
        for (int i = 0; i < 10_000; i++) {
            assertThat(h.hashCredential("token-" + i)).isEqualTo(h.hash("token-" + i));
        }
        assertThat(h.hashCredential("foo")).isEqualTo(h.hash("foo"));
    }
}
