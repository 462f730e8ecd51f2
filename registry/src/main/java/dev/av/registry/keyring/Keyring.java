package dev.av.registry.keyring;

import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The seal: the data key (DEK) lives in memory only while unsealed. At rest it is wrapped (AES-256-GCM)
 * by a key-encryption key derived with Argon2id from the unseal key, or from an operator passphrase.
 * The unseal key is never stored; a wrong key fails GCM authentication and changes nothing.
 *
 * <p>Ciphertext layout of {@link #encrypt}: {@code 0x01 | term (4 bytes) | nonce (12) | GCM ciphertext+tag}.
 * The term names the DEK generation, so a future DEK rotation can re-encrypt lazily.
 */
public final class Keyring implements Barrier {

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte FORMAT = 1;
    private static final String WRAP_AAD = "av_keyring|1|dek";

    private final DataSource dataSource;
    private final Clock clock;
    private final KdfParams kdfForNewKeys;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Unsealed> unsealed = new AtomicReference<>();
    private volatile Boolean initialized;

    private record Unsealed(SecretKeySpec dek, int term) {
    }

    /** What {@link #init} and {@link #rekey} hand back once; {@code key} is null when a passphrase was used. */
    public record NewKey(String key) {
        @Override
        public String toString() {
            return "NewKey[redacted]";
        }
    }

    public Keyring(DataSource dataSource, Clock clock, KdfParams kdfForNewKeys) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.kdfForNewKeys = kdfForNewKeys;
    }

    public boolean isInitialized() {
        Boolean known = initialized;
        if (known != null && known) {
            return true;
        }
        boolean present = Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM av_keyring WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
        initialized = present;
        return present;
    }

    @Override
    public boolean isSealed() {
        return unsealed.get() == null;
    }

    /**
     * Creates the data key and wraps it. With a passphrase (at least 12 characters) the passphrase is
     * the unseal key and the result's key is null; otherwise a random unseal key is returned, once.
     * av stays sealed.
     */
    public synchronized NewKey init(String passphrase) {
        if (isInitialized()) {
            throw AvException.badRequest("av is already initialized");
        }
        checkPassphrase(passphrase);
        String key = passphrase != null ? passphrase : newUnsealKey();
        byte[] dek = randomBytes(KEY_BYTES);
        byte[] salt = randomBytes(16);
        byte[] wrapped = wrap(deriveKek(key, salt, kdfForNewKeys), dek);
        Arrays.fill(dek, (byte) 0);
        long now = clock.millis();
        Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO av_keyring (id, term, wrapped_dek, kdf_salt, "
                    + "kdf_params, passphrase, created_at, rekeyed_at) VALUES (1, 1, ?, ?, ?, ?, ?, ?)")) {
                ps.setBytes(1, wrapped);
                ps.setBytes(2, salt);
                ps.setString(3, kdfForNewKeys.encode());
                ps.setBoolean(4, passphrase != null);
                ps.setLong(5, now);
                ps.setLong(6, now);
                ps.executeUpdate();
            }
            return null;
        });
        initialized = true;
        return new NewKey(passphrase != null ? null : key);
    }

    /** Unwraps the data key with {@code key}; a wrong key is refused (400) and nothing changes. */
    public void unseal(String key) {
        if (key == null || key.isBlank()) {
            throw AvException.badRequest("missing unseal key");
        }
        Stored stored = load();
        byte[] dek = unwrapOrRefuse(stored, key);
        unsealed.compareAndSet(null, new Unsealed(new SecretKeySpec(dek, "AES"), stored.term));
        Arrays.fill(dek, (byte) 0);
    }

    /** Forgets the data key. Idempotent. */
    public void seal() {
        unsealed.set(null);
    }

    /**
     * Re-wraps the (unchanged) data key under a new unseal key or passphrase. The current key must be
     * given and correct; a wrong one is refused and nothing changes. Data encrypted under the DEK is
     * untouched.
     */
    public synchronized NewKey rekey(String currentKey, String newPassphrase) {
        if (currentKey == null || currentKey.isBlank()) {
            throw AvException.badRequest("missing current unseal key");
        }
        checkPassphrase(newPassphrase);
        Stored stored = load();
        byte[] dek = unwrapOrRefuse(stored, currentKey);
        String key = newPassphrase != null ? newPassphrase : newUnsealKey();
        byte[] salt = randomBytes(16);
        byte[] wrapped = wrap(deriveKek(key, salt, kdfForNewKeys), dek);
        Arrays.fill(dek, (byte) 0);
        Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE av_keyring SET wrapped_dek = ?, kdf_salt = ?, "
                    + "kdf_params = ?, passphrase = ?, rekeyed_at = ? WHERE id = 1")) {
                ps.setBytes(1, wrapped);
                ps.setBytes(2, salt);
                ps.setString(3, kdfForNewKeys.encode());
                ps.setBoolean(4, newPassphrase != null);
                ps.setLong(5, clock.millis());
                ps.executeUpdate();
            }
            return null;
        });
        return new NewKey(newPassphrase != null ? null : key);
    }

    @Override
    public byte[] encrypt(String table, String id, long version, byte[] plaintext) {
        Unsealed u = current();
        byte[] nonce = randomBytes(NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, u.dek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(table, id, version));
            byte[] ct = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + 4 + NONCE_BYTES + ct.length)
                    .put(FORMAT).putInt(u.term).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new AvException(AvException.Kind.INTERNAL, "encryption failed", e);
        }
    }

    @Override
    public byte[] decrypt(String table, String id, long version, byte[] ciphertext) {
        Unsealed u = current();
        if (ciphertext == null || ciphertext.length < 1 + 4 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != FORMAT) {
            throw new AvException(AvException.Kind.INTERNAL, "stored ciphertext is malformed (" + table + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(ciphertext);
        in.get();
        int term = in.getInt();
        if (term != u.term) {
            throw new AvException(AvException.Kind.INTERNAL, "stored ciphertext uses an unknown key term");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        in.get(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, u.dek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(table, id, version));
            return cipher.doFinal(ciphertext, in.position(), ciphertext.length - in.position());
        } catch (AEADBadTagException e) {
            throw new AvException(AvException.Kind.INTERNAL,
                    "stored ciphertext failed authentication (" + table + "): tampered or moved", null);
        } catch (GeneralSecurityException e) {
            throw new AvException(AvException.Kind.INTERNAL, "decryption failed", e);
        }
    }

    private Unsealed current() {
        Unsealed u = unsealed.get();
        if (u == null) {
            throw AvException.sealed();
        }
        return u;
    }

    private record Stored(int term, byte[] wrapped, byte[] salt, KdfParams params) {
    }

    private Stored load() {
        Stored s = Database.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT term, wrapped_dek, kdf_salt, kdf_params FROM av_keyring WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Stored(rs.getInt(1), rs.getBytes(2), rs.getBytes(3), KdfParams.decode(rs.getString(4)));
            }
        });
        if (s == null) {
            throw AvException.badRequest("av is not initialized");
        }
        return s;
    }

    private byte[] unwrapOrRefuse(Stored stored, String key) {
        SecretKeySpec kek = deriveKek(key, stored.salt, stored.params);
        byte[] nonce = Arrays.copyOfRange(stored.wrapped, 0, NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(WRAP_AAD.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored.wrapped, NONCE_BYTES, stored.wrapped.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw AvException.badRequest("unseal key is not correct");
        } catch (GeneralSecurityException e) {
            throw new AvException(AvException.Kind.INTERNAL, "unwrapping the data key failed", e);
        }
    }

    private byte[] wrap(SecretKeySpec kek, byte[] dek) {
        byte[] nonce = randomBytes(NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(WRAP_AAD.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(dek);
            return ByteBuffer.allocate(NONCE_BYTES + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new AvException(AvException.Kind.INTERNAL, "wrapping the data key failed", e);
        }
    }

    private static SecretKeySpec deriveKek(String key, byte[] salt, KdfParams p) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[KEY_BYTES];
        byte[] pw = key.getBytes(StandardCharsets.UTF_8);
        gen.generateBytes(pw, out);
        Arrays.fill(pw, (byte) 0);
        SecretKeySpec spec = new SecretKeySpec(out, "AES");
        Arrays.fill(out, (byte) 0);
        return spec;
    }

    private static byte[] aad(String table, String id, long version) {
        return (table + "|" + id + "|" + version).getBytes(StandardCharsets.UTF_8);
    }

    private String newUnsealKey() {
        return Base64.getEncoder().encodeToString(randomBytes(KEY_BYTES));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void checkPassphrase(String passphrase) {
        if (passphrase != null && passphrase.length() < 12) {
            throw AvException.badRequest("passphrase must be at least 12 characters");
        }
    }
}
