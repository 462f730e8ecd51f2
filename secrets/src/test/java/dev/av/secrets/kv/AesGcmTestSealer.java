package dev.av.secrets.kv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real AES-256-GCM sealer with a random key and AAD {@code table|id|version}: the barrier's
 * contract without the keyring, for testing the engine on its own.
 */
final class AesGcmTestSealer implements ValueSealer {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKey key;

    AesGcmTestSealer() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        key = new SecretKeySpec(k, "AES");
    }

    @Override
    public byte[] encrypt(String table, String id, long version, byte[] plaintext) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(table, id, version));
            byte[] body = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(12 + body.length).put(nonce).put(body).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    @Override
    public byte[] decrypt(String table, String id, long version, byte[] ciphertext) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, ciphertext, 0, 12));
            cipher.updateAAD(aad(table, id, version));
            return cipher.doFinal(ciphertext, 12, ciphertext.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ciphertext does not authenticate");
        }
    }

    private static byte[] aad(String table, String id, long version) {
        return (table + "|" + id + "|" + version).getBytes(StandardCharsets.UTF_8);
    }
}
