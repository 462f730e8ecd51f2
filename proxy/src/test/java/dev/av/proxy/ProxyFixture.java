package dev.av.proxy;

import dev.av.core.Secret;
import dev.av.proxy.tls.ProxyCa;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.io.IOException;
import java.net.Authenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real proxy on 127.0.0.1:0 with hand-written port fakes (tokens, services, secrets, policy,
 * settings, a recording audit sink), plus a scripted HTTPS upstream whose certificate comes from a
 * separate test CA that the proxy trusts only through each service's {@code upstream_ca}.
 *
 * <p>The fakes take part in the synchronous fast path like the server's (cached token, no use limit
 * unless {@link #limitedTokens}, a policy that decides from memory unless {@link #policyBlocks}); every
 * call a real server could block in (token lookup, use count, secret read, DNS) records the thread
 * it ran on, and {@link #close()} fails when one of them ran on a Netty event loop.
 */
final class ProxyFixture implements AutoCloseable {

    static final String SECRET = "ghp_S3cretValue0123456789abcdef";

    final TestCa upstreamCa = TestCa.create("upstream test CA");
    final Map<String, ProxyPrincipal> tokens = new ConcurrentHashMap<>();
    final Set<String> expiredTokens = ConcurrentHashMap.newKeySet();
    final List<ServiceRule> services = new CopyOnWriteArrayList<>();
    final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    final AtomicInteger secretReads = new AtomicInteger();
    final AtomicReference<AccessPolicy> policy = new AtomicReference<>((p, r) -> AccessDecision.allow());
    final AtomicReference<ProxySettings> settings = new AtomicReference<>(ProxySettings.DEFAULTS.withAllowCidrs("127.0.0.0/8"));
    final RecordingAuditSink audit = new RecordingAuditSink();
    final Map<String, String> hosts = new ConcurrentHashMap<>(Map.of("localhost", "127.0.0.1"));
    final List<AutoCloseable> closeables = new ArrayList<>();
    /** Tokens whose uses are counted (through the blocking path, as {@code num_uses} tokens are). */
    final Set<String> limitedTokens = ConcurrentHashMap.newKeySet();
    final List<String> usesCounted = new CopyOnWriteArrayList<>();
    /** The policy says it may block (always the executor path). */
    final java.util.concurrent.atomic.AtomicBoolean policyBlocks = new java.util.concurrent.atomic.AtomicBoolean();
    /** Planning on the event loop allowed (the fast path); false: every request on the executor. */
    boolean fastPath = true;
    /** Blocking calls seen on an event loop (must stay empty) and policy decisions taken on one. */
    final List<String> blockingOnLoop = new CopyOnWriteArrayList<>();
    final AtomicInteger policyOnLoop = new AtomicInteger();
    final AtomicInteger policyOffLoop = new AtomicInteger();
    /** Calls of the blocking {@code authenticate} (CONNECTs and requests whose token was not "cached"). */
    final AtomicInteger authenticateCalls = new AtomicInteger();
    ProxyServer proxy;
    Path dir;

    ProxyFixture() {
        secrets.put("secret/data/github", Map.of("token", SECRET, "user", "octocat"));
    }

    ProxyFixture start() throws IOException {
        dir = Files.createTempDirectory("av-proxy-test");
        proxy = ProxyServer.start(ProxyOptions.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .tlsBind(new InetSocketAddress("127.0.0.1", 0))
                .ca(ProxyCa.generate(InstantSource.system()))
                .authenticator(new ProxyAuthenticator() {
                    @Override
                    public ProxyPrincipal authenticate(String token) {
                        blocking("authenticate");
                        authenticateCalls.incrementAndGet();
                        if (expiredTokens.contains(token)) {
                            throw Problems.tokenExpired().exception();
                        }
                        ProxyPrincipal p = tokens.get(token);
                        if (p == null) {
                            throw Problems.tokenInvalid().exception();
                        }
                        return p;
                    }

                    @Override
                    public ProxyPrincipal authenticateIfCached(String token) {
                        // the "cache": known, unexpired tokens; anything else is left to authenticate()
                        return expiredTokens.contains(token) ? null : tokens.get(token);
                    }

                    @Override
                    public boolean countsUseWithoutBlocking(ProxyPrincipal principal) {
                        return !limitedTokens.contains(principal.sessionId());
                    }

                    @Override
                    public boolean countUse(ProxyPrincipal principal) {
                        if (limitedTokens.contains(principal.sessionId())) {
                            blocking("countUse");
                            usesCounted.add(principal.sessionId());
                        }
                        return false;
                    }
                })
                .policy(new AccessPolicy() {
                    @Override
                    public AccessDecision authorize(ProxyPrincipal p, AccessRequest r) {
                        (onEventLoop() ? policyOnLoop : policyOffLoop).incrementAndGet();
                        if (policyBlocks.get()) {
                            blocking("policy");
                        }
                        return policy.get().authorize(p, r);
                    }

                    @Override
                    public boolean decidesWithoutBlocking(ProxyPrincipal p) {
                        return !policyBlocks.get();
                    }
                })
                .services(() -> List.copyOf(services))
                .credentials((p, path) -> {
                    blocking("credential read");
                    secretReads.incrementAndGet();
                    Map<String, String> fields = secrets.get(path);
                    if (fields == null) {
                        throw Problems.credentialUnavailable("?", "no secret at " + path).exception();
                    }
                    Map<String, Secret> out = new HashMap<>();
                    fields.forEach((k, v) -> out.put(k, Secret.of(v)));
                    return new SecretData(out, Duration.ZERO);
                })
                .settings(settings::get)
                .audit(audit)
                .resolver(this::resolve)
                .fastPath(fastPath)
                .build());
        closeables.add(proxy);
        return this;
    }

    static boolean onEventLoop() {
        return Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread;
    }

    private void blocking(String what) {
        if (onEventLoop()) {
            blockingOnLoop.add(what + " on " + Thread.currentThread().getName());
        }
    }

    private InetAddress[] resolve(String host) throws UnknownHostException {
        blocking("resolve");
        String ip = hosts.get(host);
        if (ip == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    /** An HTTPS upstream on loopback with a certificate for {@code names}. */
    ScriptedUpstream upstream(ScriptedUpstream.Handler handler, String... names) throws IOException {
        ScriptedUpstream u = ScriptedUpstream.https(upstreamCa.serverContext(names.length == 0 ? new String[] {"localhost"} : names), handler);
        closeables.add(u);
        return u;
    }

    ScriptedUpstream upstream() throws IOException {
        return upstream(ScriptedUpstream.ok());
    }

    /** Adds a service; {@code fields} as in the API; upstream_ca defaults to the test CA. */
    ServiceRule service(String name, Map<String, Object> fields) {
        Map<String, Object> f = new HashMap<>(fields);
        f.putIfAbsent("upstream_ca", upstreamCa.rootPem());
        ServiceRule rule = ServiceRule.fromMap(name, f);
        services.add(rule);
        return rule;
    }

    String token(String subject) {
        String t = "avs." + UUID.randomUUID();
        tokens.put(t, new ProxyPrincipal("session-" + subject + "-" + tokens.size(), subject, null));
        return t;
    }

    String sessionOf(String token) {
        return tokens.get(token).sessionId();
    }

    int port() {
        return proxy.address().getPort();
    }

    String proxyUrl(String token) {
        return "http://agent:" + token + "@127.0.0.1:" + port();
    }

    Path caFile() throws IOException {
        Path f = dir.resolve("av-ca.pem");
        Files.writeString(f, proxy.ca().trustBundlePem());
        return f;
    }

    /** A JDK HttpClient going through the proxy with {@code token}, trusting only av's root. */
    HttpClient client(String token) {
        return client(token, HttpClient.Version.HTTP_1_1);
    }

    /** As {@link #client(String)}, preferring {@code version} (HTTP_2: offers h2 in ALPN inside the tunnel). */
    HttpClient client(String token, HttpClient.Version version) {
        return HttpClient.newBuilder()
                .proxy(ProxySelector.of(proxy.address()))
                .authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return getRequestorType() == RequestorType.PROXY && token != null
                                ? new PasswordAuthentication("agent", token.toCharArray()) : null;
                    }
                })
                .sslContext(TestCa.trusting(proxy.ca().trustBundlePem()))
                .version(version)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (!blockingOnLoop.isEmpty()) {
            throw new AssertionError("blocking calls ran on an event loop: " + blockingOnLoop);
        }
    }
}
