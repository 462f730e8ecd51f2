package dev.av.server.http;

import java.util.List;

/** A rendered response: status and JSON body (empty for 204). */
public record ApiResponse(int status, byte[] body) {

    public static ApiResponse errors(int status, List<String> errors) {
        return new ApiResponse(status, Json.write(java.util.Map.of("errors", errors)));
    }
}
