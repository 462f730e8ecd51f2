package dev.av.server.auth;

import dev.av.core.AvException;
import dev.av.server.logical.Operation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fail-closed stand-in used until the policy module's compiled ACL is wired: the {@code root}
 * policy may do everything; every other policy grants nothing.
 */
final class RootOnlyAclEngine implements AclEngine {

    @Override
    public Compiled compile(Map<String, String> policies) {
        boolean root = policies.containsKey("root");
        return new Compiled() {
            @Override
            public Set<String> capabilities(String path) {
                return root ? Set.of("root") : Set.of("deny");
            }

            @Override
            public Evaluation evaluate(String path, Operation op, Map<String, Object> data) {
                return root ? new Evaluation(true, Set.of("root"), List.of("root"), null)
                        : new Evaluation(false, Set.of("deny"), List.of(), "no policy grants " + op.capability());
            }
        };
    }

    @Override
    public void validate(String name, String text) {
        if (text == null || text.isBlank()) {
            throw AvException.badRequest("policy text is empty");
        }
    }
}
