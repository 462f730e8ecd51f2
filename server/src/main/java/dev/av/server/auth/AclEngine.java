package dev.av.server.auth;

import dev.av.server.logical.Operation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's seam to the policy module's ACL: compile a token's policy set once, then evaluate.
 * {@link Authorizer} caches compiled sets and invalidates them when a policy changes.
 */
public interface AclEngine {

    /** A compiled policy set. */
    interface Compiled {
        /** Capabilities on {@code path} ({@code root} for root tokens). */
        Set<String> capabilities(String path);

        /** Whether {@code op} on {@code path} (with these request parameters) is allowed, and by which policies. */
        Evaluation evaluate(String path, Operation op, Map<String, Object> data);

        /**
         * The same with the requested wrapping TTL (for min/max_wrapping_ttl) and whether the path is
         * root-protected (then {@code sudo} is needed too).
         */
        default Evaluation evaluate(String path, Operation op, Map<String, Object> data, long wrapTtlSeconds,
                                    boolean rootProtected) {
            Evaluation e = evaluate(path, op, data);
            if (e.allowed() && rootProtected && !e.capabilities().contains("sudo") && !e.capabilities().contains("root")) {
                return new Evaluation(false, e.capabilities(), List.of(), "sudo capability required");
            }
            return e;
        }
    }

    /** Result of one evaluation. */
    record Evaluation(boolean allowed, Set<String> capabilities, List<String> grantingPolicies, String reason) {
    }

    /** Compiles the named policies' texts ({@code name → text}); names absent from the map are ignored as in Vault. */
    Compiled compile(Map<String, String> policies);

    /** Parses and validates a policy text; throws {@link dev.av.core.AvException} (400) with the parser's message. */
    void validate(String name, String text);
}
