package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.ScriptedUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The synchronous fast path (a request planned on the event loop when every step is answered from
 * memory) decides, injects and refuses exactly like the executor path, and nothing that may block
 * ever runs on an event loop ({@link ProxyFixture} records the thread of every blocking call and
 * fails on close when one ran on a loop).
 */
class FastPathTest {

    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");

    /** The same requests, each sent twice (the first fills the caches), through a proxy with the fast path on or off. */
    private static List<String> outcomes(boolean fastPath, ProxyFixture fx) throws Exception {
        fx.fastPath = fastPath;
        fx.start();
        ScriptedUpstream up = fx.upstream((req, ex) -> ex.respond(200, "text/plain",
                "seen " + req.target() + " auth=" + (ProxyFixture.SECRET.equals(bearer(req)) ? "injected" : String.valueOf(bearer(req)))));
        fx.service("github", Map.of("host", "localhost", "port", up.port(), "auth", "bearer",
                "credential", "secret/data/github#token", "paths", List.of("/api/*"),
                "substitutions", List.of(Map.of("placeholder", "__GH__", "credential", "secret/data/github#token",
                        "surfaces", List.of("query")))));
        fx.policy.set((p, r) -> r.path().startsWith("/api/admin") ? AccessDecision.deny("admins only", "read /api/*")
                : AccessDecision.allow(List.of("agents")));
        String token = fx.token("agent-a");
        HttpClient client = fx.client(token);
        List<String> out = new ArrayList<>();
        for (String target : List.of("/api/user", "/api/user?q=__GH__", "/api/admin/keys", "/other", "/api/%2e%2e/admin",
                "/api/user", "/api/admin/keys", "/other")) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + target))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                Matcher m = CODE.matcher(r.body());
                String body = r.statusCode() == 200 ? r.body().replace(ProxyFixture.SECRET, "<secret>") : m.find() ? m.group(1) : r.body();
                ProxyAuditEvent.Request audited = fx.audit.next(ProxyAuditEvent.Request.class, e -> !e.method().equals("CONNECT"));
                out.add(target + " -> " + r.statusCode() + " " + body + " | audit " + audited.decision() + " " + audited.code()
                        + " " + audited.grantingPolicies());
            }
        }
        return out;
    }

    private static String bearer(ScriptedUpstream.RecordedRequest req) {
        String a = req.header("Authorization");
        return a == null ? null : a.startsWith("Bearer ") ? a.substring(7) : a;
    }

    @Test
    void theFastPathGivesTheSameDecisionsInjectionAndProblemsAsTheExecutorPath() throws Exception {
        List<String> fast;
        List<String> slow;
        int fastOnLoop;
        try (ProxyFixture fx = new ProxyFixture()) {
            fast = outcomes(true, fx);
            fastOnLoop = fx.policyOnLoop.get();
        }
        try (ProxyFixture fx = new ProxyFixture()) {
            slow = outcomes(false, fx);
            assertThat(fx.policyOnLoop.get()).as("with the fast path off nothing is decided on an event loop").isZero();
        }
        List<String> fastAsyncAudit;
        try (ProxyFixture fx = new ProxyFixture()) {
            fx.audit.nonBlocking.set(false);
            fx.audit.async.set(true);
            fastAsyncAudit = outcomes(true, fx);
            assertThat(fx.audit.asyncOnLoop.get()).as("entries handed to the audit writers on the loop").isPositive();
        }
        assertThat(fast).isEqualTo(slow);
        assertThat(fastAsyncAudit).as("with audit devices writing asynchronously").isEqualTo(slow);
        assertThat(fast).contains(
                "/api/user -> 200 seen /api/user auth=injected | audit allow null [agents]",
                "/api/user?q=__GH__ -> 200 seen /api/user?q=" + "*".repeat(ProxyFixture.SECRET.length())
                        + " auth=injected | audit allow null [agents]",
                "/api/admin/keys -> 403 policy_denied | audit deny policy_denied []",
                "/other -> 403 path_not_allowed | audit deny path_not_allowed []",
                "/api/%2e%2e/admin -> 400 bad_path | audit deny bad_path []");
        // the second of each pair found token, credential and address cached: decided on the loop
        assertThat(fastOnLoop).as("policy decisions taken on an event loop").isPositive();
    }

    @Test
    void useLimitedTokensBlockingPoliciesAndBlockingAuditNeverRunOnTheEventLoop() throws Exception {
        try (ProxyFixture fx = new ProxyFixture().start()) {
            ScriptedUpstream up = fx.upstream();
            fx.service("github", Map.of("host", "localhost", "port", up.port(), "auth", "bearer",
                    "credential", "secret/data/github#token"));
            String limited = fx.token("agent-limited");
            fx.limitedTokens.add(fx.sessionOf(limited));
            String plain = fx.token("agent-plain");
            URI uri = URI.create("https://localhost:" + up.port() + "/x");

            for (int i = 0; i < 3; i++) {
                assertThat(fx.client(limited).send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode()).isEqualTo(200);
            }
            assertThat(fx.usesCounted).hasSize(3);
            assertThat(fx.policyOnLoop.get()).as("a use-limited token always takes the executor path").isZero();

            HttpClient client = fx.client(plain);
            fx.audit.nonBlocking.set(false);
            for (int i = 0; i < 2; i++) {
                assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                        .isEqualTo(200);
            }
            assertThat(fx.policyOnLoop.get()).as("with an audit device that may block, never on the loop").isZero();

            fx.audit.nonBlocking.set(true);
            fx.policyBlocks.set(true);
            for (int i = 0; i < 2; i++) {
                assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                        .isEqualTo(200);
            }
            assertThat(fx.policyOnLoop.get()).as("a policy that may block is never asked on the loop").isZero();

            fx.policyBlocks.set(false);
            assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(200);
            assertThat(fx.policyOnLoop.get()).as("everything cached and nothing blocking: planned on the loop").isEqualTo(1);
            assertThat(fx.secretReads.get()).as("secret reads (off the loop, checked on close)").isPositive();
        }
    }

    @Test
    void withAsynchronousAuditARequestIsForwardedOnlyOnceItsEntryIsRecorded() throws Exception {
        try (ProxyFixture fx = new ProxyFixture().start()) {
            ScriptedUpstream up = fx.upstream();
            fx.service("github", Map.of("host", "localhost", "port", up.port(), "auth", "bearer",
                    "credential", "secret/data/github#token"));
            fx.audit.nonBlocking.set(false);
            fx.audit.async.set(true);
            HttpClient client = fx.client(fx.token("agent-a"));
            URI uri = URI.create("https://localhost:" + up.port() + "/x");
            assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .as("the first request fills the caches").isEqualTo(200);
            up.takeRequest();

            fx.audit.hold.set(true);
            var pending = client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            var entry = fx.audit.nextHeldRequest();
            Thread.sleep(300);
            assertThat(up.pendingRequests()).as("nothing forwarded before the entry is recorded").isZero();
            entry.complete(null);
            assertThat(pending.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
            assertThat(fx.policyOnLoop.get()).as("planned on the event loop despite the audit device").isPositive();

            var failed = client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            var failedEntry = fx.audit.nextHeldRequest();
            failedEntry.completeExceptionally(new IllegalStateException("disk full"));
            fx.audit.hold.set(false);
            fx.audit.held.forEach(h -> h.future().complete(null));
            HttpResponse<String> refused = failed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("\"code\":\"audit_unavailable\"").doesNotContain(ProxyFixture.SECRET);
            Thread.sleep(300);
            assertThat(up.pendingRequests()).as("a request whose entry failed is never forwarded").isZero();
        }
    }

    @Test
    void aConnectWithACachedTokenToAServedHostNeedsNoBlockingAuthentication() throws Exception {
        for (boolean fastPath : new boolean[] {true, false}) {
            try (ProxyFixture fx = new ProxyFixture()) {
                fx.fastPath = fastPath;
                fx.start();
                ScriptedUpstream up = fx.upstream();
                fx.service("github", Map.of("host", "localhost", "port", up.port(), "auth", "bearer",
                        "credential", "secret/data/github#token"));
                String token = fx.token("agent-a");
                URI uri = URI.create("https://localhost:" + up.port() + "/x");
                for (int i = 0; i < 3; i++) {
                    // a new client each time: a new connection, so a new CONNECT
                    assertThat(fx.client(token).send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode()).isEqualTo(200);
                    assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
                }
                if (fastPath) {
                    assertThat(fx.authenticateCalls.get()).as("only the first request, planned off the loop to fill the credential"
                            + " and address caches; the three CONNECTs were answered from the token cache").isEqualTo(1);
                } else {
                    assertThat(fx.authenticateCalls.get()).as("every CONNECT and request authenticated off the loop").isGreaterThanOrEqualTo(6);
                }
            }
        }
    }
}
