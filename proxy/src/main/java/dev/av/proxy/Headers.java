package dev.av.proxy;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header names the proxy never forwards. Hop-by-hop headers (RFC 9110 §7.6.1) belong to one
 * connection; proxy-scoped headers carry the agent's token or av's own data and must never reach an
 * upstream (invariant: the upstream never sees {@code Proxy-Authorization}).
 */
public final class Headers {

    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade");
    public static final Set<String> PROXY_SCOPED = Set.of("proxy-authorization", "proxy-authenticate");
    public static final String AV_PREFIX = "x-av-";

    private Headers() {
    }

    /**
     * The field names a message's {@code Connection} header lists (RFC 9110 §7.6.1), lower case:
     * they are hop-by-hop for this message and are not forwarded. {@code Content-Length} is never
     * included (it frames the message the proxy forwards; the codec has parsed it already).
     */
    public static Set<String> connectionOptions(List<String> connectionValues) {
        if (connectionValues.isEmpty()
                || connectionValues.size() == 1 && (connectionValues.get(0).equalsIgnoreCase("keep-alive")
                || connectionValues.get(0).equalsIgnoreCase("close"))) {
            return Set.of(); // the usual values name no field
        }
        Set<String> names = new HashSet<>();
        for (String v : connectionValues) {
            for (String token : v.split(",")) {
                String n = token.trim().toLowerCase(Locale.ROOT);
                if (!n.isEmpty() && !n.equals("content-length")) {
                    names.add(n);
                }
            }
        }
        return names;
    }

    public static boolean isHopByHopOrProxyScoped(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return HOP_BY_HOP.contains(n) || PROXY_SCOPED.contains(n) || n.startsWith(AV_PREFIX);
    }
}
