package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.av.testing.net.RealClients;
import dev.av.testing.net.ScriptedUpstream;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that offer {@code h2} in ALPN inside a tunnel speak HTTP/2 to the proxy, and every stream
 * is treated like an HTTP/1.1 request: injection, scrubbing, per-request policy, streaming both
 * ways, revocation. Upstreams stay HTTP/1.1.
 */
class Http2ClientsTest {

    private static final String SCRUBBED_BEARER = "*".repeat(("Bearer " + ProxyFixture.SECRET).length());

    private ProxyFixture fx;
    private String token;

    @BeforeEach
    void start() throws Exception {
        fx = new ProxyFixture().start();
        token = fx.token("agent-a");
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private ScriptedUpstream echoingUpstream() throws IOException {
        ScriptedUpstream up = fx.upstream((req, ex) -> ex.respond(200, "text/plain", "echo:" + req.header("Authorization")));
        service(up);
        return up;
    }

    private void service(ScriptedUpstream up) {
        fx.service("github", new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token")));
    }

    private HttpClient h2() {
        return fx.client(token, HttpClient.Version.HTTP_2);
    }

    private static URI url(ScriptedUpstream up, String path) {
        return URI.create("https://localhost:" + up.port() + path);
    }

    @Test
    void h2ClientGetsTheInjectedCredentialUpstreamAndOnlyEverSeesItScrubbed() throws Exception {
        ScriptedUpstream up = echoingUpstream();
        HttpResponse<String> r = h2().send(HttpRequest.newBuilder(url(up, "/user")).header("X-Client", "kept").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("echo:" + SCRUBBED_BEARER).doesNotContain(ProxyFixture.SECRET);
        ScriptedUpstream.RecordedRequest seen = up.takeRequest();
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
        assertThat(seen.header("X-Client")).isEqualTo("kept");
        assertThat(seen.header("Host")).isEqualTo("localhost:" + up.port());
        assertThat(seen.headers()).noneMatch(h -> h.name().toLowerCase(java.util.Locale.ROOT).startsWith("x-http2-"));
        ProxyAuditEvent.Response audited = fx.audit.next(ProxyAuditEvent.Response.class, e -> e.status() == 200);
        assertThat(audited.scrubbed()).isPositive();
        assertThat(audited.request().remote()).as("the client's address, from the stream's connection").isEqualTo("127.0.0.1");
        assertThat(audited.request().path()).isEqualTo("/user");
    }

    @Test
    void concurrentStreamsOnOneH2ConnectionAllSucceed() throws Exception {
        int streams = 8;
        CountDownLatch allArrived = new CountDownLatch(streams);
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            if (req.target().equals("/warm")) {
                ex.respond(200, "text/plain", "warm");
                return;
            }
            allArrived.countDown();
            boolean together = awaitQuietly(allArrived);
            ex.respond(200, "text/plain", (together ? "together:" : "one-by-one:") + req.header("Authorization"));
        });
        service(up);
        HttpClient client = h2();
        // one request first, so that the others share its connection instead of racing to open their own
        assertThat(client.send(HttpRequest.newBuilder(url(up, "/warm")).build(), HttpResponse.BodyHandlers.discarding()).version())
                .isEqualTo(HttpClient.Version.HTTP_2);
        up.takeRequest();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            all.add(client.sendAsync(HttpRequest.newBuilder(url(up, "/s/" + i)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("together:" + SCRUBBED_BEARER);
        }
        for (int i = 0; i < streams; i++) {
            assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
        }
    }

    @Test
    void policyDeniedStreamGetsProblemJsonWhileTheSameConnectionKeepsServingOthers() throws Exception {
        fx.policy.set((p, r) -> r.path().startsWith("/admin") ? AccessDecision.deny("admin is off limits", null) : AccessDecision.allow());
        ScriptedUpstream up = echoingUpstream();
        HttpClient client = h2();
        CompletableFuture<HttpResponse<String>> denied = client.sendAsync(HttpRequest.newBuilder(url(up, "/admin/keys")).build(),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> allowed = client.sendAsync(HttpRequest.newBuilder(url(up, "/user")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> no = denied.get(60, TimeUnit.SECONDS);
        assertThat(no.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(no.statusCode()).isEqualTo(403);
        assertThat(no.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat(no.body()).contains("\"code\":\"policy_denied\"").contains("admin is off limits");
        assertThat(allowed.get(60, TimeUnit.SECONDS).body()).isEqualTo("echo:" + SCRUBBED_BEARER);
        HttpResponse<String> after = client.send(HttpRequest.newBuilder(url(up, "/user")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(up.takeRequest().target()).isEqualTo("/user");
        assertThat(up.takeRequest().target()).isEqualTo("/user");
        assertThat(up.pendingRequests()).as("the denied request never went upstream").isZero();
    }

    @Test
    void curlOverHttp2GetsTheResponseAndNeverTheSecret() throws Exception {
        assumeTrue(curlSpeaksHttp2(), "curl is not installed or has no HTTP2 feature");
        ScriptedUpstream up = echoingUpstream();
        RealClients.Result r = curl("--http2", url(up, "/user").toString());
        assertThat(r.exitCode()).as("curl stderr: " + r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("echo:" + SCRUBBED_BEARER + "\n200 2");
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
    }

    @Test
    void curlOverHttp2ThroughTheTlsListenerGetsTheCredentialInjected() throws Exception {
        assumeTrue(curlSpeaksHttp2(), "curl is not installed or has no HTTP2 feature");
        ScriptedUpstream up = echoingUpstream();
        String ca = fx.caFile().toString();
        String proxy = "https://agent:" + token + "@127.0.0.1:" + fx.proxy.tlsAddress().getPort();
        RealClients.Result r = curl("--http2", "--proxy", proxy, "--proxy-cacert", ca, url(up, "/user").toString());
        assertThat(r.exitCode()).as("curl stderr: " + r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("echo:" + SCRUBBED_BEARER + "\n200 2");
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
    }

    @Test
    void authorityNamingAnotherHostIsRefusedAsMisdirected() throws Exception {
        assumeTrue(curlSpeaksHttp2(), "curl is not installed or has no HTTP2 feature");
        ScriptedUpstream up = echoingUpstream();
        RealClients.Result r = curl("--http2", "-H", "Host: elsewhere.example", url(up, "/user").toString());
        assertThat(r.exitCode()).as("curl stderr: " + r.stderr()).isZero();
        assertThat(r.stdout()).contains("\"code\":\"misdirected_request\"").endsWith("\n421 2");
        assertThat(up.pendingRequests()).isZero();
    }

    private H2TunnelClient h2Tunnel(ScriptedUpstream up) throws Exception {
        return H2TunnelClient.open(fx.port(), "localhost", up.port(), token, fx.proxy.ca().trustBundlePem());
    }

    private static Http2Headers get(ScriptedUpstream up, String path) {
        return new DefaultHttp2Headers().method("GET").scheme("https").path(path).authority("localhost:" + up.port());
    }

    @Test
    void connectInsideAnH2TunnelIsRefusedWithProblemJsonAndTheConnectionKeepsServing() throws Exception {
        ScriptedUpstream up = echoingUpstream();
        try (H2TunnelClient c = h2Tunnel(up)) {
            H2TunnelClient.Response no = c.request(new DefaultHttp2Headers().method("CONNECT").authority("elsewhere.example:443"));
            assertThat(no.status()).isEqualTo(405);
            assertThat(no.headers().get("content-type")).hasToString("application/problem+json");
            assertThat(no.body()).contains("\"code\":\"connect_in_tunnel\"").contains("HTTP/1.1");
            H2TunnelClient.Response ok = c.request(get(up, "/user"));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("echo:" + SCRUBBED_BEARER);
            assertThat(ok.headers().contains("connection")).isFalse();
        }
        assertThat(up.takeRequest().target()).isEqualTo("/user");
        assertThat(up.pendingRequests()).isZero();
    }

    @Test
    void webSocketOverH2ExtendedConnectIsRefusedWithProblemJson() throws Exception {
        ScriptedUpstream up = echoingUpstream();
        try (H2TunnelClient c = h2Tunnel(up)) {
            Http2Headers ws = new DefaultHttp2Headers().method("CONNECT").scheme("https").path("/socket")
                    .authority("localhost:" + up.port());
            ws.set(":protocol", "websocket");
            ws.set("sec-websocket-version", "13");
            H2TunnelClient.Response no = c.request(ws);
            assertThat(no.status()).isEqualTo(405);
            assertThat(no.body()).contains("\"code\":\"connect_in_tunnel\"");
        }
        assertThat(up.pendingRequests()).isZero();
    }

    @Test
    void revokedTokenGets407OnItsNextStreamAndTheWholeH2ConnectionCloses() throws Exception {
        ScriptedUpstream up = echoingUpstream();
        try (H2TunnelClient c = h2Tunnel(up)) {
            assertThat(c.request(get(up, "/one")).status()).isEqualTo(200);
            fx.tokens.remove(token);
            H2TunnelClient.Response r = c.request(get(up, "/two"));
            assertThat(r.status()).isEqualTo(407);
            assertThat(r.body()).contains("\"code\":\"token_invalid\"");
            assertThat(c.closedWithin(Duration.ofSeconds(30))).as("the connection closes, not just the stream").isTrue();
        }
        assertThat(up.takeRequest().target()).isEqualTo("/one");
        assertThat(up.pendingRequests()).isZero();
    }

    @Test
    void revokingTheSessionClosesTheWholeH2Connection() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            ex.startChunked(200, Map.of("Content-Type", "text/event-stream"));
            ex.chunk("data: one\n\n");
            awaitQuietly(released);
            ex.chunk("data: after-revocation\n\n");
            ex.endChunks();
        });
        service(up);
        try {
            HttpResponse<InputStream> r = h2().send(HttpRequest.newBuilder(url(up, "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("data: one");
            assertThat(fx.proxy.closeSession(fx.sessionOf(token))).as("the connection, not its streams, is registered").isEqualTo(1);
            assertThatThrownBy(() -> {
                String line;
                while ((line = lines.readLine()) != null) {
                    assertThat(line).doesNotContain("after-revocation");
                }
                throw new AssertionError("the stream ended cleanly although its connection was closed");
            }).isInstanceOf(IOException.class);
        } finally {
            released.countDown();
        }
    }

    @Test
    void streamedResponseArrivesIncrementallyOverH2() throws Exception {
        CountDownLatch clientGotFirst = new CountDownLatch(1);
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            ex.startChunked(200, Map.of("Content-Type", "text/event-stream"));
            ex.chunk("data: one\n\n");
            boolean streamed = awaitQuietly(clientGotFirst);
            ex.chunk(streamed ? "data: two\n\n" : "data: buffered\n\n");
            ex.endChunks();
        });
        service(up);
        HttpResponse<java.util.stream.Stream<String>> r = h2().send(HttpRequest.newBuilder(url(up, "/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
        assertThat(r.headers().map()).doesNotContainKeys("transfer-encoding", "connection");
        var lines = r.body().filter(l -> !l.isEmpty()).peek(l -> clientGotFirst.countDown()).collect(Collectors.toList());
        assertThat(lines).containsExactly("data: one", "data: two");
    }

    @Test
    void eightMebibyteUploadStreamsThroughOverH2WithoutBeingBuffered() throws Exception {
        long size = 8L << 20;
        ScriptedUpstream up = fx.upstream((req, ex) -> ex.respond(200, "text/plain", Long.toString(req.bodyLength())));
        service(up);
        InputStream generator = new UploadGenerator(size, up);
        HttpRequest req = HttpRequest.newBuilder(url(up, "/upload"))
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> generator), size))
                .build();
        HttpResponse<String> r = h2().send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Long.toString(size));
        ScriptedUpstream.RecordedRequest seen = up.takeRequest();
        assertThat(seen.bodyLength()).isEqualTo(size);
        assertThat(seen.header("Content-Length")).isEqualTo(Long.toString(size));
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
        assertThat(seen.header("Expect")).as("av answers 100-continue itself").isNull();
    }

    private RealClients.Result curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-w", "\n%{http_code} %{http_version}"));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("HTTPS_PROXY", fx.proxyUrl(token));
        env.put("CURL_CA_BUNDLE", fx.caFile().toString());
        return RealClients.run(command, env, Duration.ofSeconds(60));
    }

    private static boolean curlSpeaksHttp2() throws Exception {
        if (!RealClients.available("curl")) {
            return false;
        }
        RealClients.Result v = RealClients.run(List.of("curl", "-V"), Map.of(), Duration.ofSeconds(20));
        return v.stdout().lines().anyMatch(l -> l.startsWith("Features:") && l.contains("HTTP2"));
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
