package dev.av.server.proxy;

import dev.av.core.AvException;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * A read-only secret source at {@code fixed-secrets/} for the proxy integration test (only in
 * contexts started with {@code av.test.fixed-secrets=true}), so that test does not depend on a
 * particular engine. It answers like a dynamic engine, with a lease duration.
 */
@Singleton
@Requires(property = "av.test.fixed-secrets", value = "true")
final class FixedSecretsBackend implements RoutedBackend {

    static final Map<String, Map<String, Object>> SECRETS = Map.of(
            "github", Map.of("token", ProxyIntegrationTest.SECRET, "user", "octocat"));

    @Override
    public String prefix() {
        return "fixed-secrets/";
    }

    @Override
    public LogicalResponse handle(LogicalRequest request) {
        if (request.operation() != Operation.READ) {
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "read only");
        }
        Map<String, Object> data = SECRETS.get(request.relativePath());
        if (data == null) {
            throw AvException.notFound("no secret at " + request.path());
        }
        return LogicalResponse.lease("fixed-secrets/" + request.relativePath() + "/lease", false, 300, data);
    }
}
