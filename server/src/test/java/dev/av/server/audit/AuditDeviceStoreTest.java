package dev.av.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.audit.AuditDevices;
import dev.av.audit.AuditHasher;
import dev.av.core.AvException;
import dev.av.registry.keyring.KdfParams;
import dev.av.registry.keyring.Keyring;
import dev.av.registry.storage.Database;
import dev.av.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AuditDeviceStoreTest {

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void devicesRoundTripWithSaltKeyAndSecretOptionsSealed(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            Keyring keyring = new Keyring(db.dataSource(), Clock.systemUTC(), KdfParams.DEV);
            keyring.unseal(keyring.init(null).key());
            AuditDeviceStore store = new AuditDeviceStore(db.dataSource(), keyring, Clock.systemUTC());
            byte[] salt = AuditHasher.newSalt();
            var key = AuditDevices.newSigningKey();
            store.insert(new AuditDeviceStore.StoredDevice("hook", "webhook", "to the SIEM",
                    Map.of("url", "https://siem.example/"), Map.of("authorization_header", "Bearer s3cr3t-hook"),
                    salt, key));

            List<AuditDeviceStore.StoredDevice> all = store.all();
            assertThat(all).hasSize(1);
            AuditDeviceStore.StoredDevice d = all.getFirst();
            assertThat(d.salt()).isEqualTo(salt);
            assertThat(d.signingKey().getPrivate().getEncoded()).isEqualTo(key.getPrivate().getEncoded());
            assertThat(d.allOptions()).containsEntry("authorization_header", "Bearer s3cr3t-hook")
                    .containsEntry("url", "https://siem.example/");
            assertThat(d.toString()).doesNotContain("s3cr3t");

            try (Connection c = db.dataSource().getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT options, sealed FROM av_audit_devices")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).doesNotContain("s3cr3t");
                String sealed = new String(rs.getBytes(2), StandardCharsets.ISO_8859_1);
                assertThat(sealed).doesNotContain("s3cr3t").doesNotContain(new String(salt, StandardCharsets.UTF_8));
            }

            assertThatThrownBy(() -> store.insert(d)).isInstanceOf(AvException.class).hasMessageContaining("already in use");
            assertThat(store.delete("hook")).isTrue();
            assertThat(store.delete("hook")).isFalse();
            assertThat(store.all()).isEmpty();
        }
    }
}
