package dev.av.server.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.CustomHttpMethod;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The only Micronaut controller: hands every {@code /v1/...} request to the {@link RequestPipeline}. */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ApiController {

    private final RequestPipeline pipeline;

    public ApiController(RequestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Get(value = "/{+path}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> get(HttpRequest<?> request, String path) {
        return run(request, null);
    }

    @CustomHttpMethod(method = "LIST", value = "/{+path}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> list(HttpRequest<?> request, String path) {
        return run(request, null);
    }

    @Post(value = "/{+path}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> post(HttpRequest<?> request, String path, @Nullable @Body byte[] body) {
        return run(request, body);
    }

    @Put(value = "/{+path}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> put(HttpRequest<?> request, String path, @Nullable @Body byte[] body) {
        return run(request, body);
    }

    @Patch(value = "/{+path}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> patch(HttpRequest<?> request, String path, @Nullable @Body byte[] body) {
        return run(request, body);
    }

    @Delete(value = "/{+path}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> delete(HttpRequest<?> request, String path) {
        return run(request, null);
    }

    /** The reason phrase; sys/health may answer any status an operator asks for (e.g. {@code ?sealedcode=299}). */
    private static String reason(int status) {
        try {
            return io.micronaut.http.HttpStatus.valueOf(status).getReason();
        } catch (IllegalArgumentException e) {
            return "Status " + status;
        }
    }

    private HttpResponse<byte[]> run(HttpRequest<?> request, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
        InetSocketAddress remote = request.getRemoteAddress();
        String remoteIp = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        String contentType = request.getContentType().map(MediaType::toString).orElse(null);
        ApiRequest in = new ApiRequest(request.getMethodName(), request.getUri().getRawPath(),
                request.getUri().getRawQuery(), body, contentType, headers, remoteIp);
        ApiResponse out = pipeline.handle(in);
        MutableHttpResponse<byte[]> resp = HttpResponse.status(out.status(), reason(out.status()));
        if (out.body().length > 0) {
            resp.body(out.body()).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        resp.header("Cache-Control", "no-store");
        return resp;
    }
}
