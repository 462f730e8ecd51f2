package dev.av.audit;

import dev.av.core.AvException;
import dev.av.core.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The {@code webhook} device's transport: each batch is one {@code POST} of a JSON array of entries;
 * any 2xx acknowledges it, anything else (or no answer within the timeout) is retried later. The
 * optional {@code Authorization} header value is a {@link Secret}, never logged.
 */
final class WebhookTransport implements Transport {

    private final URI url;
    private final Secret authorization;
    private final Duration timeout;
    private final HttpClient client;

    WebhookTransport(String url, Secret authorization, Duration timeout) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw AvException.badRequest("invalid webhook url");
        }
        if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))
                || u.getHost() == null) {
            throw AvException.badRequest("invalid webhook url: http(s)://host[:port]/path expected");
        }
        if (u.getUserInfo() != null) {
            throw AvException.badRequest("invalid webhook url: put credentials in authorization_header, not the url");
        }
        this.url = u;
        this.authorization = authorization;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void send(List<byte[]> lines) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('[');
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.write(lines.get(i));
        }
        body.write(']');
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (authorization != null) {
            req.header("Authorization", authorization.reveal());
        }
        HttpResponse<Void> resp;
        try {
            resp = client.send(req.build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (resp.statusCode() / 100 != 2) {
            throw new IOException("webhook " + describe() + " answered " + resp.statusCode());
        }
    }

    @Override
    public String describe() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + url.getPath();
    }

    @Override
    public void close() {
        client.close();
    }
}
