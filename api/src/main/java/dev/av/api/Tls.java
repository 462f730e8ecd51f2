package dev.av.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS settings for {@link AvClient}: the JDK's trust store, a PEM CA file, or (tests) no checks. */
final class Tls {

    private Tls() {
    }

    static SSLSocketFactory socketFactory(Path caCert, boolean skipVerify) throws IOException {
        try {
            if (!skipVerify && caCert == null) {
                return (SSLSocketFactory) SSLSocketFactory.getDefault();
            }
            TrustManager[] managers;
            if (skipVerify) {
                managers = new TrustManager[] {new TrustAll()};
            } else {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                CertificateFactory cf = CertificateFactory.getInstance("X.509");
                int i = 0;
                try (InputStream in = Files.newInputStream(caCert)) {
                    for (Certificate c : cf.generateCertificates(in)) {
                        ks.setCertificateEntry("ca-" + i++, c);
                    }
                }
                if (i == 0) {
                    throw new IOException("no certificate in " + caCert);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                managers = tmf.getTrustManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, managers, null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
