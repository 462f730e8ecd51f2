package dev.av.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
    private static final int CREDENTIAL_CACHE = 4096;
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    // A pool rather than a ThreadLocal: requests may run on virtual threads, one per request.
    private final java.util.concurrent.ConcurrentLinkedQueue<Mac> macs = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pooled = new java.util.concurrent.atomic.AtomicInteger();
    // token / accessor -> its HMAC. Tokens live for minutes to hours and appear in every entry they
    // make (twice, with their accessor); the cache holds nothing the token store does not hold too.
    private final java.util.concurrent.ConcurrentHashMap<String, String> credentials =
            new java.util.concurrent.ConcurrentHashMap<>();

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
        byte[] text = new byte[PREFIX_BYTES.length + 2 * out.length];
        System.arraycopy(PREFIX_BYTES, 0, text, 0, PREFIX_BYTES.length);
        for (int i = 0, p = PREFIX_BYTES.length; i < out.length; i++) {
            text[p++] = HEX[(out[i] >> 4) & 0xF];
            text[p++] = HEX[out[i] & 0xF];
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #hash} for tokens and accessors, remembered in a small bounded cache (emptied when full):
     * the same token and accessor appear in many entries, twice in each.
     */
    public String hashCredential(String value) {
        String h = credentials.get(value);
        if (h == null) {
            h = hash(value);
            if (credentials.size() >= CREDENTIAL_CACHE) {
                credentials.clear();
            }
            credentials.put(value, h);
        }
        return h;
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
