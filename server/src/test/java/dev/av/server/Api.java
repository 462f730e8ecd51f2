package dev.av.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny real HTTP client for tests: JDK HttpClient against a running av. */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String token;

    public Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public Api as(String otherToken) {
        return new Api(base, otherToken);
    }

    public String token() {
        return token;
    }

    /** A response: status and parsed JSON (null when the body is empty). */
    public record Res(int status, JsonNode json, String body) {
        public JsonNode data() {
            return json.get("data");
        }

        public JsonNode auth() {
            return json.get("auth");
        }

        public String error() {
            return json == null || !json.has("errors") || json.get("errors").isEmpty() ? "" : json.get("errors").get(0).asText();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Res get(String path) {
        return send("GET", path, null, null);
    }

    public Res list(String path) {
        return send("LIST", path, null, null);
    }

    public Res delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Res post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    public Res put(String path, String json) {
        return send("PUT", path, json, "application/json");
    }

    public Res send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/" + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("X-Vault-Token", token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
            return new Res(r.statusCode(), n, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient client() {
        return client;
    }

    public String base() {
        return base;
    }
}
