package dev.av.server.agent;

import dev.av.core.AvException;
import dev.av.registry.agent.Decision;
import dev.av.registry.agent.UseCheck;
import dev.av.registry.token.TokenEntry;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.auth.RequestGuard;
import java.util.List;

/**
 * Narrows every request made with an agent's token (identity or ephemeral) to what the registry
 * allows now: agent active, identity token not rotated away, ephemeral scope, current agent policies,
 * and for OBO tokens the delegation in force ∩ the delegate's policies ∩ a granted scope. A refusal
 * is a 403 whose second error line says why.
 */
final class AgentRequestGuard implements RequestGuard {

    private final UseCheck check;

    AgentRequestGuard(UseCheck check) {
        this.check = check;
    }

    @Override
    public void check(LogicalRequest request, dev.av.server.auth.Decision decision) {
        TokenEntry t = request.token();
        if (t == null || t.agent() == null) {
            return;
        }
        Decision d = check.check(new UseCheck.TokenFacts(t.kind().wire(), t.accessor(), t.agent(), t.delegateUser(),
                t.delegationId(), t.restrictions()), request.path(), request.operation().capability());
        if (d instanceof Decision.Deny deny) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED, List.of("permission denied", deny.reason()), null);
        }
    }
}
