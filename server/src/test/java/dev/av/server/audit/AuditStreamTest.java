package dev.av.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET sys/audit-tail/stream}: server-sent events read by a real client (JDK HttpClient) on loopback. */
class AuditStreamTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    AvServer av;
    Api api;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        // a short heartbeat so that the server notices the hung-up followers quickly when the test ends
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0")
                .properties(Map.of("av.audit.stream-heartbeat", "500ms")).build());
        api = new Api(av.apiAddress(), av.rootToken());
        Api.Res on = api.put("sys/audit/file", JSON.writeValueAsString(Map.of("type", "file",
                "options", Map.of("file_path", dir.resolve("audit.log").toString()))));
        assertThat(on.status()).as(on.toString()).isEqualTo(204);
    }

    @AfterEach
    void stop() {
        http.shutdownNow(); // the followers hang up first
        av.close();
    }

    /** Opens the stream; its data lines go into the returned queue (read by the client's own thread). */
    private BlockingQueue<String> open(String token, String query) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(av.apiAddress() + "/v1/sys/audit-tail/stream" + query))
                .header("X-Vault-Token", token).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (Stream<String> body = resp.body()) {
                body.filter(l -> l.startsWith("data:")).forEach(l -> lines.add(l.substring(5).strip()));
            } catch (java.io.UncheckedIOException closed) {
                // the test hung up
            }
        });
        return lines;
    }

    private static JsonNode next(BlockingQueue<String> lines, String path, String type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String l = lines.poll(500, TimeUnit.MILLISECONDS);
            if (l == null || l.isEmpty()) {
                continue;
            }
            JsonNode n = JSON.readTree(l);
            if (path.equals(n.at("/request/path").asText()) && type.equals(n.get("type").asText())) {
                return n;
            }
        }
        throw new AssertionError("no " + type + " entry for " + path + " arrived on the stream");
    }

    @Test
    void aFollowerReceivesNewEntriesAsServerSentEventsHmacdLikeTheDevice() throws Exception {
        BlockingQueue<String> lines = open(av.rootToken(), "");
        assertThat(api.get("sys/mounts").status()).isEqualTo(200);
        JsonNode request = next(lines, "sys/mounts", "request");
        assertThat(request.at("/auth/client_token").asText()).startsWith("hmac-sha256:")
                .isEqualTo(api.post("sys/audit-hash/file", "{\"input\":\"" + av.rootToken() + "\"}").data().get("hash").asText());
        assertThat(next(lines, "sys/mounts", "response").at("/av/status_code").asInt()).isEqualTo(200);
        assertThat(String.join("", lines)).doesNotContain(av.rootToken());
    }

    @Test
    void theDecisionAndAgentFiltersApplyToTheStream() throws Exception {
        BlockingQueue<String> denials = open(av.rootToken(), "?decision=deny");
        String weak = api.post("auth/token/create", "{\"policies\":[\"default\"]}").auth().get("client_token").asText();
        assertThat(api.get("sys/mounts").status()).isEqualTo(200);
        assertThat(api.as(weak).get("secret/data/nope").status()).isEqualTo(403);
        JsonNode denied = next(denials, "secret/data/nope", "request");
        assertThat(denied.at("/av/decision/allowed").asBoolean()).isFalse();
        assertThat(denials).noneMatch(l -> l.contains("\"path\":\"sys/mounts\""));

        BlockingQueue<String> ofAgent = open(av.rootToken(), "?agent=nobody-" + System.nanoTime());
        assertThat(api.get("sys/mounts").status()).isEqualTo(200);
        assertThat(ofAgent.poll(1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void withoutSudoOrWithABadFilterTheStreamIsRefusedAsTheApiWould() throws Exception {
        String weak = api.post("auth/token/create", "{\"policies\":[\"default\"]}").auth().get("client_token").asText();
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(
                URI.create(av.apiAddress() + "/v1/sys/audit-tail/stream")).header("X-Vault-Token", weak).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("\"errors\"");
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(
                URI.create(av.apiAddress() + "/v1/sys/audit-tail/stream?decision=maybe"))
                .header("X-Vault-Token", av.rootToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("decision");
    }
}
