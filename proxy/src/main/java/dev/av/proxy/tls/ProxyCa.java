package dev.av.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * av's proxy certificate authority: an EC P-256 root that signs short-lived ECDSA leaves for the
 * hosts agents call. Immutable; {@link #issueLeaf} is thread-safe and holds no lock, so leaves for
 * different hosts are minted in parallel.
 *
 * <p>Rotation with overlap: {@link #rotate} returns a new CA that signs with a fresh root and keeps
 * the previous root in {@link #trustBundlePem} until the overlap ends, so clients that fetched the
 * bundle before the rotation keep working while they pick up the new root.
 *
 * <p>The private key leaves this class only through {@link #privateKeyPkcs8()}, for sealing.
 */
public final class ProxyCa {

    public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(7);
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A previous root still trusted until {@code until}. */
    public record RetiredRoot(X509Certificate certificate, Instant until) {
    }

    /** A minted leaf: key and chain (leaf, root). Holds a private key: never log it. */
    public record Leaf(PrivateKey key, X509Certificate[] chain, Instant notAfter) {
        @Override
        public String toString() {
            return "Leaf[" + chain[0].getSubjectX500Principal() + ", notAfter=" + notAfter + "]";
        }
    }

    private final PrivateKey key;
    private final X509Certificate root;
    private final List<RetiredRoot> retired;
    private final InstantSource clock;

    private ProxyCa(PrivateKey key, X509Certificate root, List<RetiredRoot> retired, InstantSource clock) {
        this.key = key;
        this.root = root;
        this.retired = List.copyOf(retired);
        this.clock = clock;
    }

    /** Creates a fresh root. */
    public static ProxyCa generate(InstantSource clock) {
        try {
            KeyPair kp = ecKey();
            Instant now = clock.instant();
            X500Name name = new X500Name("CN=av proxy CA " + now.getEpochSecond() + ",O=av");
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(ROOT_VALIDITY)), name, kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = sign(b, kp.getPrivate());
            return new ProxyCa(kp.getPrivate(), cert, List.of(), clock);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate the proxy CA", e);
        }
    }

    /** Restores a CA from its root PEM and PKCS#8 key (as {@link #privateKeyPkcs8()} gave it). */
    public static ProxyCa load(String rootPem, byte[] pkcs8, List<RetiredRoot> retired, InstantSource clock) {
        try {
            PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII)));
            return new ProxyCa(k, cert, retired, clock);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the proxy CA", e);
        }
    }

    /** A new CA signing with a fresh root; this root stays in the trust bundle for {@code overlap}. */
    public ProxyCa rotate(Duration overlap) {
        ProxyCa next = generate(clock);
        List<RetiredRoot> keep = new ArrayList<>(liveRetired());
        keep.add(new RetiredRoot(root, clock.instant().plus(overlap)));
        return new ProxyCa(next.key, next.root, keep, clock);
    }

    /** Mints a leaf for {@code host} (a DNS name or an IP literal). Thread-safe, lock-free. */
    public Leaf issueLeaf(String host) {
        try {
            KeyPair kp = ecKey();
            Instant now = clock.instant();
            Instant notAfter = now.plus(LEAF_VALIDITY);
            if (notAfter.isAfter(root.getNotAfter().toInstant())) {
                notAfter = root.getNotAfter().toInstant();
            }
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter), new X500Name("CN=" + host), kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            GeneralName san = isIpLiteral(host)
                    ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
                    : new GeneralName(GeneralName.dNSName, host);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
            return new Leaf(kp.getPrivate(), new X509Certificate[] {sign(b, key), root}, notAfter);
        } catch (Exception e) {
            throw new IllegalStateException("cannot mint a leaf for " + host, e);
        }
    }

    public X509Certificate root() {
        return root;
    }

    /** PEM of the signing root. */
    public String rootPem() {
        return pem(root);
    }

    /** PEM of every root clients should trust now: the signing root and retired roots still in overlap. */
    public String trustBundlePem() {
        StringBuilder sb = new StringBuilder(pem(root));
        liveRetired().forEach(r -> sb.append(pem(r.certificate())));
        return sb.toString();
    }

    public List<RetiredRoot> retiredRoots() {
        return liveRetired();
    }

    /** The signing key, PKCS#8 DER: secret, for sealing only. */
    public byte[] privateKeyPkcs8() {
        return key.getEncoded();
    }

    @Override
    public String toString() {
        return "ProxyCa[" + root.getSubjectX500Principal() + "]";
    }

    private List<RetiredRoot> liveRetired() {
        Instant now = clock.instant();
        return retired.stream().filter(r -> r.until().isAfter(now)).toList();
    }

    static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    public static String pem(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }
}
