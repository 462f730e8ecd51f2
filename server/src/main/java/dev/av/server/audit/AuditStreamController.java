package dev.av.server.audit;

import dev.av.server.http.ApiRequest;
import dev.av.server.http.ApiResponse;
import dev.av.server.http.RequestPipeline;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;

/**
 * {@code GET /v1/sys/audit-tail/stream[?agent=NAME][&decision=allow|deny]}: follows the audit stream
 * as server-sent events ({@code text/event-stream}), one {@code data:} line per entry, HMAC'd as the
 * first device writes it, for {@code av audit tail -f} and {@code curl -N}.
 *
 * <p>Authorization and audit go through the ordinary pipeline first: the request is checked (and
 * recorded) as a read of {@code sys/audit-tail} with the same filters, so it needs the same token
 * and {@code sudo}, and a bad filter is the same 400. Only then does the stream start. Entries are
 * pushed from the recording thread into a bounded buffer (the oldest are dropped when a reader is
 * slower than the stream); a comment every {@code av.audit.stream-heartbeat} (15 s) lets a closed
 * connection be noticed and the follower removed (a hung-up follower is noticed at the next write).
 */
@Controller("/v1/sys/audit-tail/stream")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditStreamController {

    private static final int BUFFER = 1000;

    private final RequestPipeline pipeline;
    private final AuditService audit;
    private final Duration heartbeat;

    public AuditStreamController(RequestPipeline pipeline, AuditService audit,
                                 @Value("${av.audit.stream-heartbeat:15s}") Duration heartbeat) {
        this.pipeline = pipeline;
        this.audit = audit;
        this.heartbeat = heartbeat;
    }

    @Get(consumes = MediaType.ALL, produces = {MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON})
    public HttpResponse<?> stream(HttpRequest<?> request, @Nullable @QueryValue String agent,
                                  @Nullable @QueryValue String decision) {
        ApiResponse check = pipeline.handle(authorizing(request, agent, decision));
        if (check.status() != 200) {
            return HttpResponse.status(io.micronaut.http.HttpStatus.valueOf(check.status()))
                    .body(check.body()).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        Flux<Event<String>> entries = Flux.<Event<String>>create(sink -> {
            AutoCloseable follower = audit.follow(agent, decision, json -> sink.next(Event.of(json)));
            sink.onDispose(() -> {
                try {
                    follower.close();
                } catch (Exception ignored) {
                    // removing a follower cannot fail
                }
            });
        }).onBackpressureBuffer(BUFFER, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST);
        Flux<Event<String>> beats = Flux.interval(heartbeat)
                .map(i -> Event.of("").comment("keep-alive"));
        return HttpResponse.ok(Flux.merge(entries, beats))
                .contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                .header("Cache-Control", "no-store");
    }

    /** The same request as a read of sys/audit-tail (last=0), for the pipeline's auth, sudo check and audit. */
    private static ApiRequest authorizing(HttpRequest<?> request, String agent, String decision) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        InetSocketAddress remote = request.getRemoteAddress();
        String remoteIp = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        StringBuilder q = new StringBuilder("last=0");
        if (agent != null) {
            q.append("&agent=").append(URLEncoder.encode(agent, StandardCharsets.UTF_8));
        }
        if (decision != null) {
            q.append("&decision=").append(URLEncoder.encode(decision, StandardCharsets.UTF_8));
        }
        return new ApiRequest("GET", "/v1/sys/audit-tail", q.toString(), null, null, headers, remoteIp);
    }
}
