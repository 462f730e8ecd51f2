package dev.av.registry.keyring;

import dev.av.core.AvException;

/**
 * Argon2id parameters used to derive the key-encryption key from the unseal key or passphrase. They
 * are stored next to the wrapped data key, so changing the defaults never locks out existing data.
 *
 * @param memoryKib  memory cost in KiB
 * @param iterations time cost
 * @param parallelism lanes
 */
public record KdfParams(int memoryKib, int iterations, int parallelism) {

    /** OWASP's second recommended Argon2id setting (19 MiB, 2 passes, 1 lane). */
    public static final KdfParams DEFAULT = new KdfParams(19 * 1024, 2, 1);

    /** Cheap parameters for in-memory dev servers and tests, where the key never protects real data at rest. */
    public static final KdfParams DEV = new KdfParams(1024, 1, 1);

    public KdfParams {
        if (memoryKib < 8 || iterations < 1 || parallelism < 1) {
            throw new IllegalArgumentException("invalid Argon2id parameters");
        }
    }

    public String encode() {
        return "argon2id,m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
    }

    public static KdfParams decode(String text) {
        try {
            String[] parts = text.split(",");
            if (!parts[0].equals("argon2id") || parts.length != 4) {
                throw new IllegalArgumentException(text);
            }
            return new KdfParams(Integer.parseInt(parts[1].substring(2)), Integer.parseInt(parts[2].substring(2)),
                    Integer.parseInt(parts[3].substring(2)));
        } catch (RuntimeException e) {
            throw new AvException(AvException.Kind.INTERNAL, "keyring has unknown key-derivation parameters", e);
        }
    }
}
