package dev.av.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A secret value that cannot leak by accident: {@link #toString()} is redacted, equality is
 * constant-time, and the bytes are only reachable through {@link #reveal()}, which is easy to grep.
 */
public final class Secret {

    private final byte[] value;

    private Secret(byte[] value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return new Secret(value.getBytes(StandardCharsets.UTF_8));
    }

    public static Secret ofBytes(byte[] value) {
        return new Secret(value.clone());
    }

    /** The clear value. Call it only where the secret must leave av (injection, a response to its owner). */
    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    public byte[] revealBytes() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** Constant-time comparison with a candidate value. */
    public boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(value, candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(value, other.value);
    }

    @Override
    public int hashCode() {
        // Deliberately constant: a hash of the value would be a side channel.
        return 0x5ec7e7;
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }

    /** Overwrites the value; the secret is unusable afterwards. */
    public void destroy() {
        Arrays.fill(value, (byte) 0);
    }
}
