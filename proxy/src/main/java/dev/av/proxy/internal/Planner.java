package dev.av.proxy.internal;

import dev.av.core.Secret;
import dev.av.proxy.AccessDecision;
import dev.av.proxy.AccessPolicy;
import dev.av.proxy.AccessRequest;
import dev.av.proxy.Cidr;
import dev.av.proxy.AuthType;
import dev.av.proxy.CredentialRef;
import dev.av.proxy.HostResolver;
import dev.av.proxy.Problem;
import dev.av.proxy.ProblemException;
import dev.av.proxy.Problems;
import dev.av.proxy.ProxyAuditEvent;
import dev.av.proxy.ProxyAuditSink;
import dev.av.proxy.ProxyAuthenticator;
import dev.av.proxy.ProxyPrincipal;
import dev.av.proxy.ProxySettings;
import dev.av.proxy.SecretData;
import dev.av.proxy.ServiceCatalog;
import dev.av.proxy.ServiceRule;
import dev.av.proxy.SettingsSource;
import dev.av.proxy.Substitution;
import dev.av.proxy.tls.UpstreamTls;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The blocking half of a request, run off the event loop, in this order: authenticate the token;
 * normalise the path; match the service (scheme, host, port, then its method and path lists);
 * authorize with the policy; read the credentials; resolve and check the upstream address; audit
 * the decision (fail closed). Any refusal is a {@link ProblemException}, audited as a denial.
 * Thread-safe (stateless apart from the credential and address caches).
 *
 * <p><b>Fast path.</b> {@link #planIfCached} runs the very same steps on the event loop when each of
 * them can be answered from memory: the token from the authenticator's cache and without a use
 * limit, a policy that decides without blocking for this principal, every credential in the
 * credential cache, the upstream address validated by an earlier request within
 * {@link #ADDRESS_TTL}, and an audit sink that records without blocking (no audit device) or
 * asynchronously (devices with writer threads: the entry is formatted on the loop and the plan carries
 * the future of its recording, {@link Plan#recorded}, which the caller awaits before forwarding). As
 * soon as one step would block, it gives up before any side effect (nothing audited, no use counted)
 * and the caller plans the request with {@link #plan} on the blocking executor. With asynchronous
 * audit, a request the fast path would refuse is also planned again off the loop, so that its denial
 * is recorded before the refusal is sent, exactly as on the blocking path.
 */
public final class Planner {

    /** A request as it arrived. {@code rawTarget} is origin-form. */
    public record Incoming(String requestId, String token, String method, String scheme, String host, int port,
                           String rawTarget, String remote) {
    }

    /** What a CONNECT leads to. */
    public sealed interface ConnectPlan {
        ProxyPrincipal principal();

        record Mitm(ProxyPrincipal principal) implements ConnectPlan {
        }

        record Tunnel(ProxyPrincipal principal, InetAddress address) implements ConnectPlan {
        }
    }

    private static final int MIN_SCRUB_LENGTH = 4;

    /** How long a validated upstream address serves the fast path (the JDK's own DNS cache keeps 30 s). */
    static final java.time.Duration ADDRESS_TTL = java.time.Duration.ofSeconds(10);
    private static final int MAX_ADDRESSES = 10_000;

    /** Thrown inside {@link #planIfCached} when a step would block; never leaves this class. */
    private static final class WouldBlock extends RuntimeException {
        WouldBlock() {
            super(null, null, false, false);
        }
    }

    private static final WouldBlock WOULD_BLOCK = new WouldBlock();

    /** {@link Cidr} compares its bytes by identity: a new settings snapshot simply misses until a blocking plan refills. */
    private record AddressKey(String host, List<Cidr> allowed) {
    }

    private record CachedAddress(InetAddress address, java.time.Instant until) {
    }

    private final ProxyAuthenticator authenticator;
    private final AccessPolicy policy;
    private final ServiceCatalog catalog;
    private final CredentialCache credentials;
    private final SettingsSource settings;
    private final ProxyAuditSink audit;
    private final HostResolver resolver;
    private final UpstreamTls upstreamTls;
    private final java.time.InstantSource clock;
    private final boolean fastPath;
    private final java.util.concurrent.ConcurrentHashMap<AddressKey, CachedAddress> addresses = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per service name: what it injects for the credential snapshot last seen (see {@link Injection}). */
    private final java.util.concurrent.ConcurrentHashMap<String, Injection> injections = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_INJECTIONS = 10_000;

    public Planner(ProxyAuthenticator authenticator, AccessPolicy policy, ServiceCatalog catalog, CredentialCache credentials,
                   SettingsSource settings, ProxyAuditSink audit, HostResolver resolver, UpstreamTls upstreamTls,
                   java.time.InstantSource clock, boolean fastPath) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.catalog = catalog;
        this.credentials = credentials;
        this.settings = settings;
        this.audit = audit;
        this.resolver = resolver;
        this.upstreamTls = upstreamTls;
        this.clock = clock;
        this.fastPath = fastPath;
    }

    /** The token of {@code plan} spent its last use on it and its response is over. */
    void lastUseDone(Plan plan) {
        authenticator.lastUseDone(plan.principal());
    }

    public ProxySettings settings() {
        return settings.settings();
    }

    /** CONNECT: authenticate, then MITM when a service matches the host, a tunnel when settings allow, else refuse. */
    public ConnectPlan planConnect(String token, String host, int port) {
        ProxyPrincipal principal = authenticate(token);
        ProxySettings s = settings.settings();
        if (servesHttps(host, port)) {
            return new ConnectPlan.Mitm(principal);
        }
        boolean tunnel = s.unmatchedHosts().equals("tunnel") && s.tunnelHosts().stream().anyMatch(h -> hostMatches(h, host));
        if (!tunnel) {
            throw Problems.noService(host, port).exception();
        }
        return new ConnectPlan.Tunnel(principal, EgressGuard.resolve(resolver, host, s.upstreamAllowCidrs()));
    }

    /**
     * CONNECT on the event loop: the MITM plan, exactly as {@link #planConnect} gives it, when the
     * token is in the authenticator's cache and a service serves the host; otherwise null, having done
     * nothing: a tunnel (which resolves the host), a refusal (which is audited) or a token to look up
     * are left to {@link #planConnect} off the loop.
     */
    public ConnectPlan planConnectIfCached(String token, String host, int port) {
        if (!fastPath || token == null || token.isEmpty()) {
            return null;
        }
        ProxyPrincipal principal;
        try {
            principal = authenticator.authenticateIfCached(token);
        } catch (ProblemException refused) {
            return null; // expired, sealed: planConnect refuses it and audits the refusal
        }
        return principal != null && servesHttps(host, port) ? new ConnectPlan.Mitm(principal) : null;
    }

    private boolean servesHttps(String host, int port) {
        for (ServiceRule r : catalog.services()) {
            if (r.scheme().equals("https") && r.port() == port && r.matchesHost(host)) {
                return true;
            }
        }
        return false;
    }

    /** True when the fast path is on and the audit sink records without blocking (a response entry may be recorded on the loop). */
    boolean recordsOnLoop() {
        return fastPath && audit.recordsWithoutBlocking();
    }

    /** True when the fast path is on and the audit sink records asynchronously (a response entry may be handed over on the loop). */
    boolean recordsAsyncOnLoop() {
        return fastPath && audit.recordsAsync();
    }

    /** Plans {@code in}; may block (token lookup, policy, credential read, DNS, audit): call it off the event loop. */
    public Plan plan(Incoming in) {
        return plan(in, false);
    }

    /**
     * The fast path: plans {@code in} without blocking and returns the plan, or throws the refusal's
     * {@link ProblemException} (audited, as {@link #plan} does), exactly as {@link #plan} would; or
     * returns null, having done nothing, when a step would block (or the fast path is off).
     */
    public Plan planIfCached(Incoming in) {
        if (!fastPath) {
            return null;
        }
        Audit mode = audit.recordsWithoutBlocking() ? Audit.ON_LOOP : audit.recordsAsync() ? Audit.ASYNC : null;
        if (mode == null) {
            return null;
        }
        try {
            return plan(in, true, mode);
        } catch (WouldBlock e) {
            return null;
        }
    }

    /** How the fast path records: on the loop (no device: returns at once) or handed to the devices' writers. */
    private enum Audit { SYNC, ON_LOOP, ASYNC }

    private Plan plan(Incoming in, boolean fast) {
        return plan(in, fast, Audit.SYNC);
    }

    private Plan plan(Incoming in, boolean fast, Audit mode) {
        ProxyPrincipal principal = null;
        ServiceRule service = null;
        PathNormaliser.Target target = null;
        try {
            principal = fast ? authenticateIfCached(in.token()) : authenticate(in.token());
            target = PathNormaliser.normalise(in.rawTarget());
            service = match(in);
            checkServiceLists(service, in.method(), target.path());
            List<CredentialRef> refs = service.credentialRefs();
            Cached cached = null;
            if (fast) {
                // every later step that could block, answered from memory before anything with a side
                // effect; the credentials and address found here are the ones the plan uses
                InetAddress address = cachedAddress(in.host(), settings.settings().upstreamAllowCidrs());
                if (!policy.decidesWithoutBlocking(principal) || !authenticator.countsUseWithoutBlocking(principal)
                        || address == null) {
                    throw WOULD_BLOCK;
                }
                SecretData[] read = new SecretData[refs.size()];
                for (int i = 0; i < read.length; i++) {
                    read[i] = credentials.cached(principal, refs.get(i).path());
                    if (read[i] == null) {
                        throw WOULD_BLOCK;
                    }
                }
                cached = new Cached(read, address);
            }
            List<String> granting = authorize(principal, in, service, target.path());
            boolean lastUse = authenticator.countUse(principal);
            ProxyAuditEvent.Request entry = new ProxyAuditEvent.Request(in.requestId(), principal, in.remote(), in.method(),
                    in.scheme(), in.host(), in.port(), target.path(), target.query(), service.name(), "allow", null,
                    clientToken(in), granting);
            Plan plan = rewrite(in, principal, service, refs, target, entry, lastUse, cached);
            if (mode == Audit.ASYNC) {
                // formatted here, written by the devices' writers: the caller forwards once it completed
                return plan.withRecorded(audit.recordAsync(entry));
            }
            audit.record(entry);
            return plan;
        } catch (WouldBlock e) {
            throw e;
        } catch (ProblemException e) {
            if (mode == Audit.ASYNC) {
                throw WOULD_BLOCK; // refusals are rare: planned again off the loop, where the denial is recorded before answering
            }
            auditDenial(in, principal, service, target, e.problem());
            throw e;
        } catch (RuntimeException e) {
            if (mode == Audit.ASYNC) {
                throw WOULD_BLOCK;
            }
            auditDenial(in, principal, service, target, Problems.internal());
            throw e;
        }
    }

    private ProxyPrincipal authenticateIfCached(String token) {
        if (token == null || token.isEmpty()) {
            throw Problems.proxyAuthRequired().exception();
        }
        ProxyPrincipal p = authenticator.authenticateIfCached(token);
        if (p == null) {
            throw WOULD_BLOCK;
        }
        return p;
    }

    /** The address an earlier (blocking) plan validated for {@code host} under these CIDRs, while fresh; else null. */
    private InetAddress cachedAddress(String host, List<Cidr> allowed) {
        CachedAddress c = addresses.get(new AddressKey(host, allowed));
        return c != null && clock.instant().isBefore(c.until()) ? c.address() : null;
    }

    /** Resolves and checks {@code host} (may block) and remembers the result for the fast path. */
    private InetAddress resolveAndRemember(String host, List<Cidr> allowed) {
        InetAddress a = EgressGuard.resolve(resolver, host, allowed);
        if (fastPath) {
            if (addresses.size() >= MAX_ADDRESSES) {
                addresses.clear();
            }
            addresses.put(new AddressKey(host, allowed), new CachedAddress(a, clock.instant().plus(ADDRESS_TTL)));
        }
        return a;
    }

    private void auditDenial(Incoming in, ProxyPrincipal p, ServiceRule service, PathNormaliser.Target target, Problem problem) {
        if (problem.code().equals("audit_unavailable")) {
            return;
        }
        try {
            audit.record(denial(in, p, service, target, problem.code()));
        } catch (RuntimeException auditFailure) {
            throw Problems.auditUnavailable().exception();
        }
    }

    /** The request entry of a refused request. */
    static ProxyAuditEvent.Request denial(Incoming in, ProxyPrincipal p, ServiceRule service, PathNormaliser.Target target,
                                          String code) {
        return new ProxyAuditEvent.Request(in.requestId(), p, in.remote(), in.method(), in.scheme(), in.host(), in.port(),
                target == null ? null : target.path(), target == null ? null : target.query(),
                service == null ? null : service.name(), "deny", code, clientToken(in), List.of());
    }

    /** The presented token for the audit entry (each device HMACs it); null when none. */
    private static Secret clientToken(Incoming in) {
        return in.token() == null || in.token().isEmpty() ? null : Secret.of(in.token());
    }

    private ProxyPrincipal authenticate(String token) {
        if (token == null || token.isEmpty()) {
            throw Problems.proxyAuthRequired().exception();
        }
        return authenticator.authenticate(token);
    }

    private ServiceRule match(Incoming in) {
        List<ServiceRule> all = catalog.services();
        ServiceRule best = null;
        for (ServiceRule r : all) {
            if (r.scheme().equals(in.scheme()) && r.port() == in.port() && r.matchesHost(in.host())) {
                // an exact host rule wins over a wildcard one
                if (best == null || best.host().startsWith("*.") && !r.host().startsWith("*.")) {
                    best = r;
                }
            }
        }
        if (best != null) {
            return best;
        }
        if (in.scheme().equals("http") && all.stream().anyMatch(r -> r.matchesHost(in.host()))) {
            throw Problems.plaintextNotAllowed(in.host()).exception();
        }
        throw Problems.noService(in.host(), in.port()).exception();
    }

    private static void checkServiceLists(ServiceRule s, String method, String path) {
        if (!s.methods().isEmpty() && !s.methods().contains(method)) {
            throw Problems.methodNotAllowed(s.name(), method).exception();
        }
        if (!s.paths().isEmpty() && s.paths().stream().noneMatch(p -> pathMatches(p, path))) {
            throw Problems.pathNotAllowed(s.name(), path).exception();
        }
    }

    /** {@code /api/*} matches {@code /api/x} and {@code /api/} (and {@code /api}); other rules match exactly. */
    static boolean pathMatches(String rule, String path) {
        if (rule.endsWith("*")) {
            String prefix = rule.substring(0, rule.length() - 1);
            return path.startsWith(prefix) || prefix.endsWith("/") && path.equals(prefix.substring(0, prefix.length() - 1));
        }
        return rule.equals(path);
    }

    /** Throws the policy problem when denied; returns the granting policies (for the audit entry). */
    private List<String> authorize(ProxyPrincipal principal, Incoming in, ServiceRule service, String path) {
        String capability = AccessRequest.capabilityOf(in.method());
        String policyPath = AccessRequest.policyPath(in.host(), path);
        AccessDecision d = policy.authorize(principal,
                new AccessRequest(in.method(), capability, in.host(), in.port(), path, policyPath, service.name(), in.remote()));
        if (d instanceof AccessDecision.Deny deny) {
            throw Problems.policyDenied(policyPath, capability, deny.reason(), deny.suggestion()).exception();
        }
        return d instanceof AccessDecision.Allow allow ? allow.grantingPolicies() : List.of();
    }

    /** What the fast path found in memory: the service's credentials (in the order of its refs) and the upstream address. */
    private record Cached(SecretData[] read, InetAddress address) {
    }

    /** {@code cached}: the fast path's credentials and address; null: read and resolve them (may block). */
    private Plan rewrite(Incoming in, ProxyPrincipal principal, ServiceRule service, List<CredentialRef> refs,
                         PathNormaliser.Target target, ProxyAuditEvent.Request entry, boolean lastUse, Cached cached) {
        ProxySettings s = settings.settings();
        SecretData[] read;
        if (cached != null) {
            read = cached.read();
        } else {
            read = new SecretData[refs.size()];
            Map<String, SecretData> byPath = new HashMap<>();
            for (int i = 0; i < read.length; i++) {
                read[i] = byPath.computeIfAbsent(refs.get(i).path(), p -> readOrFail(principal, service, p, s));
            }
        }
        Injection inj = injections.get(service.name());
        if (inj == null || !inj.isFor(service, read)) {
            inj = Injection.prepare(service, refs, read);
            if (injections.size() >= MAX_INJECTIONS) {
                injections.clear();
            }
            injections.put(service.name(), inj);
        }
        String path = target.path();
        String query = target.query();
        for (String[] sub : inj.pathSubstitutions()) {
            path = path.replace(sub[0], sub[1]);
        }
        for (String[] sub : inj.querySubstitutions()) {
            query = query == null ? null : query.replace(sub[0], sub[1]);
        }
        if (service.auth() == AuthType.QUERY) {
            query = withParam(query, service.queryParam(), inj.queryCredential());
        }
        InetAddress address = cached != null ? cached.address() : resolveAndRemember(in.host(), s.upstreamAllowCidrs());
        String uri = query == null ? path : path + "?" + query;
        return new Plan(in.requestId(), principal, service, in.scheme(), in.host(), in.port(), uri, inj.setHeaders(),
                inj.headerRules(), inj.bodyRules(), inj.scrubRules(), address,
                in.scheme().equals("https") ? upstreamTls.forCa(service.upstreamCa()) : null, entry, lastUse, null);
    }

    /**
     * What a service injects with one snapshot of its credentials: the headers it sets, the
     * substitutions per surface and the scrub rules. It depends only on the service rule and the
     * credential values, so it is computed once per cached credential read (identity of the
     * {@link SecretData} objects) instead of on every request. Immutable; never printed.
     */
    private record Injection(ServiceRule service, SecretData[] read, List<Map.Entry<String, String>> setHeaders,
                             List<StreamReplacer.Rule> headerRules, StreamReplacer.Table bodyRules,
                             StreamReplacer.Table scrubRules, List<String[]> pathSubstitutions,
                             List<String[]> querySubstitutions, String queryCredential) {

        boolean isFor(ServiceRule rule, SecretData[] data) {
            if (service != rule || read.length != data.length) {
                return false;
            }
            for (int i = 0; i < data.length; i++) {
                if (read[i] != data[i]) {
                    return false;
                }
            }
            return true;
        }

        static Injection prepare(ServiceRule service, List<CredentialRef> refs, SecretData[] read) {
            Map<CredentialRef, Secret> values = new LinkedHashMap<>();
            for (int i = 0; i < read.length; i++) {
                CredentialRef ref = refs.get(i);
                Secret v = read[i].fields().get(ref.field());
                if (v == null) {
                    throw Problems.credentialUnavailable(service.name(), "field \"" + ref.field() + "\" is missing at " + ref.path()).exception();
                }
                values.put(ref, v);
            }
            List<Map.Entry<String, String>> setHeaders = new ArrayList<>();
            List<StreamReplacer.Rule> scrub = new ArrayList<>();
            List<StreamReplacer.Rule> headerRules = new ArrayList<>();
            List<StreamReplacer.Rule> bodyRules = new ArrayList<>();
            List<String[]> pathSubs = new ArrayList<>();
            List<String[]> querySubs = new ArrayList<>();
            for (Substitution sub : service.substitutions()) {
                String secret = values.get(sub.credential()).reveal();
                addScrub(scrub, secret);
                for (Substitution.Surface surface : sub.surfaces()) {
                    switch (surface) {
                        case PATH -> pathSubs.add(new String[] {sub.placeholder(), encodePath(secret)});
                        case QUERY -> querySubs.add(new String[] {sub.placeholder(), encodeQuery(secret)});
                        case HEADER -> headerRules.add(rule(sub.placeholder(), secret));
                        case BODY -> bodyRules.add(rule(sub.placeholder(), secret));
                    }
                }
            }
            String cred = service.credential() == null ? null : values.get(service.credential()).reveal();
            switch (service.auth()) {
                case BEARER -> setHeaders.add(header("Authorization", "Bearer " + cred));
                case BASIC -> {
                    String user = values.get(service.usernameCredential()).reveal();
                    setHeaders.add(header("Authorization",
                            "Basic " + Base64.getEncoder().encodeToString((user + ":" + cred).getBytes(StandardCharsets.UTF_8))));
                }
                case HEADER -> setHeaders.add(header(service.header(), cred));
                case QUERY -> {
                    // added to the query per request (withParam)
                }
                case TEMPLATE -> setHeaders.add(header(service.header() == null ? "Authorization" : service.header(),
                        service.template().replace(ServiceRule.TEMPLATE_VARIABLE, cred)));
                case PASSTHROUGH -> {
                    // nothing injected
                }
            }
            if (cred != null) {
                addScrub(scrub, cred);
            }
            setHeaders.forEach(h -> addScrub(scrub, h.getValue()));
            scrub.sort((a, b) -> b.from().length - a.from().length);
            return new Injection(service, read.clone(), List.copyOf(setHeaders), List.copyOf(headerRules), StreamReplacer.Table.of(bodyRules),
                    StreamReplacer.Table.of(scrub), List.copyOf(pathSubs), List.copyOf(querySubs),
                    service.auth() == AuthType.QUERY ? cred : null);
        }

        @Override
        public String toString() {
            return "Injection[" + service.name() + "]";
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private SecretData readOrFail(ProxyPrincipal principal, ServiceRule service, String path, ProxySettings s) {
        try {
            return credentials.read(principal, path, s.credentialTtl());
        } catch (ProblemException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Problems.credentialUnavailable(service.name(), "the secret source failed").exception();
        }
    }

    private static void addScrub(List<StreamReplacer.Rule> rules, String secret) {
        for (String variant : List.of(secret, encodeQuery(secret))) {
            byte[] b = variant.getBytes(StandardCharsets.UTF_8);
            if (b.length >= MIN_SCRUB_LENGTH && rules.stream().noneMatch(r -> java.util.Arrays.equals(r.from(), b))) {
                byte[] mask = new byte[b.length];
                java.util.Arrays.fill(mask, (byte) '*');
                rules.add(new StreamReplacer.Rule(b, mask));
            }
        }
    }

    private static StreamReplacer.Rule rule(String from, String to) {
        return new StreamReplacer.Rule(from.getBytes(StandardCharsets.UTF_8), to.getBytes(StandardCharsets.UTF_8));
    }

    private static Map.Entry<String, String> header(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    /** Replaces every {@code name=...} pair of the query with the injected one. */
    static String withParam(String query, String name, String value) {
        StringBuilder sb = new StringBuilder();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (!key.equals(name)) {
                    sb.append(sb.isEmpty() ? "" : "&").append(pair);
                }
            }
        }
        return sb.append(sb.isEmpty() ? "" : "&").append(encodeQuery(name)).append('=').append(encodeQuery(value)).toString();
    }

    private static String encodeQuery(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String encodePath(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static boolean hostMatches(String rule, String host) {
        if (rule.startsWith("*.")) {
            String suffix = rule.substring(1);
            return host.endsWith(suffix) && host.length() > suffix.length() && host.substring(0, host.length() - suffix.length()).indexOf('.') < 0;
        }
        return rule.equals(host);
    }
}
