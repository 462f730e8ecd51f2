package dev.av.registry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry's questions answered by the real ACL engine, with HCL as a user writes it. */
class AclPolicyOracleTest {

    private final Map<String, String> stored = new HashMap<>();
    private final AclPolicyOracle oracle = new AclPolicyOracle(n -> Optional.ofNullable(stored.get(n)));

    @Test
    void namedPoliciesAndScopeBodiesAreEvaluatedWithVaultSemantics() {
        stored.put("agent-code-review", """
                path "secret/data/code-repos/*" { capabilities = ["read", "list"] }
                path "secret/data/code-repos/secret-project" { capabilities = ["deny"] }
                """);
        assertThat(oracle.allows(List.of("agent-code-review"), "secret/data/code-repos/frontend", "read")).isTrue();
        assertThat(oracle.allows(List.of("agent-code-review"), "secret/data/code-repos/frontend", "update")).isFalse();
        assertThat(oracle.allows(List.of("agent-code-review"), "secret/data/code-repos/secret-project", "read")).isFalse();
        assertThat(oracle.allows(List.of("missing"), "secret/data/code-repos/frontend", "read")).isFalse();
        assertThat(oracle.allows(List.of("root"), "anything/at/all", "sudo")).isTrue();
        String logView = "path \"secret/data/logs/*\" { capabilities = [\"read\"] }";
        assertThat(oracle.bodyAllows(logView, "secret/data/logs/app", "read")).isTrue();
        assertThat(oracle.bodyAllows(logView, "secret/data/logsx", "read")).isFalse();
    }

    @Test
    void aChangedPolicyIsSeenAfterInvalidation() {
        stored.put("p", "path \"a/*\" { capabilities = [\"read\"] }");
        assertThat(oracle.allows(List.of("p"), "a/b", "read")).isTrue();
        stored.put("p", "path \"a/*\" { capabilities = [\"deny\"] }");
        oracle.invalidate();
        assertThat(oracle.allows(List.of("p"), "a/b", "read")).isFalse();
    }

    @Test
    void anInvalidScopeBodyIsABadRequestWithTheParsersMessage() {
        assertThatThrownBy(() -> oracle.validateBody("path \"x\" { capabilities = [\"fly\"] }"))
                .isInstanceOf(dev.av.core.AvException.class).hasMessageContaining("invalid capability");
        assertThatThrownBy(() -> oracle.validateBody("not hcl {{{"))
                .hasMessageContaining("failed to parse policy");
    }
}
