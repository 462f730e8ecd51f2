package dev.av.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The hash chain's wire rules, shared by the writer and the verifier.
 *
 * <ul>
 *   <li>Every line (entry or checkpoint) ends with {@code "chain":{"seq":N,"prev":"<hex>"}}: N counts
 *       lines of one chain from 1, {@code prev} is the SHA-256 of the previous line's exact bytes
 *       (prefix included, newline excluded), or 64 zeros for seq 1.</li>
 *   <li>A checkpoint line ({@code "type":"checkpoint"}) carries an Ed25519 signature over
 *       {@link #checkpointMessage}, which binds the device, its own seq, its prev (so every earlier
 *       line) and whether it is final (the device was closed; a new chain may start after it).</li>
 * </ul>
 */
public final class ChainFormat {

    public static final String GENESIS = "0".repeat(64);

    private ChainFormat() {
    }

    public static String lineHash(byte[] line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same with a digest the caller reuses (single-threaded use). */
    public static String lineHash(MessageDigest sha256, byte[] line) {
        sha256.reset();
        return HexFormat.of().formatHex(sha256.digest(line));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends the chain fields to a JSON object's bytes ({@code {...}}) and puts the prefix in front. */
    public static byte[] link(String prefix, byte[] body, long seq, String prev) {
        if (body.length < 2 || body[body.length - 1] != '}') {
            throw new IllegalArgumentException("an audit entry must be a JSON object");
        }
        byte[] pre = prefix.getBytes(StandardCharsets.UTF_8);
        boolean empty = body.length == 2;
        byte[] tail = ((empty ? "" : ",") + "\"chain\":{\"seq\":" + seq + ",\"prev\":\"" + prev + "\"}}")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[pre.length + body.length - 1 + tail.length];
        System.arraycopy(pre, 0, out, 0, pre.length);
        System.arraycopy(body, 0, out, pre.length, body.length - 1);
        System.arraycopy(tail, 0, out, pre.length + body.length - 1, tail.length);
        return out;
    }

    public static byte[] checkpointMessage(String device, long seq, String prev, boolean fin) {
        return ("av-audit-checkpoint\n" + device + "\n" + seq + "\n" + prev + "\n" + fin)
                .getBytes(StandardCharsets.UTF_8);
    }

    public static String sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint", e);
        }
    }

    public static boolean verify(PublicKey key, byte[] message, String signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String encodePublicKey(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Decodes a base64 X.509 (SubjectPublicKeyInfo) Ed25519 public key, or a PEM of one. */
    public static PublicKey decodePublicKey(String text) {
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (base64 or PEM expected)");
        }
    }
}
