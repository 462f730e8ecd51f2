package dev.av.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Vault's audit HMAC: {@code "hmac-sha256:" + hex(HMAC-SHA256(key = salt, message = value))}.
 * Each device has its own salt, so the same value hashes differently on two devices. Thread-safe;
 * {@link #toString()} never shows the salt.
 */
public final class AuditHasher {

    public static final String PREFIX = "hmac-sha256:";

    private static final int POOL = 64;

    private final SecretKeySpec key;
    // A pool rather than a ThreadLocal: requests may run on virtual threads, one per request.
    private final java.util.concurrent.ConcurrentLinkedQueue<Mac> macs = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pooled = new java.util.concurrent.atomic.AtomicInteger();

    private AuditHasher(byte[] salt) {
        if (salt.length == 0) {
            throw new IllegalArgumentException("an audit salt must not be empty");
        }
        this.key = new SecretKeySpec(salt.clone(), "HmacSHA256");
    }

    /** A hasher keyed by the salt's bytes (Vault keys with the UTF-8 bytes of its salt UUID). */
    public static AuditHasher withSalt(byte[] salt) {
        return new AuditHasher(salt);
    }

    public static AuditHasher withSalt(String salt) {
        return new AuditHasher(salt.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh random salt in Vault's form (a UUID string's bytes). */
    public static byte[] newSalt() {
        return java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    }

    public String hash(String value) {
        Mac mac = macs.poll();
        if (mac == null) {
            mac = newMac();
        } else {
            pooled.decrementAndGet();
        }
        byte[] out = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        if (pooled.incrementAndGet() <= POOL) {
            macs.offer(mac);
        } else {
            pooled.decrementAndGet();
        }
        return PREFIX + HexFormat.of().formatHex(out);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "AuditHasher[salt redacted]";
    }
}
