package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.ScriptedUpstream.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every auth rule and substitution surface, with the JDK HttpClient through a real proxy. */
class InjectionTest {

    private ProxyFixture fx;
    private ScriptedUpstream up;
    private String token;

    @BeforeEach
    void start() throws Exception {
        fx = new ProxyFixture().start();
        up = fx.upstream((req, ex) -> ex.respond(200, "application/json", "{\"seen\":\"" + req.target().replace("\"", "") + "\"}"));
        token = fx.token("agent-a");
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + pathAndQuery));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return fx.client(token).send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> svc(Object... kv) {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("host", "localhost", "port", up.port()));
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void bearerCredentialIsInjectedAndReplacesTheClientsOwnAuthorization() throws Exception {
        fx.service("github", svc("auth", "bearer", "credential", "secret/data/github#token"));
        HttpResponse<String> r = get("/user", "Authorization", "Bearer client-supplied", "X-Custom", "kept");
        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest seen = up.takeRequest();
        assertThat(seen.headers("Authorization")).containsExactly("Bearer " + ProxyFixture.SECRET);
        assertThat(seen.header("Proxy-Authorization")).isNull();
        assertThat(seen.header("X-Custom")).isEqualTo("kept");
        assertThat(seen.header("Host")).isEqualTo("localhost:" + up.port());
        assertThat(r.body()).doesNotContain(ProxyFixture.SECRET);
    }

    @Test
    void basicAuthCombinesUsernameAndCredential() throws Exception {
        fx.service("gh-basic", svc("auth", "basic", "credential", "secret/data/github#token",
                "username_credential", "secret/data/github#user"));
        assertThat(get("/").statusCode()).isEqualTo(200);
        String expected = "Basic " + Base64.getEncoder().encodeToString(("octocat:" + ProxyFixture.SECRET).getBytes(StandardCharsets.UTF_8));
        assertThat(up.takeRequest().header("Authorization")).isEqualTo(expected);
    }

    @Test
    void headerAuthSetsTheNamedHeaderOverTheClientsValue() throws Exception {
        fx.service("gh-header", svc("auth", "header", "header", "X-Api-Key", "credential", "secret/data/github#token"));
        assertThat(get("/", "x-api-key", "forged").statusCode()).isEqualTo(200);
        RecordedRequest seen = up.takeRequest();
        assertThat(seen.headers("X-Api-Key")).containsExactly(ProxyFixture.SECRET);
        assertThat(seen.header("Authorization")).isNull();
    }

    @Test
    void queryAuthReplacesEveryClientOccurrenceOfTheParameter() throws Exception {
        fx.service("gh-query", svc("auth", "query", "query_param", "api_key", "credential", "secret/data/github#token"));
        HttpResponse<String> r = get("/search?q=x&api_key=forged&api_key=again");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(up.takeRequest().target()).isEqualTo("/search?q=x&api_key=" + ProxyFixture.SECRET);
        assertThat(r.body()).as("the upstream echoed the target; the secret is scrubbed").doesNotContain(ProxyFixture.SECRET);
    }

    @Test
    void templateAuthRendersTheCredentialIntoTheHeader() throws Exception {
        fx.service("gh-template", svc("auth", "template", "template", "token {{ credential }}", "credential", "secret/data/github#token"));
        assertThat(get("/").statusCode()).isEqualTo(200);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("token " + ProxyFixture.SECRET);
    }

    @Test
    void passthroughInjectsNothingAndKeepsTheClientsHeader() throws Exception {
        fx.service("open", svc("auth", "passthrough"));
        assertThat(get("/", "Authorization", "Bearer mine").statusCode()).isEqualTo(200);
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer mine");
        assertThat(fx.secretReads.get()).isZero();
    }

    @Test
    void placeholdersAreSwappedOnAllowedSurfacesOnly() throws Exception {
        fx.service("subs", svc("auth", "passthrough", "substitutions", List.of(
                Map.of("placeholder", "__GH_TOKEN__", "credential", "secret/data/github#token", "surfaces", List.of("path", "query", "header")))));
        HttpResponse<String> r = fx.client(token).send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + up.port() + "/t/__GH_TOKEN__/x?k=__GH_TOKEN__"))
                .header("X-Token", "token __GH_TOKEN__")
                .POST(HttpRequest.BodyPublishers.ofString("body __GH_TOKEN__")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest seen = up.takeRequest();
        assertThat(seen.target()).isEqualTo("/t/" + ProxyFixture.SECRET + "/x?k=" + ProxyFixture.SECRET);
        assertThat(seen.header("X-Token")).isEqualTo("token " + ProxyFixture.SECRET);
        assertThat(seen.bodyText()).as("body is not an allowed surface here").isEqualTo("body __GH_TOKEN__");
        assertThat(r.body()).doesNotContain(ProxyFixture.SECRET);
    }

    @Test
    void bodyPlaceholderIsSwappedInAStreamedBody() throws Exception {
        fx.service("subs-body", svc("auth", "passthrough", "substitutions", List.of(
                Map.of("placeholder", "__GH_TOKEN__", "credential", "secret/data/github#token", "surfaces", List.of("body")))));
        HttpResponse<String> r = fx.client(token).send(HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/__GH_TOKEN__"))
                .header("X-Token", "__GH_TOKEN__")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"__GH_TOKEN__\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest seen = up.takeRequest();
        assertThat(seen.bodyText()).isEqualTo("{\"token\":\"" + ProxyFixture.SECRET + "\"}");
        assertThat(seen.target()).isEqualTo("/__GH_TOKEN__");
        assertThat(seen.header("X-Token")).isEqualTo("__GH_TOKEN__");
    }

    @Test
    void theAuditRecordsTheDecisionBeforeAndTheStatusAfterWithoutTheSecret() throws Exception {
        fx.service("github", svc("credential", "secret/data/github#token"));
        assertThat(get("/repos").statusCode()).isEqualTo(200);
        ProxyAuditEvent.Request req = fx.audit.next(ProxyAuditEvent.Request.class, e -> e.method().equals("GET"));
        ProxyAuditEvent.Response resp = fx.audit.next(ProxyAuditEvent.Response.class, e -> e.status() != 407);
        assertThat(req.decision()).isEqualTo("allow");
        assertThat(req.service()).isEqualTo("github");
        assertThat(req.path()).isEqualTo("/repos");
        assertThat(resp.requestId()).isEqualTo(req.requestId());
        assertThat(resp.status()).isEqualTo(200);
        assertThat(resp.toString() + req).doesNotContain(ProxyFixture.SECRET);
    }

    @Test
    void credentialsAreCachedAndUpstreamConnectionsReused() throws Exception {
        fx.service("github", svc("credential", "secret/data/github#token"));
        var client = fx.client(token);
        for (int i = 0; i < 3; i++) {
            var r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/n/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(fx.secretReads.get()).isEqualTo(1);
        assertThat(up.connectionCount()).isEqualTo(1);
    }

    @Test
    void anIdlePooledUpstreamConnectionIsWatchedAndDroppedWhenTheUpstreamSendsWhatNobodyAskedFor() throws Exception {
        var afterIdle = new java.util.concurrent.CompletableFuture<Integer>();
        var clientHasTheAnswer = new java.util.concurrent.CountDownLatch(1);
        ScriptedUpstream rude = fx.upstream((req, ex) -> {
            ex.respond(200, "text/plain", "ok");
            try {
                clientHasTheAnswer.await(10, java.util.concurrent.TimeUnit.SECONDS);
                Thread.sleep(100);   // av returns the connection to its pool once the answer is written
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // a second response nobody asked for, while av holds the connection idle in its pool
            ex.raw("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            afterIdle.complete(ex.rawIn().read());   // -1 once av closes its end
            ex.closeAfter();
        });
        fx.service("rude", Map.of("host", "localhost", "port", rude.port(), "credential", "secret/data/github#token"));
        var r = fx.client(token).send(HttpRequest.newBuilder(URI.create("https://localhost:" + rude.port() + "/once")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        clientHasTheAnswer.countDown();
        // no second request is sent: av notices the stray bytes on the idle connection by itself
        assertThat(afterIdle.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(-1);
    }

    @Test
    void aSecondResponseSentRightBehindTheFirstNeverReachesTheClientAndTheConnectionIsNotReused() throws Exception {
        ScriptedUpstream doubled = fx.upstream((req, ex) ->
                ex.raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray"));
        fx.service("doubled", Map.of("host", "localhost", "port", doubled.port(), "credential", "secret/data/github#token"));
        var client = fx.client(token);
        for (int i = 0; i < 2; i++) {
            var r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + doubled.port() + "/n/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
        assertThat(doubled.connectionCount()).isEqualTo(2);
    }
}
