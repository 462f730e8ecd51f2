package dev.av.secrets;

/**
 * Seals values at rest: KV values, lease internals, engine configuration. The server adapts its
 * barrier (AES-256-GCM under the data key) to this port, so the engines stay plain Java and do not
 * depend on the keyring.
 *
 * <p>The associated data binds each ciphertext to {@code table}, {@code id} and {@code version}: a
 * ciphertext copied to another row, path or version must fail to open. Implementations are
 * thread-safe and throw (never return garbage) when the ciphertext does not authenticate or the
 * barrier is sealed. Exceptions never carry the plaintext.
 */
public interface Sealer {

    byte[] encrypt(String table, String id, long version, byte[] plaintext);

    byte[] decrypt(String table, String id, long version, byte[] ciphertext);
}
