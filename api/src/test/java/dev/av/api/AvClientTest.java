package dev.av.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a small real HTTP server on loopback (the JDK's com.sun.net.httpserver). */
class AvClientTest {

    record Seen(String method, String uri, String token, String contentType, String body) {
    }

    private HttpServer server;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private String address;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/", this::handle);
        server.start();
        address = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()),
                ex.getRequestHeaders().getFirst("X-Vault-Token"), ex.getRequestHeaders().getFirst("Content-Type"), body));
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/v1/secret/data/app" -> reply(ex, 200, false,
                    "{\"request_id\":\"r1\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
                            + "\"data\":{\"data\":{\"password\":\"s3cr3t\"},\"metadata\":{\"version\":3}},"
                            + "\"wrap_info\":null,\"warnings\":[\"careful\"],\"auth\":null}");
            case "/v1/secret/data/denied" -> reply(ex, 403, false, "{\"errors\":[\"permission denied\"]}");
            case "/v1/secret/data/missing" -> reply(ex, 404, false, "{\"errors\":[]}");
            case "/v1/secret/data/deleted" -> reply(ex, 404, false,
                    "{\"data\":{\"data\":null,\"metadata\":{\"deletion_time\":\"2026-01-01T00:00:00Z\"}}}");
            case "/v1/chunked" -> reply(ex, 200, true, "{\"data\":{\"keys\":[\"a\",\"b/\"]}}");
            case "/v1/empty" -> {
                ex.sendResponseHeaders(204, -1);
                ex.close();
            }
            case "/v1/proxy-error" -> {
                byte[] b = "Bad Gateway".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(502, b.length);
                ex.getResponseBody().write(b);
                ex.close();
            }
            case "/v1/auth/token/create" -> reply(ex, 200, false,
                    "{\"auth\":{\"client_token\":\"avs.child\",\"accessor\":\"acc\",\"policies\":[\"default\"],"
                            + "\"lease_duration\":3600,\"renewable\":true}}");
            default -> reply(ex, 200, false, "{\"data\":{\"path\":\"" + path + "\"}}");
        }
    }

    private static void reply(HttpExchange ex, int status, boolean chunked, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, chunked ? 0 : b.length);
        if (chunked) {
            for (int i = 0; i < b.length; i += 7) {
                ex.getResponseBody().write(b, i, Math.min(7, b.length - i));
                ex.getResponseBody().flush();
            }
        } else {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    @Test
    void readSendsTheTokenAndParsesVaultsEnvelope() {
        AvClient av = AvClient.of(address, "avs.root");
        ApiResponse r = av.read("secret/data/app").orElseThrow();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data()).containsEntry("data", Map.of("password", "s3cr3t"));
        assertThat(r.warnings()).containsExactly("careful");
        assertThat(seen.peek()).isEqualTo(new Seen("GET", "/v1/secret/data/app", "avs.root", null, ""));
    }

    @Test
    void writeSendsAJsonBodyWithPut() {
        AvClient.of(address, "t").write("/secret/data/x", Map.of("data", Map.of("k", "v")));
        Seen s = seen.peek();
        assertThat(s.method()).isEqualTo("PUT");
        assertThat(s.uri()).isEqualTo("/v1/secret/data/x");
        assertThat(s.contentType()).isEqualTo("application/json");
        assertThat(Json.parse(s.body())).isEqualTo(Map.of("data", Map.of("k", "v")));
    }

    @Test
    void patchSendsAMergePatch() {
        AvClient.of(address, "t").patch("secret/data/x", Map.of("data", Map.of("k", "v2")));
        assertThat(seen.peek().method()).isEqualTo("PATCH");
        assertThat(seen.peek().contentType()).isEqualTo("application/merge-patch+json");
    }

    @Test
    void listIsSentAsGetWithListTrueAndChunkedAnswersAreRead() {
        ApiResponse r = AvClient.of(address, null).list("chunked").orElseThrow();
        assertThat(r.data()).containsEntry("keys", List.of("a", "b/"));
        assertThat(seen.peek().uri()).isEqualTo("/v1/chunked?list=true");
        assertThat(seen.peek().token()).isNull();
    }

    @Test
    void anErrorStatusBecomesAnApiExceptionWithTheServersMessages() {
        assertThatThrownBy(() -> AvClient.of(address, "t").read("secret/data/denied"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.isPermissionDenied()).isTrue();
                    assertThat(e.errors()).containsExactly("permission denied");
                    assertThat(e.getMessage()).isEqualTo("permission denied");
                });
    }

    @Test
    void aMissingPathReadsAsEmptyButADeletedVersionKeepsItsMetadata() {
        AvClient av = AvClient.of(address, "t");
        assertThat(av.read("secret/data/missing")).isEmpty();
        ApiResponse deleted = av.read("secret/data/deleted").orElseThrow();
        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.data()).containsKey("metadata");
    }

    @Test
    void aNoContentAnswerHasNoBody() {
        ApiResponse r = AvClient.of(address, "t").delete("empty");
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isNull();
        assertThat(r.data()).isNull();
    }

    @Test
    void aNonJsonErrorBodyStillGivesAReadableError() {
        assertThatThrownBy(() -> AvClient.of(address, "t").write("proxy-error", Map.of()))
                .isInstanceOf(ApiException.class).hasMessage("Bad Gateway");
    }

    @Test
    void theAuthBlockGivesTheNewToken() {
        ApiResponse r = AvClient.of(address, "t").write("auth/token/create", Map.of("policies", List.of("default")));
        assertThat(r.clientToken()).isEqualTo("avs.child");
        assertThat(r.auth()).containsEntry("lease_duration", 3600L);
    }

    @Test
    void pathsAndQueriesArePercentEncoded() {
        AvClient.of(address, "t").read("secret/data/a b/ü", Map.of("version", "1&2"));
        assertThat(seen.peek().uri()).isEqualTo("/v1/secret/data/a%20b/%C3%BC?version=1%262");
    }

    @Test
    void anUnreachableServerIsATransportErrorNamingTheAddress() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String addr = "http://127.0.0.1:" + port;
        assertThatThrownBy(() -> AvClient.of(addr, "t").read("sys/health"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.isTransport()).isTrue();
                    assertThat(e.getMessage()).contains(addr).contains("connection refused");
                });
    }

    @Test
    void aBadAddressIsRefusedUpFront() {
        assertThatThrownBy(() -> AvClient.of("127.0.0.1:14321", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
    }

    @Test
    void headersCannotBeSmuggledIntoTheRequest() {
        AvClient av = AvClient.of(address, "t");
        assertThatThrownBy(() -> av.send("GET", "x", Map.of(), null, Map.of("X-Evil", "a\r\nX-Vault-Token: b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTokenHelperFileIsPrivateAndUsedWhenAvTokenIsUnset(@TempDir Path home) throws IOException {
        TokenHelper helper = TokenHelper.forEnvironment(Map.of(), home);
        helper.store("avs.stored");
        assertThat(Files.getPosixFilePermissions(helper.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(ClientConfig.fromEnvironment(Map.of(), home).token()).isEqualTo("avs.stored");
        assertThat(ClientConfig.fromEnvironment(Map.of("AV_TOKEN", "avs.env"), home).token()).isEqualTo("avs.env");
        helper.erase();
        assertThat(ClientConfig.fromEnvironment(Map.of(), home).token()).isNull();
    }

    @Test
    void configDefaultsToTheLocalAddressAndNeverPrintsTheToken() {
        ClientConfig c = ClientConfig.fromEnvironment(Map.of("AV_TOKEN", "avs.secret-value"), Path.of("/nonexistent"));
        assertThat(c.address()).isEqualTo("http://127.0.0.1:14321");
        assertThat(c.toString()).doesNotContain("secret-value");
    }
}
