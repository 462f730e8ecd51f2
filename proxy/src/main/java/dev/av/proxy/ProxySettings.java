package dev.av.proxy;

import dev.av.core.AvException;
import dev.av.core.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Operator settings ({@code proxy/settings}; field names stable):
 * {@code unmatched_hosts} ({@code deny}, the default, or {@code tunnel}: CONNECTs to hosts listed in
 * {@code tunnel_hosts} that no service matches become plain TCP tunnels, without MITM or injection),
 * {@code upstream_allow_cidrs} (ranges the egress guard would refuse but may be dialled, e.g.
 * {@code 127.0.0.0/8} for a local test upstream), {@code connect_timeout}, {@code idle_timeout},
 * {@code total_timeout} (per request, until the response ends) and {@code credential_ttl} (how long a
 * credential read without a lease is cached).
 */
public record ProxySettings(String unmatchedHosts, List<String> tunnelHosts, List<Cidr> upstreamAllowCidrs,
                            Duration connectTimeout, Duration idleTimeout, Duration totalTimeout, Duration credentialTtl) {

    public static final ProxySettings DEFAULTS = new ProxySettings("deny", List.of(), List.of(), Duration.ofSeconds(10),
            Duration.ofSeconds(120), Duration.ofMinutes(10), Duration.ofSeconds(60));

    public ProxySettings {
        tunnelHosts = List.copyOf(tunnelHosts);
        upstreamAllowCidrs = List.copyOf(upstreamAllowCidrs);
        if (!unmatchedHosts.equals("deny") && !unmatchedHosts.equals("tunnel")) {
            throw AvException.badRequest("unmatched_hosts must be deny or tunnel, was \"" + unmatchedHosts + "\"");
        }
        for (Duration d : List.of(connectTimeout, idleTimeout, totalTimeout)) {
            if (d.isZero() || d.isNegative()) {
                throw AvException.badRequest("timeouts must be positive, was " + Durations.format(d));
            }
        }
    }

    public ProxySettings withAllowCidrs(String... cidrs) {
        return new ProxySettings(unmatchedHosts, tunnelHosts, java.util.Arrays.stream(cidrs).map(Cidr::parse).toList(),
                connectTimeout, idleTimeout, totalTimeout, credentialTtl);
    }

    /** Applies the given fields over {@code base}; unknown fields are refused. */
    public static ProxySettings fromMap(ProxySettings base, Map<String, ?> data) {
        Set<String> known = Set.of("unmatched_hosts", "tunnel_hosts", "upstream_allow_cidrs", "connect_timeout",
                "idle_timeout", "total_timeout", "credential_ttl");
        for (String key : data.keySet()) {
            if (!known.contains(key)) {
                throw AvException.badRequest("unknown proxy setting \"" + key + "\"; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
        String unmatched = data.containsKey("unmatched_hosts")
                ? ServiceRule.str(data, "unmatched_hosts").toLowerCase(Locale.ROOT) : base.unmatchedHosts;
        List<String> tunnel = data.containsKey("tunnel_hosts")
                ? ServiceRule.list(data, "tunnel_hosts").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList() : base.tunnelHosts;
        List<Cidr> cidrs = data.containsKey("upstream_allow_cidrs")
                ? ServiceRule.list(data, "upstream_allow_cidrs").stream().map(Cidr::parse).toList() : base.upstreamAllowCidrs;
        return new ProxySettings(unmatched, tunnel, cidrs,
                dur(data, "connect_timeout", base.connectTimeout), dur(data, "idle_timeout", base.idleTimeout),
                dur(data, "total_timeout", base.totalTimeout), dur(data, "credential_ttl", base.credentialTtl));
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unmatched_hosts", unmatchedHosts);
        m.put("tunnel_hosts", tunnelHosts);
        m.put("upstream_allow_cidrs", upstreamAllowCidrs.stream().map(Cidr::text).toList());
        m.put("connect_timeout", Durations.format(connectTimeout));
        m.put("idle_timeout", Durations.format(idleTimeout));
        m.put("total_timeout", Durations.format(totalTimeout));
        m.put("credential_ttl", Durations.format(credentialTtl));
        return m;
    }

    private static Duration dur(Map<String, ?> data, String key, Duration fallback) {
        return data.containsKey(key) ? Durations.parse(key, data.get(key)) : fallback;
    }
}
