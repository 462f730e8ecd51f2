package dev.av.cli.proxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The environment that sends a program's HTTP(S) through av's proxy with a session token and makes
 * every common runtime trust av's CA. Writes three files into {@code dir}: {@code ca-bundle.pem}
 * (system CAs + av's roots, for variables that replace the default store), {@code av-ca.pem} (av's
 * roots only, for variables that add to it) and {@code truststore.p12} (the same for JVMs).
 */
public final class ProxyEnvironment {

    /** The CA-trust variables every runtime reads, each set to the combined bundle (NODE_EXTRA_CA_CERTS: av's roots). */
    public static final List<String> CA_VARIABLES = List.of("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
            "GIT_SSL_CAINFO", "AWS_CA_BUNDLE", "PIP_CERT", "CARGO_HTTP_CAINFO", "DENO_CERT", "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH");
    /** Variables that would hand an av admin token to the child; never passed on. */
    public static final List<String> TOKEN_VARIABLES = List.of("AV_TOKEN", "VAULT_TOKEN");
    static final String TRUSTSTORE_PASSWORD = "changeit";
    private static final List<String> SYSTEM_BUNDLES = List.of("/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem", "/etc/ssl/ca-bundle.pem");

    private ProxyEnvironment() {
    }

    /**
     * The variables to set. {@code userNoProxy} (the caller's NO_PROXY, may be null) is kept and
     * {@code extraNoProxy} added (av's own API host by default).
     */
    public static Map<String, String> build(String proxyHostPort, String user, String sessionToken, Path dir,
                                            String userNoProxy, List<String> extraNoProxy, String userJavaOptions) {
        String url = "http://" + user + ":" + sessionToken + "@" + proxyHostPort;
        Map<String, String> env = new LinkedHashMap<>();
        for (String v : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
            env.put(v, url);
        }
        LinkedHashSet<String> noProxy = new LinkedHashSet<>();
        if (userNoProxy != null) {
            for (String s : userNoProxy.split(",")) {
                if (!s.isBlank()) {
                    noProxy.add(s.trim());
                }
            }
        }
        noProxy.addAll(extraNoProxy);
        env.put("NO_PROXY", String.join(",", noProxy));
        env.put("no_proxy", String.join(",", noProxy));
        String bundle = dir.resolve("ca-bundle.pem").toString();
        for (String v : CA_VARIABLES) {
            env.put(v, bundle);
        }
        env.put("NODE_EXTRA_CA_CERTS", dir.resolve("av-ca.pem").toString());
        env.put("NODE_USE_ENV_PROXY", "1");
        int colon = proxyHostPort.lastIndexOf(':');
        String host = proxyHostPort.substring(0, colon);
        String port = proxyHostPort.substring(colon + 1);
        String nonProxy = String.join("|", noProxy);
        String java = "-Dhttps.proxyHost=" + host + " -Dhttps.proxyPort=" + port + " -Dhttp.proxyHost=" + host
                + " -Dhttp.proxyPort=" + port + (nonProxy.isEmpty() ? "" : " -Dhttp.nonProxyHosts=" + nonProxy)
                + " -Djavax.net.ssl.trustStore=" + dir.resolve("truststore.p12") + " -Djavax.net.ssl.trustStoreType=PKCS12"
                + " -Djavax.net.ssl.trustStorePassword=" + TRUSTSTORE_PASSWORD + " -Djdk.http.auth.tunneling.disabledSchemes=";
        env.put("JAVA_TOOL_OPTIONS", userJavaOptions == null || userJavaOptions.isBlank() ? java : userJavaOptions + " " + java);
        return env;
    }

    /** Writes the CA files for {@link #build} into {@code dir} (created with owner-only access). */
    public static void writeTrust(Path dir, String avCaPem) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.writeString(dir.resolve("av-ca.pem"), avCaPem, StandardCharsets.US_ASCII);
        StringBuilder combined = new StringBuilder();
        for (String p : SYSTEM_BUNDLES) {
            Path f = Path.of(p);
            if (Files.isReadable(f)) {
                combined.append(Files.readString(f, StandardCharsets.US_ASCII)).append('\n');
                break;
            }
        }
        combined.append(avCaPem);
        Files.writeString(dir.resolve("ca-bundle.pem"), combined.toString(), StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(dir.resolve("truststore.p12"))) {
            trustStore(avCaPem).store(out, TRUSTSTORE_PASSWORD.toCharArray());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot write the Java trust store: " + e.getMessage(), e);
        }
    }

    static KeyStore trustStore(String avCaPem) throws java.security.GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        int i = 0;
        for (var tm : system.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                    ks.setCertificateEntry("system-" + i++, c);
                }
            }
        }
        List<Certificate> av = new ArrayList<>(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(avCaPem.getBytes(StandardCharsets.US_ASCII))));
        for (Certificate c : av) {
            ks.setCertificateEntry("av-" + i++, c);
        }
        return ks;
    }

    /** Deletes the directory written by {@link #writeTrust}. */
    public static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory only holds public certificates
        }
    }

    static String pemOf(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
