package dev.av.server.auth;

import dev.av.registry.token.TokenEntry;
import dev.av.server.logical.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorizes (token, path, operation) through the ACL of the token's policies, then Cedar. Compiled
 * ACL sets are cached per policy list and dropped whenever any policy changes. Other areas (proxy,
 * agent registry) use the same bean so every decision follows one path.
 */
public final class Authorizer {

    private final PolicyStore policies;
    private final AclEngine acl;
    private final ConcurrentHashMap<List<String>, AclEngine.Compiled> compiled = new ConcurrentHashMap<>();

    public Authorizer(PolicyStore policies, AclEngine acl) {
        this.policies = policies;
        this.acl = acl;
        policies.onChange(compiled::clear);
    }

    public AclEngine engine() {
        return acl;
    }

    /**
     * Decides whether {@code token} may perform {@code op} on {@code path} (full API path; LIST paths
     * end in "/"). With {@code needsSudo} the token must also hold {@code sudo} there.
     */
    public Decision authorize(TokenEntry token, String path, Operation op, Map<String, Object> data, boolean needsSudo) {
        return authorize(token, path, op, data, needsSudo, 0);
    }

    /** As above, with the requested response-wrapping TTL in seconds (0 = none). */
    public Decision authorize(TokenEntry token, String path, Operation op, Map<String, Object> data, boolean needsSudo,
                              long wrapTtlSeconds) {
        AclEngine.Compiled set = compiledFor(token.policies());
        AclEngine.Evaluation ev = set.evaluate(path, op, data == null ? Map.of() : data, wrapTtlSeconds, needsSudo);
        if (!ev.allowed()) {
            return Decision.deny(ev.reason() == null ? "denied by ACL" : ev.reason(), ev.capabilities());
        }
        return new Decision(true, ev.capabilities(), ev.grantingPolicies(), null);
    }

    /** The capabilities {@code token} holds on {@code path}, sorted as Vault prints them. */
    public List<String> capabilities(TokenEntry token, String path) {
        Set<String> caps = compiledFor(token.policies()).capabilities(path);
        List<String> out = new ArrayList<>(caps);
        out.sort(null);
        if (out.isEmpty()) {
            return List.of("deny");
        }
        return out;
    }

    private AclEngine.Compiled compiledFor(List<String> names) {
        return compiled.computeIfAbsent(List.copyOf(names), k -> {
            Map<String, String> texts = new LinkedHashMap<>();
            for (String n : k) {
                if (n.equals("root")) {
                    texts.put("root", "");
                } else {
                    policies.get("acl", n).ifPresent(t -> texts.put(n, t));
                }
            }
            return acl.compile(texts);
        });
    }

    /** A fail-closed engine: only {@code root} grants anything (for tests of the pipeline itself). */
    public static AclEngine rootOnly() {
        return new RootOnlyAclEngine();
    }
}
