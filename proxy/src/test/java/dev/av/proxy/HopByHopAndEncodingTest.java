package dev.av.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.net.RawProxyClient;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hop-by-hop headers named in {@code Connection} (RFC 9110 §7.6.1) stop at av in both directions,
 * and an upstream that compresses although av asked for identity encoding is still scrubbed: gzip
 * and deflate are inflated, scanned and forwarded plain; other codings are refused.
 */
class HopByHopAndEncodingTest {

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

    private RawProxyClient tunnel(ScriptedUpstream up) throws IOException {
        Map<String, Object> m = new HashMap<>(Map.of("host", "localhost", "port", up.port(), "credential", "secret/data/github#token"));
        fx.service("github", m);
        RawProxyClient c = RawProxyClient.open(fx.port());
        assertThat(c.connect("localhost:" + up.port(), token).status()).isEqualTo(200);
        c.startTls("localhost", TestCa.trusting(fx.proxy.ca().trustBundlePem()));
        return c;
    }

    @Test
    void headersNamedInConnectionAreNotForwardedInEitherDirection() throws Exception {
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            String seen = "hop=" + req.header("X-Hop") + " keep=" + req.header("X-Keep") + " proxy-auth=" + req.header("Proxy-Authorization");
            ex.respond(200, Map.of("Content-Type", "text/plain", "Connection", "X-Resp-Hop", "X-Resp-Hop", "a", "X-Resp-Keep", "b"),
                    seen.getBytes(StandardCharsets.UTF_8));
        });
        try (RawProxyClient c = tunnel(up)) {
            RawProxyClient.Response r = c.request("GET", "/h", "localhost:" + up.port(),
                    "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-Keep: 2\r\nProxy-Authorization: " + RawProxyClient.basic(token) + "\r\n", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hop=null keep=2 proxy-auth=null");
            assertThat(r.header("X-Resp-Keep")).isEqualTo("b");
            assertThat(r.header("X-Resp-Hop")).as("named in the upstream's Connection header").isNull();
        }
    }

    @Test
    void gzipEchoOfTheSecretSplitAcrossChunksIsInflatedScrubbedAndForwardedPlain() throws Exception {
        String plain = "{\"raw\":\"" + ProxyFixture.SECRET + "\",\"pad\":\"" + "x".repeat(200) + "\"}";
        int split = plain.indexOf(ProxyFixture.SECRET) + 5;
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            ex.startChunked(200, Map.of("Content-Type", "application/json", "Content-Encoding", "gzip",
                    "X-Accept-Encoding-Seen", String.valueOf(req.header("Accept-Encoding"))));
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            GZIPOutputStream gz = new GZIPOutputStream(buf, true);
            gz.write(plain.substring(0, split).getBytes(StandardCharsets.UTF_8));
            gz.flush();
            ex.chunk(buf.toByteArray());
            buf.reset();
            gz.write(plain.substring(split).getBytes(StandardCharsets.UTF_8));
            gz.close();
            ex.chunk(buf.toByteArray());
            ex.endChunks();
        });
        try (RawProxyClient c = tunnel(up)) {
            RawProxyClient.Response r = c.request("GET", "/echo", "localhost:" + up.port(), "Accept-Encoding: gzip\r\n", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Accept-Encoding-Seen")).as("av asks for identity").isEqualTo("identity");
            assertThat(r.header("Content-Encoding")).as("forwarded decompressed").isNull();
            assertThat(r.body()).doesNotContain(ProxyFixture.SECRET)
                    .isEqualTo(plain.replace(ProxyFixture.SECRET, "*".repeat(ProxyFixture.SECRET.length())));
        }
        ProxyAuditEvent.Response audit = fx.audit.next(ProxyAuditEvent.Response.class, e -> e.status() == 200);
        assertThat(audit.scrubbed()).isEqualTo(1);
    }

    @Test
    void deflateBodyWithContentLengthIsInflatedAndReframed() throws Exception {
        String plain = "token=" + ProxyFixture.SECRET + "&ok=1";
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(buf)) {
            d.write(plain.getBytes(StandardCharsets.UTF_8));
        }
        ScriptedUpstream up = fx.upstream((req, ex) -> ex.respond(200, Map.of("Content-Type", "text/plain", "Content-Encoding", "deflate"),
                buf.toByteArray()));
        try (RawProxyClient c = tunnel(up)) {
            RawProxyClient.Response r = c.request("GET", "/d", "localhost:" + up.port(), null, null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Encoding")).isNull();
            assertThat(r.header("Content-Length")).as("the compressed length no longer applies").isNull();
            assertThat(r.body()).isEqualTo("token=" + "*".repeat(ProxyFixture.SECRET.length()) + "&ok=1");
        }
    }

    @Test
    void aCodingAvCannotScanIsRefusedWith502() throws Exception {
        ScriptedUpstream up = fx.upstream((req, ex) -> ex.respond(200, Map.of("Content-Type", "text/plain", "Content-Encoding", "br"),
                new byte[] {1, 2, 3, 4}));
        try (RawProxyClient c = tunnel(up)) {
            RawProxyClient.Response r = c.request("GET", "/b", "localhost:" + up.port(), null, null);
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.body()).contains("\"code\":\"upstream_encoding_unsupported\"").contains("br");
        }
    }

    @Test
    void aCorruptGzipBodyIsCutOffAndAudited() throws Exception {
        ScriptedUpstream up = fx.upstream((req, ex) -> {
            ex.startChunked(200, Map.of("Content-Type", "text/plain", "Content-Encoding", "gzip"));
            ex.chunk("this is not gzip at all, but it claims to be".getBytes(StandardCharsets.UTF_8));
            ex.endChunks();
        });
        try (RawProxyClient c = tunnel(up)) {
            c.send(("GET /c HTTP/1.1\r\nHost: localhost:" + up.port() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(c.in().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).as("nothing unscanned reaches the client, and the response is not complete")
                    .doesNotContain("claims to be").doesNotEndWith("0\r\n\r\n");
        }
        ProxyAuditEvent.Response audit = fx.audit.next(ProxyAuditEvent.Response.class, e -> "upstream_bad_encoding".equals(e.code()));
        assertThat(audit.status()).isEqualTo(200);
    }
}
