package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each refusal: status, stable problem code, who refused, and that the upstream saw nothing. */
class RefusalTest {

    private ProxyFixture fx;
    private ScriptedUpstream up;
    private String token;

    @BeforeEach
    void start() throws Exception {
        fx = new ProxyFixture().start();
        up = fx.upstream(ScriptedUpstream.ok(), "localhost", "*.example.com", "example.com", "a.b.example.com");
        token = fx.token("agent-a");
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private Map<String, Object> svc(Object... kv) {
        Map<String, Object> m = new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** CONNECT to localhost:port, TLS inside, one request with a raw target. */
    private RawProxyClient.Response through(String host, String target) throws Exception {
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            RawProxyClient.Response connect = c.connect(host + ":" + up.port(), token);
            if (connect.status() != 200) {
                return connect;
            }
            c.startTls(host, TestCa.trusting(fx.proxy.ca().trustBundlePem()));
            return c.request("GET", target, host + ":" + up.port(), null, null);
        }
    }

    private static void assertProblem(RawProxyClient.Response r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("content-type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"code\":\"" + code + "\"").contains("\"refused_by\":\"av\"");
    }

    @Test
    void connectWithoutATokenIsRefusedWith407() throws Exception {
        fx.service("github", svc());
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            RawProxyClient.Response r = c.connect("localhost:" + up.port(), null);
            assertProblem(r, 407, "proxy_auth_required");
            assertThat(r.header("proxy-authenticate")).startsWith("Basic");
        }
    }

