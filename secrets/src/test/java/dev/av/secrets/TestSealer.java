package dev.av.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/** A real AES-256-GCM sealer with the barrier's associated data (table|id|version), for tests. */
public final class TestSealer implements Sealer {

    private static final SecretKey SHARED = newKey();
    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private TestSealer(SecretKey key) {
        this.key = key;
    }

    /** One key for the whole test JVM, so a "restarted" engine can read what the previous one sealed. */
    public static TestSealer shared() {
        return new TestSealer(SHARED);
    }

    /** A key of its own, so nothing sealed by another sealer opens with it. */
    public static TestSealer random() {
        return new TestSealer(newKey());
    }

    @Override
    public byte[] encrypt(String table, String id, long version, byte[] plaintext) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            c.updateAAD(aad(table, id, version));
            byte[] ct = c.doFinal(plaintext);
            return ByteBuffer.allocate(12 + ct.length).put(iv).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] decrypt(String table, String id, long version, byte[] ciphertext) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, ciphertext, 0, 12));
            c.updateAAD(aad(table, id, version));
            return c.doFinal(ciphertext, 12, ciphertext.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ciphertext does not authenticate");
        }
    }

    private static byte[] aad(String table, String id, long version) {
        return (table + "|" + id + "|" + version).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKey newKey() {
        try {
            KeyGenerator g = KeyGenerator.getInstance("AES");
            g.init(256);
            return g.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
