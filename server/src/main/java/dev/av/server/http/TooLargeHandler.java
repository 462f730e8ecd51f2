package dev.av.server.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.ContentLengthExceededHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** An oversized body gets Vault's error shape with 413, like every other refusal. */
@Singleton
@Produces
@Replaces(ContentLengthExceededHandler.class)
public class TooLargeHandler implements ExceptionHandler<ContentLengthExceededException, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, ContentLengthExceededException exception) {
        return HttpResponse.status(413, "Request Entity Too Large").contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Json.write(Map.of("errors", List.of("request body is larger than the server's limit"))));
    }
}
