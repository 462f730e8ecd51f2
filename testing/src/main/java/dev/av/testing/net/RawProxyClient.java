package dev.av.testing.net;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A byte-level HTTP/1.1 client for the proxy, for what real clients hide or normalise: CONNECT
 * responses, raw request targets ({@code /api/../admin}), WebSocket upgrades, connection closes.
 */
public final class RawProxyClient implements AutoCloseable {

    /** A response: status, lower-case headers, body. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket plain;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private RawProxyClient(Socket s) throws IOException {
        this.plain = s;
        this.socket = s;
        s.setSoTimeout(20_000);
        this.in = new BufferedInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    public static RawProxyClient open(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return new RawProxyClient(s);
    }

    public static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString(("agent:" + token).getBytes(StandardCharsets.UTF_8));
    }

    public Response connect(String authority, String token) throws IOException {
        StringBuilder sb = new StringBuilder("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n");
        if (token != null) {
            sb.append("Proxy-Authorization: ").append(basic(token)).append("\r\n");
        }
        send(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        return readResponse(true);
    }

    /** Starts TLS inside the tunnel, trusting {@code trust}. */
    public void startTls(String host, SSLContext trust) throws IOException {
        SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
        var params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        tls.startHandshake();
        socket = tls;
        in = new BufferedInputStream(tls.getInputStream());
        out = tls.getOutputStream();
    }

    public Response request(String method, String target, String host, String extraHeaders, String body) throws IOException {
        StringBuilder sb = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
        if (extraHeaders != null) {
            sb.append(extraHeaders);
        }
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            sb.append("Content-Length: ").append(b.length).append("\r\n");
        }
        sb.append("\r\n");
        send(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (b.length > 0) {
            send(b);
        }
        return readResponse(false);
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public InputStream in() {
        return in;
    }

    /** True when the peer closed the connection (read returns -1 or the socket is reset). */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    public Response readResponse(boolean connectResponse) throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (connectResponse && code == 200 || code == 101) {
            return new Response(code, headers, "");
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                int size = Integer.parseInt(line().trim(), 16);
                if (size == 0) {
                    line();
                    break;
                }
                body.write(in.readNBytes(size));
                line();
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        }
        return new Response(code, headers, body.toString(StandardCharsets.UTF_8));
    }

    public String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        plain.close();
    }
}