    @Test
    void unknownTokenIsRefusedWith407TokenInvalid() throws Exception {
        fx.service("github", svc());
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            assertProblem(c.connect("localhost:" + up.port(), "avs.not-a-token"), 407, "token_invalid");
        }
    }

    @Test
    void expiredTokenIsRejectedWith407TokenExpired() throws Exception {
        fx.service("github", svc());
        fx.expiredTokens.add(token);
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            assertProblem(c.connect("localhost:" + up.port(), token), 407, "token_expired");
        }
    }

    @Test
    void hostsNoServiceMatchesAreRefusedByDefault() throws Exception {
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            RawProxyClient.Response r = c.connect("localhost:" + up.port(), token);
            assertProblem(r, 403, "no_service");
            assertThat(r.body()).contains("/v1/proxy/discover");
        }
        assertThat(up.connectionCount()).isZero();
    }

    @Test
    void wildcardHostMatchesExactlyOneLabel() throws Exception {
        fx.hosts.put("api.example.com", "127.0.0.1");
        fx.hosts.put("a.b.example.com", "127.0.0.1");
        fx.hosts.put("example.com", "127.0.0.1");
        fx.service("wild", svc("host", "*.example.com"));
        RawProxyClient.Response ok = through("api.example.com", "/x");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
        assertProblem(through("a.b.example.com", "/x"), 403, "no_service");
        assertProblem(through("example.com", "/x"), 403, "no_service");
        assertThat(up.pendingRequests()).isZero();
    }

    @Test
    void plainHttpToAnHttpsServiceGetsNoSecret() throws Exception {
        ScriptedUpstream plain = ScriptedUpstream.plain(ScriptedUpstream.ok());
        fx.closeables.add(plain);
        fx.service("github", svc("port", plain.port()));
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            RawProxyClient.Response r = c.request("GET", "http://localhost:" + plain.port() + "/user", "localhost:" + plain.port(),
                    "Proxy-Authorization: " + RawProxyClient.basic(token) + "\r\n", null);
            assertProblem(r, 403, "plaintext_not_allowed");
        }
        assertThat(plain.connectionCount()).isZero();
    }

    @Test
    void plainHttpServiceWithAllowPlaintextIsInjectedThroughAbsoluteForm() throws Exception {
        ScriptedUpstream plain = ScriptedUpstream.plain(ScriptedUpstream.ok());
        fx.closeables.add(plain);
        fx.service("legacy", svc("port", plain.port(), "scheme", "http", "allow_plaintext", true));
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            RawProxyClient.Response r = c.request("GET", "http://localhost:" + plain.port() + "/v1", "localhost:" + plain.port(),
                    "Proxy-Authorization: " + RawProxyClient.basic(token) + "\r\n", null);
            assertThat(r.status()).isEqualTo(200);
        }
        var seen = plain.takeRequest();
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
        assertThat(seen.header("Proxy-Authorization")).isNull();
    }

    @Test
    void absoluteFormHttpsIsRefusedSoTlsIsNeverStripped() throws Exception {
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            RawProxyClient.Response r = c.request("GET", "https://localhost:" + up.port() + "/", "localhost",
                    "Proxy-Authorization: " + RawProxyClient.basic(token) + "\r\n", null);
            assertProblem(r, 400, "use_connect");
        }
    }

    @Test
    void dotSegmentsDoNotEscapeAnAllowedPathPrefix() throws Exception {
        fx.service("api-only", svc("paths", List.of("/api/*")));
        assertProblem(through("localhost", "/api/../admin"), 403, "path_not_allowed");
        assertProblem(through("localhost", "/api/%2e%2e/admin"), 400, "bad_path");
        assertProblem(through("localhost", "/api%2F..%2Fadmin"), 400, "bad_path");
        assertThat(up.pendingRequests()).isZero();
        assertThat(through("localhost", "/api/./v1//repos/../users").status()).isEqualTo(200);
        assertThat(up.takeRequest().target()).as("the bytes matched are the bytes sent").isEqualTo("/api/v1/users");
    }

    @Test
    void serviceMethodListIsEnforced() throws Exception {
        fx.service("ro", svc("methods", List.of("GET")));
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            c.connect("localhost:" + up.port(), token);
            c.startTls("localhost", TestCa.trusting(fx.proxy.ca().trustBundlePem()));
            assertProblem(c.request("DELETE", "/repo", "localhost:" + up.port(), null, null), 403, "method_not_allowed");
            assertThat(c.request("GET", "/repo", "localhost:" + up.port(), null, null).status())
                    .as("a refused bodyless request keeps the tunnel usable").isEqualTo(200);
        }
    }

    @Test
    void policyDenialSaysWhatToAskFor() throws Exception {
        fx.service("github", svc());
        fx.policy.set((p, r) -> r.path().startsWith("/admin") ? AccessDecision.deny("no policy grants it", null) : AccessDecision.allow());
        RawProxyClient.Response r = through("localhost", "/admin/users");
        assertProblem(r, 403, "policy_denied");
        assertThat(r.body()).contains("proxy/localhost/admin/users").contains("\"suggestion\"").contains("read");
        assertThat(up.pendingRequests()).isZero();
    }

    @Test
    void egressGuardRefusesLoopbackAndMetadataUnlessAllowed() throws Exception {
        fx.service("github", svc());
        fx.settings.set(ProxySettings.DEFAULTS);
        assertProblem(through("localhost", "/"), 403, "egress_denied");
        fx.hosts.put("metadata.example.com", "169.254.169.254");
        fx.service("meta", svc("host", "metadata.example.com"));
        assertProblem(through("metadata.example.com", "/latest/meta-data/"), 403, "egress_denied");
        assertThat(up.connectionCount()).isZero();
    }

    @Test
    void auditFailureFailsClosed() throws Exception {
        fx.service("github", svc());
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            c.connect("localhost:" + up.port(), token);
            c.startTls("localhost", TestCa.trusting(fx.proxy.ca().trustBundlePem()));
            fx.audit.failing.set(true);
            assertProblem(c.request("GET", "/", "localhost:" + up.port(), null, null), 503, "audit_unavailable");
        }
        assertThat(up.connectionCount()).isZero();
    }

    @Test
    void missingCredentialIsReportedAsCredentialUnavailable() throws Exception {
        fx.service("github", svc("credential", "secret/data/nothing#token"));
        assertProblem(through("localhost", "/"), 503, "credential_unavailable");
        fx.services.clear();
        fx.service("gh2", svc("credential", "secret/data/github#missing"));
        RawProxyClient.Response r = through("localhost", "/");
        assertProblem(r, 503, "credential_unavailable");
        assertThat(r.body()).contains("missing").doesNotContain(ProxyFixture.SECRET);
        assertThat(up.connectionCount()).isZero();
    }

    @Test
    void unreachableUpstreamIsReportedAsUpstreamUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        fx.service("gone", svc("port", closedPort));
        try (RawProxyClient c = RawProxyClient.open(fx.port())) {
            c.connect("localhost:" + closedPort, token);
            c.startTls("localhost", TestCa.trusting(fx.proxy.ca().trustBundlePem()));
            assertProblem(c.request("GET", "/", "localhost:" + closedPort, null, null), 502, "upstream_unreachable");
        }
    }

    @Test
    void upstreamCertificateFromAnUntrustedCaIsRefused() throws Exception {
        Map<String, Object> fields = svc();
        fields.put("upstream_ca", "");
        fx.services.add(ServiceRule.fromMap("untrusted", fields));
        assertProblem(through("localhost", "/"), 502, "upstream_tls_failed");
        assertThat(up.pendingRequests()).isZero();
    }

    @Test
    void jdkClientSeesTheProblemBodyOnADeniedRequest() throws Exception {
        fx.service("github", svc());
        fx.policy.set((p, r) -> AccessDecision.deny(null, "request read on proxy/localhost/ from your operator"));
        HttpResponse<String> r = fx.client(token).send(HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("request read on proxy/localhost/ from your operator");
    }
}
