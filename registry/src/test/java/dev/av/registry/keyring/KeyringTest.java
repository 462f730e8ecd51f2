package dev.av.registry.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KeyringTest {

    private static Keyring keyring(TestDatabase db) {
        Database.migrate(db.dataSource());
        return new Keyring(db.dataSource(), MutableClock.startingAt("2026-01-01T00:00:00Z"), KdfParams.DEV);
    }

    private static final byte[] SECRET = "s3cr3t-value".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void initLeavesItSealedAndTheKeyUnsealsIt(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Keyring k = keyring(db);
            assertThat(k.isInitialized()).isFalse();
            String key = k.init(null).key();
            assertThat(k.isInitialized()).isTrue();
            assertThat(k.isSealed()).isTrue();
            assertThatThrownBy(() -> k.encrypt("t", "1", 1, SECRET)).isInstanceOfSatisfying(AvException.class,
                    e -> assertThat(e.kind()).isEqualTo(AvException.Kind.SEALED));
            k.unseal(key);
            assertThat(k.isSealed()).isFalse();
            byte[] ct = k.encrypt("t", "1", 1, SECRET);
            assertThat(new String(ct, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
            assertThat(k.decrypt("t", "1", 1, ct)).isEqualTo(SECRET);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void ciphertextIsBoundToTableIdAndVersion(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Keyring k = keyring(db);
            k.unseal(k.init(null).key());
            byte[] ct = k.encrypt("kv", "app", 3, SECRET);
            assertThatThrownBy(() -> k.decrypt("kv", "app", 4, ct)).isInstanceOf(AvException.class)
                    .hasMessageContaining("failed authentication");
            assertThatThrownBy(() -> k.decrypt("kv", "other", 3, ct)).isInstanceOf(AvException.class);
            assertThatThrownBy(() -> k.decrypt("audit", "app", 3, ct)).isInstanceOf(AvException.class);
            byte[] tampered = ct.clone();
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> k.decrypt("kv", "app", 3, tampered)).isInstanceOf(AvException.class)
                    .hasMessageNotContaining("s3cr3t");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void wrongUnsealKeyIsRefusedAndChangesNothing(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Keyring k = keyring(db);
            String key = k.init(null).key();
            assertThatThrownBy(() -> k.unseal("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")).isInstanceOfSatisfying(
                    AvException.class, e -> {
                        assertThat(e.kind()).isEqualTo(AvException.Kind.BAD_REQUEST);
                        assertThat(e.getMessage()).isEqualTo("unseal key is not correct");
                    });
            assertThat(k.isSealed()).isTrue();
            k.unseal(key);
            assertThat(k.isSealed()).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void rekeyRewrapsOnlyTheDataKey(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Keyring k = keyring(db);
            String oldKey = k.init(null).key();
            k.unseal(oldKey);
            byte[] ct = k.encrypt("kv", "a", 1, SECRET);
            assertThatThrownBy(() -> k.rekey("bm90LXRoZS1rZXk=", null)).isInstanceOf(AvException.class);
            String newKey = k.rekey(oldKey, null).key();
            assertThat(newKey).isNotEqualTo(oldKey);
            k.seal();
            assertThatThrownBy(() -> k.unseal(oldKey)).hasMessage("unseal key is not correct");
            k.unseal(newKey);
            assertThat(k.decrypt("kv", "a", 1, ct)).isEqualTo(SECRET);
            // a fresh Keyring over the same rows (a restart) unseals with the new key too
            Keyring restarted = keyring(db);
            restarted.unseal(newKey);
            assertThat(restarted.decrypt("kv", "a", 1, ct)).isEqualTo(SECRET);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void passphraseInitReturnsNoKeyAndThePassphraseUnseals(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Keyring k = keyring(db);
            assertThatThrownBy(() -> k.init("short")).isInstanceOf(AvException.class);
            assertThat(k.isInitialized()).isFalse();
            assertThat(k.init("correct horse battery staple").key()).isNull();
            assertThatThrownBy(() -> k.init(null)).hasMessage("av is already initialized");
            k.unseal("correct horse battery staple");
            assertThat(k.isSealed()).isFalse();
        }
    }
}
