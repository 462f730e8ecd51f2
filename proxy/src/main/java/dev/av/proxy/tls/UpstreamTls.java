package dev.av.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Client {@link SslContext}s for upstreams: the system trust store, plus a service's own
 * {@code upstream_ca} bundle when it has one; host names are always verified ({@code HTTPS}
 * endpoint identification). One context per distinct bundle, built once. Thread-safe.
 */
public final class UpstreamTls {

    private static final String SYSTEM = "";

    private final SslProvider provider;
    private final ConcurrentHashMap<String, SslContext> contexts = new ConcurrentHashMap<>();

    public UpstreamTls(SslProvider provider) {
        this.provider = provider;
    }

    public SslContext forCa(String upstreamCaPem) {
        return contexts.computeIfAbsent(upstreamCaPem == null ? SYSTEM : upstreamCaPem, this::build);
    }

    private SslContext build(String pem) {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (var tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        ts.setCertificateEntry("system-" + i++, c);
                    }
                }
            }
            if (!pem.isEmpty()) {
                for (Certificate c : CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                    ts.setCertificateEntry("service-" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            return SslContextBuilder.forClient().sslProvider(provider).trustManager(tmf)
                    .endpointIdentificationAlgorithm("HTTPS").build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the upstream TLS context", e);
        }
    }
}
