package dev.av.secrets;

/**
 * Seals values at rest (the server's barrier: AES-256-GCM, the associated data binds table, id and
 * version). The engines depend on this narrow port, not on the keyring.
 */
public interface Sealer {

    byte[] encrypt(String table, String id, long version, byte[] plaintext);

    byte[] decrypt(String table, String id, long version, byte[] ciphertext);
}
