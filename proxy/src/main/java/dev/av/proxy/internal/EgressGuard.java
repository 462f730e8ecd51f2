package dev.av.proxy.internal;

import dev.av.proxy.Cidr;
import dev.av.proxy.HostResolver;
import dev.av.proxy.Problems;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Decides which addresses the proxy may dial. Refused unless an allowed range covers them:
 * loopback, unspecified, RFC 1918 private, link-local (incl. the 169.254.169.254 metadata address),
 * CGNAT 100.64/10, multicast, broadcast, IPv6 unique-local (incl. fd00:ec2::254) and link-local,
 * and IPv4-mapped forms of all of these. Every resolved address must pass, and the caller dials the
 * address returned here, never the name again (no DNS rebinding between check and connect).
 */
public final class EgressGuard {

    private static final List<Cidr> REFUSED = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
            "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
            "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8").stream().map(Cidr::parse).toList();

    private EgressGuard() {
    }

    /** Resolves {@code host} and returns the address to dial; throws {@code egress_denied} or {@code upstream_unreachable}. */
    public static InetAddress resolve(HostResolver resolver, String host, List<Cidr> allowed) {
        InetAddress[] all;
        try {
            all = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw Problems.upstreamUnreachable(host, "the name does not resolve").exception();
        }
        if (all.length == 0) {
            throw Problems.upstreamUnreachable(host, "the name does not resolve").exception();
        }
        for (InetAddress a : all) {
            if (!permitted(a, allowed)) {
                throw Problems.egressDenied(host).exception();
            }
        }
        return all[0];
    }

    public static boolean permitted(InetAddress address, List<Cidr> allowed) {
        InetAddress a = unmap(address);
        for (Cidr c : allowed) {
            if (c.contains(a)) {
                return true;
            }
        }
        for (Cidr c : REFUSED) {
            if (c.contains(a)) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress unmap(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }
}
