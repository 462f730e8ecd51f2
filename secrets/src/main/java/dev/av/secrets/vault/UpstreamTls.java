package dev.av.secrets.vault;

import dev.av.core.AvException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context for an upstream Vault: trust = the PEM CA bundle (else the JDK's defaults), client
 * identity = the PEM certificate chain and PKCS#8 key. Built here rather than by spring-vault, whose
 * JDK-client fallback ignores its SSL configuration.
 */
final class UpstreamTls {

    private UpstreamTls() {
    }

    static SSLContext context(UpstreamConfig c) {
        try {
            TrustManagerFactory tmf = null;
            if (c.caCert() != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(c.caCert())) {
                    trust.setCertificateEntry("ca" + i++, cert);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (c.clientCert() != null) {
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                Certificate[] chain = certificates(c.clientCert()).toArray(new Certificate[0]);
                identity.setKeyEntry("client", privateKey(c.clientKey().reveal()), new char[0], chain);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw AvException.badRequest("the upstream TLS settings are not usable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Collection<? extends Certificate> certificates(String pem) throws GeneralSecurityException {
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        if (certs.isEmpty()) {
            throw AvException.badRequest("no certificate found in the PEM text");
        }
        return certs;
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int a = pem.indexOf(begin);
        int b = pem.indexOf("-----END PRIVATE KEY-----");
        if (a < 0 || b < a) {
            throw AvException.badRequest("client_key must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw AvException.badRequest("client_key: unsupported key algorithm");
    }
}
