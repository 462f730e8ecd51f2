package dev.av.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A thin client for av's Vault-style API ({@code /v1/<path>}), used by the CLI and by tests.
 *
 * <p>It speaks HTTP/1.1 over a plain (or TLS) socket itself, one connection per call, because the
 * JDK's {@code HttpClient} costs a noticeable part of a short CLI command's start-up. Requests carry
 * {@code X-Vault-Token} when a token is set; bodies are JSON; {@code LIST} is sent as
 * {@code GET ?list=true}. {@link #send} never throws on an HTTP status; the helpers
 * ({@link #read}, {@link #write}, ...) throw {@link ApiException} carrying Vault's {@code errors}.
 *
 * <pre>{@code
 * AvClient av = AvClient.fromEnvironment();           // AV_ADDR, AV_TOKEN or ~/.av-token
 * av.write("secret/data/app", Map.of("data", Map.of("password", "s3cr3t")));
 * Map<String, Object> data = av.read("secret/data/app").orElseThrow().data();
 * }</pre>
 */
public final class AvClient {

    /** Largest response body accepted (a misbehaving server must not exhaust the client). */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final ClientConfig config;
    private final boolean tls;
    private final String host;
    private final int port;
    private final String basePath;
    private volatile SSLSocketFactory sslFactory;

    public AvClient(ClientConfig config) {
        this.config = config;
        String lower = config.address().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new IllegalArgumentException("invalid address \"" + config.address()
                    + "\": it must start with http:// or https://");
        }
        URI uri;
        try {
            uri = URI.create(config.address());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid address \"" + config.address() + "\": " + e.getMessage());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("invalid address \"" + config.address()
                    + "\": it must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("invalid address \"" + config.address() + "\": no host");
        }
        this.tls = scheme.equals("https");
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        String p = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** A client from {@code AV_ADDR}, {@code AV_TOKEN} (or the token helper file) and friends. */
    public static AvClient fromEnvironment() {
        return new AvClient(ClientConfig.fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    public static AvClient of(String address, String token) {
        return new AvClient(new ClientConfig(address, token, null, false, null));
    }

    public ClientConfig config() {
        return config;
    }

    public String address() {
        return config.address();
    }

    /** The same server with another token. */
    public AvClient withToken(String token) {
        return new AvClient(config.withToken(token));
    }

    // ---- helpers in Vault's style --------------------------------------------------------------

    /** GET; empty when the path has nothing (404 without data), else throws on an error status. */
    public Optional<ApiResponse> read(String path) {
        return read(path, Map.of());
    }

    public Optional<ApiResponse> read(String path, Map<String, String> query) {
        ApiResponse r = send("GET", path, query, null, Map.of());
        return foundOrThrow(r);
    }

    /** LIST (as {@code GET ?list=true}); empty on 404. */
    public Optional<ApiResponse> list(String path) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("list", "true");
        return foundOrThrow(send("GET", path, q, null, Map.of()));
    }

    /** PUT with a JSON body (Vault's write; POST is the same operation). */
    public ApiResponse write(String path, Object body) {
        return send("PUT", path, Map.of(), body == null ? Map.of() : body, Map.of()).orThrow();
    }

    /** PATCH with a JSON merge-patch body. */
    public ApiResponse patch(String path, Object body) {
        return send("PATCH", path, Map.of(), body == null ? Map.of() : body,
                Map.of("Content-Type", "application/merge-patch+json")).orThrow();
    }

    public ApiResponse delete(String path) {
        return send("DELETE", path, Map.of(), null, Map.of()).orThrow();
    }

    private static Optional<ApiResponse> foundOrThrow(ApiResponse r) {
        if (r.status() == 404) {
            Map<String, Object> env = r.envelope();
            if (env.get("data") != null || !r.warnings().isEmpty()) {
                return Optional.of(r);
            }
            return Optional.empty();
        }
        return Optional.of(r.orThrow());
    }

    // ---- the transport ---------------------------------------------------------------------------

    /**
     * Sends one request to {@code /v1/<path>}. Never throws on an HTTP status; throws
     * {@link ApiException} (status 0) when av cannot be reached or answers garbage.
     *
     * @param body a JSON-writable value ({@link Json#write}), a {@code byte[]} sent as is, or null
     */
    public ApiResponse send(String method, String path, Map<String, String> query, Object body,
                            Map<String, String> headers) {
        String target = basePath + "/v1/" + encodePath(stripSlashes(path)) + encodeQuery(query);
        byte[] payload = null;
        if (body instanceof byte[] raw) {
            payload = raw;
        } else if (body != null) {
            payload = Json.write(body).getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(hostHeader()).append("\r\n");
        head.append("User-Agent: av-cli\r\n");
        head.append("Accept: application/json\r\n");
        head.append("Connection: close\r\n");
        if (config.token() != null) {
            head.append("X-Vault-Token: ").append(config.token()).append("\r\n");
        }
        boolean hasType = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            checkHeader(h.getKey(), h.getValue());
            hasType |= h.getKey().equalsIgnoreCase("Content-Type");
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (payload != null) {
            if (!hasType) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        } else if (method.equals("PUT") || method.equals("POST") || method.equals("PATCH")) {
            head.append("Content-Length: 0\r\n");
        }
        head.append("\r\n");
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
            if (payload != null && payload.length < 16 * 1024) {
                byte[] all = new byte[h.length + payload.length];
                System.arraycopy(h, 0, all, 0, h.length);
                System.arraycopy(payload, 0, all, h.length, payload.length);
                out.write(all);
            } else {
                out.write(h);
                if (payload != null) {
                    out.write(payload);
                }
            }
            out.flush();
            return readResponse(new java.io.BufferedInputStream(socket.getInputStream(), 8192), method);
        } catch (ConnectException e) {
            throw ApiException.transport("cannot reach av at " + config.address() + ": connection refused"
                    + " (is the server running? set AV_ADDR or -address)", e);
        } catch (UnknownHostException e) {
            throw ApiException.transport("cannot reach av at " + config.address() + ": unknown host " + host, e);
        } catch (SocketTimeoutException e) {
            throw ApiException.transport("no answer from av at " + config.address() + " within "
                    + config.timeout().toSeconds() + "s", e);
        } catch (javax.net.ssl.SSLException e) {
            throw ApiException.transport("TLS with av at " + config.address() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw ApiException.transport("talking to av at " + config.address() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Follows a server-sent event stream at {@code /v1/<path>}: each event's data (its {@code data:}
     * lines joined) is handed to {@code onData} until the server ends the stream or {@code onData}
     * returns false. When the server answers with anything but an event stream (an error, say), that
     * answer is returned as an {@link ApiResponse}; after a stream, the result is empty. Throws
     * {@link ApiException} (status 0) when av cannot be reached or the stream breaks.
     */
    public Optional<ApiResponse> follow(String path, Map<String, String> query,
                                        java.util.function.Predicate<String> onData) {
        String target = basePath + "/v1/" + encodePath(stripSlashes(path)) + encodeQuery(query);
        StringBuilder head = new StringBuilder(256);
        head.append("GET ").append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(hostHeader()).append("\r\n");
        head.append("User-Agent: av-cli\r\n");
        head.append("Accept: text/event-stream, application/json\r\n");
        head.append("Connection: close\r\n");
        if (config.token() != null) {
            head.append("X-Vault-Token: ").append(config.token()).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = open()) {
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
            StringBuilder seen = new StringBuilder();
            String statusLine = readLine(in);
            if (statusLine == null) {
                throw new IOException("the server closed the connection without answering");
            }
            seen.append(statusLine).append("\r\n");
            boolean stream = false;
            boolean chunked = false;
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                seen.append(line).append("\r\n");
                String lower = line.toLowerCase(Locale.ROOT);
                stream |= lower.startsWith("content-type:") && lower.contains("text/event-stream");
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            seen.append("\r\n");
            String[] parts = statusLine.split(" ", 3);
            if (!stream || parts.length < 2 || !parts[1].equals("200")) {
                InputStream replay = new java.io.SequenceInputStream(
                        new java.io.ByteArrayInputStream(seen.toString().getBytes(StandardCharsets.ISO_8859_1)), in);
                return Optional.of(readResponse(replay, "GET"));
            }
            socket.setSoTimeout(0); // the server sends a heartbeat; a follower waits as long as it likes
            readEvents(chunked ? new ChunkedInput(in) : in, onData);
            return Optional.empty();
        } catch (ConnectException e) {
            throw ApiException.transport("cannot reach av at " + config.address() + ": connection refused"
                    + " (is the server running? set AV_ADDR or -address)", e);
        } catch (IOException e) {
            throw ApiException.transport("following av at " + config.address() + " failed: " + e.getMessage(), e);
        }
    }

    /** Reads {@code text/event-stream} events (UTF-8 lines; {@code data:} fields, comments ignored). */
    private static void readEvents(InputStream in, java.util.function.Predicate<String> onData) throws IOException {
        ByteArrayOutputStream lineBuf = new ByteArrayOutputStream(1024);
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        int c;
        while ((c = in.read()) >= 0) {
            if (c != '\n') {
                if (lineBuf.size() > MAX_RESPONSE_BYTES) {
                    throw new IOException("event too large");
                }
                lineBuf.write(c);
                continue;
            }
            String line = lineBuf.toString(StandardCharsets.UTF_8);
            lineBuf.reset();
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                if (hasData && !data.isEmpty() && !onData.test(data.toString())) {
                    return;
                }
                data.setLength(0);
                hasData = false;
            } else if (line.startsWith("data:")) {
                if (hasData) {
                    data.append('\n');
                }
                data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                hasData = true;
            }
        }
    }

    /** The body of a chunked response as a plain stream. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String sizeLine = readLine(in);
                if (sizeLine != null && sizeLine.isEmpty()) {
                    sizeLine = readLine(in); // the CRLF after the previous chunk
                }
                if (sizeLine == null) {
                    done = true;
                    return -1;
                }
                int semi = sizeLine.indexOf(';');
                try {
                    left = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size");
                }
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int b = in.read();
            if (b < 0) {
                done = true;
                return -1;
            }
            left--;
            return b;
        }
    }

    private static void checkHeader(String name, String value) {
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c > 126)
                || value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("invalid header " + name);
        }
    }

    private String hostHeader() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        boolean defaultPort = (tls && port == 443) || (!tls && port == 80);
        return defaultPort ? h : h + ":" + port;
    }

    private Socket open() throws IOException {
        String connectHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(connectHost, port), CONNECT_TIMEOUT_MS);
            plain.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, config.timeout().toMillis())));
            if (!tls) {
                return plain;
            }
            SSLSocket s = (SSLSocket) sslFactory().createSocket(plain, connectHost, port, true);
            if (!config.skipVerify()) {
                javax.net.ssl.SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
            }
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private SSLSocketFactory sslFactory() throws IOException {
        SSLSocketFactory f = sslFactory;
        if (f == null) {
            f = Tls.socketFactory(config.caCert(), config.skipVerify());
            sslFactory = f;
        }
        return f;
    }

    private static ApiResponse readResponse(InputStream in, String method) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("the server closed the connection without answering");
        }
        // HTTP/1.1 200 OK
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response (is AV_ADDR an av server?)");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP status line");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed HTTP header");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
                    .add(line.substring(colon + 1).trim());
        }
        if (status == 100) {
            return readResponse(in, method);
        }
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = new byte[0];
        } else if (first(headers, "transfer-encoding") != null
                && first(headers, "transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in);
        } else if (first(headers, "content-length") != null) {
            long len;
            try {
                len = Long.parseLong(first(headers, "content-length"));
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length");
            }
            if (len < 0 || len > MAX_RESPONSE_BYTES) {
                throw new IOException("response too large");
            }
            body = in.readNBytes((int) len);
            if (body.length != len) {
                throw new IOException("the connection closed in the middle of the response");
            }
        } else {
            body = readLimited(in);
        }
        Object parsed = null;
        if (body.length > 0) {
            String text = new String(body, StandardCharsets.UTF_8);
            String type = first(headers, "content-type");
            if (type == null || type.contains("json")) {
                try {
                    parsed = Json.parse(text);
                } catch (JsonException e) {
                    if (status < 400) {
                        throw new IOException("the server's answer is not valid JSON (" + e.getMessage() + ")");
                    }
                    parsed = Map.of("errors", List.of(text.strip()));
                }
            } else {
                parsed = status >= 400 ? Map.of("errors", List.of(text.strip())) : text;
            }
        }
        return new ApiResponse(status, headers, parsed);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("the connection closed in the middle of the response");
            }
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size");
            }
            if (size < 0 || out.size() + (long) size > MAX_RESPONSE_BYTES) {
                throw new IOException("response too large");
            }
            if (size == 0) {
                String trailer;
                while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return out.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new IOException("the connection closed in the middle of the response");
            }
            out.write(chunk);
            readLine(in); // CRLF after the chunk
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_RESPONSE_BYTES) {
                throw new IOException("response too large");
            }
        }
        return out.toByteArray();
    }

    /** Reads a CRLF (or LF) terminated ISO-8859-1 line; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        boolean any = false;
        while ((c = in.read()) >= 0) {
            any = true;
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') {
                    b.setLength(len - 1);
                }
                return b.toString();
            }
            if (b.length() > 64 * 1024) {
                throw new IOException("HTTP header line too long");
            }
            b.append((char) c);
        }
        return any ? b.toString() : null;
    }

    // ---- encoding --------------------------------------------------------------------------------

    static String stripSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        return path.substring(start, end);
    }

    /** Percent-encodes everything but unreserved characters and '/'. */
    static String encodePath(String path) {
        return encode(path, true);
    }

    static String encodeQuery(Map<String, String> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : query.entrySet()) {
            b.append(b.length() == 0 ? '?' : '&').append(encode(e.getKey(), false));
            if (e.getValue() != null) {
                b.append('=').append(encode(e.getValue(), false));
            }
        }
        return b.toString();
    }

    private static String encode(String s, boolean keepSlash) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length + 8);
        for (byte raw : bytes) {
            int c = raw & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
