package dev.av.server.http;

import java.util.List;
import java.util.Map;

/** A raw HTTP request to {@code /v1/...}, independent of the HTTP server in use. */
public record ApiRequest(String method, String rawPath, String rawQuery, byte[] body, String contentType,
                         Map<String, List<String>> headers, String remoteAddress) {

    @Override
    public String toString() {
        return "ApiRequest[" + method + " " + rawPath + "]";
    }
}
