package dev.av.secrets.kv;

/**
 * Seals secret values at rest. The server adapts its barrier ({@code dev.av.registry.keyring.Barrier}:
 * AES-256-GCM under the data key) to this port, so the KV engine stays plain Java.
 *
 * <p>The associated data binds each ciphertext to {@code table}, {@code id} and {@code version}: a
 * ciphertext copied to another row, path or version must fail to open. Implementations are
 * thread-safe and throw (never return garbage) when the ciphertext does not authenticate or the
 * barrier is sealed. Exceptions never carry the plaintext.
 */
public interface ValueSealer {

    byte[] encrypt(String table, String id, long version, byte[] plaintext);

    byte[] decrypt(String table, String id, long version, byte[] ciphertext);
}
