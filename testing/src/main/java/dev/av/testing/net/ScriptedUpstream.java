package dev.av.testing.net;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A scripted HTTP/1.1 origin on 127.0.0.1, over TLS (certificate from a {@link TestCa}) or plain.
 * Each request is recorded (method, target, headers, the first {@value #MAX_RECORDED_BODY} body
 * bytes and the total body length) and answered by a {@link Handler}, which can write a plain body,
 * a chunked body with chunks flushed one by one (SSE, split secrets), or take over the raw socket
 * (WebSocket after a {@code 101}). Keep-alive is honoured, so tests can count connections.
 * Connections are served on virtual threads; {@link #close()} stops everything.
 */
public final class ScriptedUpstream implements AutoCloseable {

    public static final int MAX_RECORDED_BODY = 1 << 20;

    /** Answers one request. Runs on the connection's thread; may block. */
    @FunctionalInterface
    public interface Handler {
        void handle(RecordedRequest request, Exchange exchange) throws IOException;
    }

    /** One header line as received. */
    public record Header(String name, String value) {
    }

    /** What the upstream received. {@code body} holds at most {@value #MAX_RECORDED_BODY} bytes. */
    public record RecordedRequest(String method, String target, List<Header> headers, byte[] body, long bodyLength) {

        /** First value of the header (case-insensitive), or null. */
        public String header(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
        }

        public List<String> headers(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Everything the upstream saw, as text, for "the secret appears somewhere" assertions. */
        public String wireText() {
            StringBuilder sb = new StringBuilder(method).append(' ').append(target).append('\n');
            headers.forEach(h -> sb.append(h.name()).append(": ").append(h.value()).append('\n'));
            return sb.append('\n').append(bodyText()).toString();
        }
    }

    /** The response side of one exchange. */
    public static final class Exchange {
        private final OutputStream out;
        private final InputStream in;
        private boolean close;

        Exchange(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        public void respond(int status, String contentType, String body) throws IOException {
            respond(status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
        }

        public void respond(int status, Map<String, String> headers, byte[] body) throws IOException {
            StringBuilder sb = statusLine(status, headers);
            sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        /** Starts a chunked response; follow with {@link #chunk} calls and {@link #endChunks()}. */
        public void startChunked(int status, Map<String, String> headers) throws IOException {
            StringBuilder sb = statusLine(status, headers);
            sb.append("Transfer-Encoding: chunked\r\n\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Writes and flushes one chunk. */
        public void chunk(String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Writes and flushes one chunk of raw bytes (e.g. a piece of a gzip stream). */
        public void chunk(byte[] b) throws IOException {
            out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        public void endChunks() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Writes raw bytes (a 101 response, WebSocket frames ...). */
        public void raw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        public InputStream rawIn() {
            return in;
        }

        public OutputStream rawOut() {
            return out;
        }

        /** Closes the connection after this exchange. */
        public void closeAfter() {
            close = true;
        }

        private static StringBuilder statusLine(int status, Map<String, String> headers) {
            StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            return sb;
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 101 -> "Switching Protocols";
                case 201 -> "Created";
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404 -> "Not Found";
                default -> "Status";
            };
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bodyBytes = new java.util.concurrent.atomic.AtomicLong();
    private final List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    private ScriptedUpstream(ServerSocket server, Handler handler) {
        this.server = server;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("scripted-upstream-" + server.getLocalPort()).start(this::acceptLoop);
    }

    /** An HTTPS upstream on 127.0.0.1 with an ephemeral port. */
    public static ScriptedUpstream https(SSLContext tls, Handler handler) throws IOException {
        ServerSocket s = tls.getServerSocketFactory().createServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new ScriptedUpstream(s, handler);
    }

    /** A plain-HTTP upstream on 127.0.0.1 with an ephemeral port. */
    public static ScriptedUpstream plain(Handler handler) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new ScriptedUpstream(s, handler);
    }

    /** A handler answering every request with {@code 200 text/plain "ok"}. */
    public static Handler ok() {
        return (req, ex) -> ex.respond(200, "text/plain", "ok");
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Request body bytes received so far, over all requests, updated as they arrive (not when a request ends). */
    public long bodyBytesReceived() {
        return bodyBytes.get();
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** The next recorded request; fails if none arrives within {@code timeout}. */
    public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
        RecordedRequest r = requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("the upstream received no request within " + timeout);
        }
        return r;
    }

    public RecordedRequest takeRequest() throws InterruptedException {
        return takeRequest(Duration.ofSeconds(20));
    }

    /** The number of requests recorded and not yet taken. */
    public int pendingRequests() {
        return requests.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        acceptor.interrupt();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = readLine(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                String[] parts = requestLine.split(" ");
                List<Header> headers = new ArrayList<>();
                for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                    int colon = line.indexOf(':');
                    headers.add(new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
                }
                String te = find(headers, "Transfer-Encoding");
                String cl = find(headers, "Content-Length");
                if ("100-continue".equalsIgnoreCase(find(headers, "Expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                BodySink body = new BodySink();
                if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                    readChunked(in, body);
                } else if (cl != null) {
                    copy(in, body, Long.parseLong(cl));
                }
                RecordedRequest req = new RecordedRequest(parts[0], parts[1], List.copyOf(headers), body.bytes(), body.total);
                requests.add(req);
                Exchange ex = new Exchange(in, out);
                handler.handle(req, ex);
                if (ex.close || "close".equalsIgnoreCase(find(headers, "Connection"))) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went away; nothing to record
        } finally {
            open.remove(socket);
        }
    }

    private final class BodySink {
        final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        long total;

        void write(byte[] b, int off, int len) {
            int keep = (int) Math.max(0, Math.min(len, MAX_RECORDED_BODY - kept.size()));
            kept.write(b, off, keep);
            total += len;
            bodyBytes.addAndGet(len);
        }

        byte[] bytes() {
            return kept.toByteArray();
        }
    }

    private void readChunked(InputStream in, BodySink body) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("truncated chunked body");
            }
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                for (String l = readLine(in); l != null && !l.isEmpty(); l = readLine(in)) {
                    // trailers ignored
                }
                return;
            }
            copy(in, body, size);
            readLine(in);
        }
    }

    private void copy(InputStream in, BodySink body, long n) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("truncated body");
            }
            body.write(buf, 0, r);
            n -= r;
        }
    }

    private static String find(List<Header> headers, String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
            if (sb.length() > 64 * 1024) {
                throw new IOException("line too long");
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
