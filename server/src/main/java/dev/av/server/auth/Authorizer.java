package dev.av.server.auth;

import dev.av.registry.token.TokenEntry;
import dev.av.server.logical.Operation;
import dev.av.policy.cedar.CedarDecision;
import dev.av.policy.cedar.CedarPolicySet;
import dev.av.policy.cedar.CedarRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.TreeMap;
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

    private final Clock clock;
    private final AgentFacts agents;
    private volatile CedarState cedar;

    /** The compiled Cedar set; {@code set == null} means it only permits (Cedar cannot change a decision). */
    private record CedarState(CedarPolicySet set, String brokenReason) {
    }

    public Authorizer(PolicyStore policies, AclEngine acl, Clock clock, AgentFacts agents) {
        this.policies = policies;
        this.agents = agents;
        this.acl = acl;
        this.clock = clock;
        this.cedar = loadCedar();
        policies.onChange(() -> {
            compiled.clear();
            cedar = loadCedar();
        });
    }

    /** Compiles the stored Cedar documents; the fresh-install set never loads the native library. */
    private CedarState loadCedar() {
        Map<String, String> docs = new TreeMap<>();
        for (String name : policies.list("cedar")) {
            policies.get("cedar", name).ifPresent(t -> docs.put(name, t));
        }
        boolean trivial = docs.values().stream().allMatch(t -> t.replaceAll("\\s+", "")
                .equals("permit(principal,action,resource);"));
        if (trivial && !docs.isEmpty()) {
            return new CedarState(null, null);
        }
        try {
            CedarPolicySet set = CedarPolicySet.compile(docs);
            return new CedarState(set.isTriviallyPermitting() ? null : set, null);
        } catch (RuntimeException | LinkageError e) {
            return new CedarState(null, "Cedar policies cannot be evaluated: " + e.getMessage());
        }
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
        return authorize(token, path, op, data, needsSudo, wrapTtlSeconds, RequestOrigin.NONE);
    }

    /**
     * As above; {@code origin} (client address, and for proxied requests the upstream method and host)
     * goes into Cedar's context ({@code remote_addr}, {@code http_method}, {@code host}, {@code proxied}).
     */
    public Decision authorize(TokenEntry token, String path, Operation op, Map<String, Object> data, boolean needsSudo,
                              long wrapTtlSeconds, RequestOrigin origin) {
        AclEngine.Compiled set = compiledFor(token.policies());
        AclEngine.Evaluation ev = set.evaluate(path, op, data == null ? Map.of() : data, wrapTtlSeconds, needsSudo);
        if (!ev.allowed()) {
            return Decision.deny(ev.reason() == null ? "denied by ACL" : ev.reason(), ev.capabilities());
        }
        List<String> forbidding = new java.util.ArrayList<>();
        String cedarDenial = cedarCheck(token, path, op, origin, forbidding);
        if (cedarDenial != null) {
            return Decision.forbiddenByCedar(cedarDenial, ev.capabilities(), ev.grantingPolicies(), forbidding);
        }
        return new Decision(true, ev.capabilities(), ev.grantingPolicies(), null);
    }

    /**
     * Asks Cedar about a request the ACL allowed. Returns null when Cedar permits (or only the
     * fresh-install permit-all set exists), else why it refused. {@code remoteAddress} may be null.
     */
    public String cedarCheck(TokenEntry token, String path, Operation op, String remoteAddress) {
        return cedarCheck(token, path, op, RequestOrigin.api(remoteAddress), new java.util.ArrayList<>());
    }

    /** As above; the ids of the Cedar policies that forbade the request are added to {@code forbidding}. */
    public String cedarCheck(TokenEntry token, String path, Operation op, String remoteAddress, List<String> forbidding) {
        return cedarCheck(token, path, op, RequestOrigin.api(remoteAddress), forbidding);
    }

    private String cedarCheck(TokenEntry token, String path, Operation op, RequestOrigin origin, List<String> forbidding) {
        CedarState state = cedar;
        if (token.isRoot()) {
            return null; // the root token is the break-glass: Cedar narrows every other token
        }
        if (state.brokenReason() != null) {
            return state.brokenReason();
        }
        if (state.set() == null) {
            return null;
        }
        CedarRequest.Principal principal = token.agent() != null
                ? agents.agent(token.agent())
                : CedarRequest.Principal.token(token.accessor());
        String action = op == Operation.LIST ? "list" : op.capability();
        // with OBO, the context names the delegate and the consent scopes of the delegation behind the token
        Set<String> scopes = token.delegationId() == null ? Set.of() : agents.scopes(token.delegationId());
        CedarRequest req = new CedarRequest(principal, action, op.capability(), stripSlashes(path), clock.instant(),
                origin.remoteAddress(), token.delegateUser(), scopes, origin.httpMethod(), origin.host());
        CedarDecision d = state.set().authorize(req);
        if (d.allowed()) {
            return null;
        }
        forbidding.addAll(d.policyIds());
        return !d.policyIds().isEmpty() ? "forbidden by Cedar policy " + String.join(", ", d.policyIds())
                : !d.errors().isEmpty() ? String.join("; ", d.errors()) : "no Cedar policy permits the request";
    }

    private static String stripSlashes(String path) {
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return path.substring(i);
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
