package dev.av.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.av.api.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny Vault-shaped server on loopback for CLI tests that do not need the real av: a root token,
 * a KV-ish store at any path, a {@code denied/} prefix that answers 403, token create/lookup.
 * Tests against the real server are in {@code *EndToEndTest}.
 */
final class FakeAv implements AutoCloseable {

    static final String ROOT = "avs.root-token";

    record Call(String method, String path, String query, Object body) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Object> store = new ConcurrentHashMap<>();
    private final Map<String, List<String>> tokens = new ConcurrentHashMap<>(Map.of(ROOT, List.of("root")));
    private final HttpServer server;

    FakeAv() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring("/v1/".length());
            String query = ex.getRequestURI().getRawQuery();
            String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Object body = text.isEmpty() ? null : Json.parse(text);
            String method = ex.getRequestMethod();
            calls.add(new Call(method, path, query, body));
            if (path.equals("sys/seal-status")) {
                reply(ex, 200, Map.of("type", "shamir", "initialized", true, "sealed", false, "t", 1, "n", 1,
                        "progress", 0, "version", "0.1.0", "storage_type", "inmem"));
                return;
            }
            String token = ex.getRequestHeaders().getFirst("X-Vault-Token");
            if (token == null || !tokens.containsKey(token)) {
                reply(ex, 403, Map.of("errors", List.of("permission denied")));
                return;
            }
            if (path.startsWith("denied/")) {
                reply(ex, 403, Map.of("errors", List.of("permission denied")));
                return;
            }
            switch (path) {
                case "auth/token/lookup-self" -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("accessor", "acc-" + token.hashCode());
                    data.put("id", token);
                    data.put("policies", tokens.get(token));
                    data.put("ttl", 0);
                    data.put("creation_ttl", 3600);
                    data.put("renewable", false);
                    reply(ex, 200, envelope(data, null));
                    return;
                }
                case "auth/token/create" -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> req = body == null ? Map.of() : (Map<String, Object>) body;
                    String child = "avs.child" + tokens.size();
                    @SuppressWarnings("unchecked")
                    List<String> pol = (List<String>) req.getOrDefault("policies", List.of("default"));
                    tokens.put(child, pol);
                    Map<String, Object> auth = new LinkedHashMap<>();
                    auth.put("client_token", child);
                    auth.put("accessor", "acc-child");
                    auth.put("policies", pol);
                    auth.put("token_policies", pol);
                    auth.put("metadata", req.get("meta"));
                    auth.put("lease_duration", 3600);
                    auth.put("renewable", true);
                    reply(ex, 200, envelope(null, auth));
                    return;
                }
                default -> {
                }
            }
            boolean list = query != null && query.contains("list=true");
            switch (method) {
                case "GET" -> {
                    if (list) {
                        String prefix = path.endsWith("/") ? path : path + "/";
                        TreeSet<String> keys = new TreeSet<>();
                        for (String k : store.keySet()) {
                            if (k.startsWith(prefix)) {
                                String rest = k.substring(prefix.length());
                                int slash = rest.indexOf('/');
                                keys.add(slash >= 0 ? rest.substring(0, slash + 1) : rest);
                            }
                        }
                        if (keys.isEmpty()) {
                            reply(ex, 404, Map.of("errors", List.of()));
                        } else {
                            reply(ex, 200, envelope(Map.of("keys", new ArrayList<>(keys)), null));
                        }
                    } else if (store.containsKey(path)) {
                        reply(ex, 200, envelope(store.get(path), null));
                    } else {
                        reply(ex, 404, Map.of("errors", List.of()));
                    }
                }
                case "PUT", "POST" -> {
                    store.put(path, body == null ? Map.of() : body);
                    ex.sendResponseHeaders(204, -1);
                }
                case "PATCH" -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> old = (Map<String, Object>) store.get(path);
                    if (old == null) {
                        reply(ex, 404, Map.of("errors", List.of("no value at " + path)));
                        return;
                    }
                    Map<String, Object> merged = new LinkedHashMap<>(old);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> patch = (Map<String, Object>) body;
                    merged.putAll(patch);
                    store.put(path, merged);
                    reply(ex, 200, envelope(merged, null));
                }
                case "DELETE" -> {
                    store.remove(path);
                    ex.sendResponseHeaders(204, -1);
                }
                default -> reply(ex, 405, Map.of("errors", List.of("unsupported operation")));
            }
        }
    }

    private static Map<String, Object> envelope(Object data, Object auth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", "req-1");
        m.put("lease_id", "");
        m.put("renewable", false);
        m.put("lease_duration", 0);
        m.put("data", data);
        m.put("wrap_info", null);
        m.put("warnings", null);
        m.put("auth", auth);
        return m;
    }

    private static void reply(HttpExchange ex, int status, Object json) throws IOException {
        byte[] b = Json.write(json).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }
}
