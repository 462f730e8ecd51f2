package dev.av.registry.keyring;

/**
 * Encrypts everything av keeps secret at rest (KV values, CA keys, HMAC salts, upstream credentials,
 * database passwords) with AES-256-GCM under the data key. The associated data binds each ciphertext
 * to its {@code table}, {@code id} and {@code version}: a ciphertext copied to another row, or to
 * another version of the same row, does not decrypt.
 *
 * <p>While av is sealed both operations throw {@link dev.av.core.AvException} of kind
 * {@code SEALED} (HTTP 503). A ciphertext that was tampered with, or is presented under another
 * table/id/version, throws {@code AvException} of kind {@code INTERNAL}; the message never contains
 * plaintext or key material.
 */
public interface Barrier {

    byte[] encrypt(String table, String id, long version, byte[] plaintext);

    byte[] decrypt(String table, String id, long version, byte[] ciphertext);

    boolean isSealed();
}
