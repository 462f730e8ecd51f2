package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.ScriptedUpstream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bodies stream both ways: SSE, echoes scrubbed across chunk boundaries, a 100 MiB upload. */
class StreamingTest {

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

    private void service(ScriptedUpstream up) {
        Map<String, Object> m = new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token"));
        fx.service("github", m);
    }

    @Test
    void serverSentEventsReachTheClientOneAtATime() throws Exception {
        CountDownLatch clientGotFirst = new CountDownLatch(1);
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            ex.startChunked(200, Map.of("Content-Type", "text/event-stream"));
            ex.chunk("data: one\n\n");
            boolean streamed = awaitQuietly(clientGotFirst);
            ex.chunk(streamed ? "data: two\n\n" : "data: buffered\n\n");
            ex.endChunks();
        });
        service(up);
        HttpResponse<java.util.stream.Stream<String>> r = fx.client(token).send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/events")).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
        var lines = r.body().filter(l -> !l.isEmpty()).peek(l -> clientGotFirst.countDown()).collect(Collectors.toList());
        assertThat(lines).containsExactly("data: one", "data: two");
    }

    @Test
    void secretEchoedSplitAcrossTwoChunksIsScrubbedAndAudited() throws Exception {
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            String auth = req.header("Authorization");
            ex.startChunked(200, Map.of("Content-Type", "application/json", "X-Echo", auth));
            int half = auth.length() / 2;
            ex.chunk("{\"you_sent\":\"" + auth.substring(0, half));
            ex.chunk(auth.substring(half) + "\",\"raw\":\"" + ProxyFixture.SECRET.substring(0, 5));
            ex.chunk(ProxyFixture.SECRET.substring(5) + "\"}");
            ex.endChunks();
        });
        service(up);
        HttpResponse<String> r = fx.client(token).send(HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/echo")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(up.takeRequest().header("Authorization")).isEqualTo("Bearer " + ProxyFixture.SECRET);
        assertThat(r.body()).doesNotContain(ProxyFixture.SECRET).startsWith("{\"you_sent\":\"*").endsWith("*\"}");
        assertThat(r.body()).hasSize(("{\"you_sent\":\"Bearer " + ProxyFixture.SECRET + "\",\"raw\":\"" + ProxyFixture.SECRET + "\"}").length());
        assertThat(r.headers().firstValue("X-Echo").orElseThrow()).doesNotContain(ProxyFixture.SECRET);
        ProxyAuditEvent.Response audit = fx.audit.next(ProxyAuditEvent.Response.class, e -> e.status() == 200);
        assertThat(audit.scrubbed()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void hundredMebibyteUploadStreamsWithoutBeingBuffered() throws Exception {
        long size = 100L << 20;
        ScriptedUpstream up = fx.upstream((req, ex) -> ex.respond(200, "text/plain", Long.toString(req.bodyLength())));
        service(up);
        InputStream generator = new UploadGenerator(size, up);
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/upload"))
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> generator), size))
                .build();
        HttpResponse<String> r = fx.client(token).send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Long.toString(size));
        ScriptedUpstream.RecordedRequest seen = up.takeRequest();
        assertThat(seen.bodyLength()).isEqualTo(size);
        assertThat(seen.header("Expect")).as("av answers 100-continue itself").isNull();
    }

    @Test
    void aClientThatStopsReadingHoldsTheUpstreamBackInsteadOfAvBufferingTheBody() throws Exception {
        long size = 128L << 20;
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            ex.raw("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size + "\r\n\r\n");
            byte[] piece = new byte[64 << 10];
            java.util.Arrays.fill(piece, (byte) 'z');
            for (long sent = 0; sent < size; sent += piece.length) {
                ex.rawOut().write(piece);
                written.addAndGet(piece.length);
            }
            ex.rawOut().flush();
        });
        service(up);
        HttpResponse<InputStream> r = fx.client(token).send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/big")).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            // nothing read for a while: only the sockets' buffers (a few MiB each on loopback) and av's
            // bounded outbound buffer can hold what the upstream wrote meanwhile
            long before;
            do {
                before = written.get();
                Thread.sleep(500);
            } while (written.get() != before && written.get() < size);
            assertThat(written.get()).as("bytes the upstream could write while the client read nothing").isLessThan(64L << 20);
            assertThat(body.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(size);
        }
        assertThat(written.get()).isEqualTo(size);
    }

    @Test
    void chunkedUploadWithUnknownLengthIsForwardedChunked() throws Exception {
        ScriptedUpstream up = fx.upstream((req, ex) -> ex.respond(200, "text/plain", req.bodyText()));
        service(up);
        HttpClient client = fx.client(token);
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://localhost:" + up.port() + "/c"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("streamed body".getBytes()))).build();
        assertThat(client.send(req, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("streamed body");
        assertThat(up.takeRequest().header("Transfer-Encoding")).isEqualTo("chunked");
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
