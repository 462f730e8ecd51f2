package dev.av.secrets.vault;

import dev.av.core.AvException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.AuthenticationStepsExecutor;
import org.springframework.vault.authentication.ClientAuthentication;
import org.springframework.vault.authentication.KubernetesAuthentication;
import org.springframework.vault.authentication.KubernetesAuthenticationOptions;
import org.springframework.vault.authentication.KubernetesServiceAccountTokenFile;
import org.springframework.vault.authentication.LifecycleAwareSessionManager;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.authentication.event.LoginFailedEvent;
import org.springframework.vault.authentication.event.LoginTokenExpiredEvent;
import org.springframework.vault.authentication.event.LoginTokenRenewalFailedEvent;
import org.springframework.vault.client.RestTemplateBuilder;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestTemplate;

/**
 * av's connection to one upstream Vault through spring-vault (over the JDK HTTP client, with the TLS
 * context from {@link UpstreamTls}): the namespace as a default header,
 * a {@link LifecycleAwareSessionManager} that logs in (token with self-lookup, AppRole, Kubernetes)
 * and renews av's own token in the background, reporting failures to {@link UpstreamEvents}.
 *
 * <p>{@link #call} classifies every outcome: an HTTP answer ({@link Answer}), or
 * {@link Unreachable} when the upstream cannot be reached, answers 5xx, or av cannot log in.
 */
final class UpstreamClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);

    /** An HTTP answer from the upstream; {@code body} is the parsed JSON (empty for 204). */
    record Answer(int status, Map<String, Object> body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> data() {
            Object d = body.get("data");
            return d instanceof Map ? (Map<String, Object>) d : null;
        }

        String firstError() {
            Object e = body.get("errors");
            return e instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0)) : "";
        }
    }

    /** The upstream could not give an answer (network, 5xx, login impossible). */
    static final class Unreachable extends RuntimeException {
        final boolean authFailure;

        Unreachable(String message, boolean authFailure, Throwable cause) {
            super(message, cause, false, false);
            this.authFailure = authFailure;
        }
    }

    private final String mount;
    private final UpstreamConfig config;
    private final ThreadPoolTaskScheduler scheduler;
    private final LifecycleAwareSessionManager session;
    private final VaultTemplate template;
    private final RestTemplate plain;

    UpstreamClient(String mount, UpstreamConfig config, UpstreamEvents events) {
        this.mount = mount;
        this.config = config;
        URI uri = URI.create(config.address());
        VaultEndpoint endpoint = VaultEndpoint.from(uri);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(UpstreamTls.context(config))
                .build();
        var factory = new org.springframework.http.client.JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(Duration.ofSeconds(15));
        RestTemplateBuilder builder = RestTemplateBuilder.builder().endpoint(endpoint).requestFactory(factory);
        if (config.namespace() != null && !config.namespace().isBlank()) {
            builder.defaultHeader("X-Vault-Namespace", config.namespace());
        }
        this.plain = builder.build();
        this.scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1);
        scheduler.setDaemon(true);
        scheduler.setThreadNamePrefix("av-vault-" + mount + "-");
        scheduler.initialize();
        this.session = new LifecycleAwareSessionManager(authentication(config, plain), scheduler, plain);
        session.addErrorListener(e -> {
            if (hasIoCause(e.getException())) {
                LOG.warn("vault mount {}: the upstream cannot be reached ({})", mount, causeOf(e.getException()));
            } else if (e instanceof LoginFailedEvent || e instanceof LoginTokenRenewalFailedEvent) {
                events.tokenLost(mount, e.getClass().getSimpleName().replace("Event", "") + ": " + causeOf(e.getException()));
            }
        });
        session.addAuthenticationListener(e -> {
            if (e instanceof LoginTokenExpiredEvent) {
                events.tokenLost(mount, "LoginTokenExpired");
            }
        });
        this.template = new VaultTemplate(builder, session);
    }

    private static String causeOf(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }

    private static ClientAuthentication authentication(UpstreamConfig c, RestTemplate rest) {
        return switch (c.authMethod()) {
            case "approle" -> {
                var b = AppRoleAuthenticationOptions.builder().path(c.authMount())
                        .roleId(AppRoleAuthenticationOptions.RoleId.provided(c.roleId()));
                if (c.secretId() != null) {
                    b.secretId(AppRoleAuthenticationOptions.SecretId.provided(c.secretId().reveal()));
                }
                yield new AppRoleAuthentication(b.build(), rest);
            }
            case "kubernetes" -> new KubernetesAuthentication(KubernetesAuthenticationOptions.builder()
                    .path(c.authMount()).role(c.kubernetesRole())
                    .jwtSupplier(new KubernetesServiceAccountTokenFile(c.kubernetesJwtPath())).build(), rest);
            // self-lookup gives spring-vault the token's TTL, so it renews av's token before it expires
            default -> new AuthenticationStepsExecutor(
                    TokenAuthentication.createAuthenticationSteps(VaultToken.of(c.token().reveal()), true), rest);
        };
    }

    /** One authenticated call; JSON body for PUT/POST. */
    Answer call(HttpMethod method, String path, Map<String, Object> body) {
        try {
            return template.doWithSession(ops -> {
                try {
                    @SuppressWarnings("unchecked")
                    ResponseEntity<Map<String, Object>> r = (ResponseEntity<Map<String, Object>>) (ResponseEntity<?>)
                            ops.exchange(path, method, body == null ? null : new HttpEntity<>(body), Map.class);
                    return new Answer(r.getStatusCode().value(), r.getBody() == null ? Map.of() : r.getBody());
                } catch (HttpStatusCodeException e) {
                    if (e.getStatusCode().is5xxServerError()) {
                        throw new Unreachable("upstream answered " + e.getStatusCode().value(), false, null);
                    }
                    return new Answer(e.getStatusCode().value(), parse(e.getResponseBodyAsString()));
                }
            });
        } catch (Unreachable u) {
            throw u;
        } catch (RuntimeException e) {
            boolean login = e.getClass().getName().contains("Login") || e.getClass().getName().contains("Session");
            boolean network = hasIoCause(e);
            LOG.debug("upstream {} call failed: {}", mount, e.toString());
            throw new Unreachable(network ? "upstream unreachable" : "cannot log in to the upstream", login && !network, e);
        }
    }

    /** Whether av's current upstream token still works ({@code auth/token/lookup-self}). */
    boolean tokenValid() {
        try {
            return call(HttpMethod.GET, "auth/token/lookup-self", null).ok();
        } catch (Unreachable e) {
            return false;
        }
    }

    /** Forgets av's token so that the next call logs in again. */
    void dropToken() {
        try {
            var setToken = LifecycleAwareSessionManager.class.getDeclaredMethod("setToken", java.util.Optional.class);
            setToken.setAccessible(true);
            setToken.invoke(session, java.util.Optional.empty());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("could not reset the upstream session: {}", e.toString());
        }
    }

    private static boolean hasIoCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException || c instanceof org.springframework.web.client.ResourceAccessException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(body, Map.class);
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }

    @Override
    public void close() {
        // The session is not destroyed: that would revoke an operator-supplied upstream token.
        scheduler.shutdown();
    }
}
