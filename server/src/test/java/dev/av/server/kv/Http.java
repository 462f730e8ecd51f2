package dev.av.server.kv;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A JDK HttpClient speaking av's API on loopback, for tests: method, path, JSON body, token. */
final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> data() {
            return body == null ? null : (Map<String, Object>) body.get("data");
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String address;
    private final String token;

    Http(String address, String token) {
        this.address = address;
        this.token = token;
    }

    Http withToken(String other) {
        return new Http(address, other);
    }

    Reply call(String method, String path, Object body) {
        return call(method, path, body, method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
    }

    Reply call(String method, String path, Object body, String contentType) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(address + "/v1/" + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                b.header("Content-Type", contentType);
            }
            if (token != null) {
                b.header("X-Vault-Token", token);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> parsed = r.body() == null || r.body().isBlank() ? null
                    : JSON.readValue(r.body(), new TypeReference<Map<String, Object>>() { });
            return new Reply(r.statusCode(), parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
