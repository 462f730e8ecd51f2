package dev.av.registry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AgentRegistryTest {

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anAgentIsCreatedWithMetadataPairsAndReadBack(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeAgent("my-ai-agent", Map.of("type", "autonomous", "metadata", "purpose=code-review,owner=team-alpha"));
            Agent a = f.registry.agent("my-ai-agent");
            assertThat(a.type()).isEqualTo("autonomous");
            assertThat(a.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("purpose", "code-review", "owner", "team-alpha"));
            assertThat(a.status()).isEqualTo(Agent.Status.ACTIVE);
            assertThat(a.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
            assertThat(f.registry.agentNames()).containsExactly("my-ai-agent");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void metadataAlsoAcceptsAJsonMapAndUpdatesKeepOtherFields(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeAgent("bot-1", Map.of("type", "assisted", "description", "helps"));
            f.clock.advance(Duration.ofMinutes(1));
            f.registry.writeAgent("bot-1", Map.of("metadata", "{\"team\":\"beta\",\"tier\":2}"));
            Agent a = f.registry.agent("bot-1");
            assertThat(a.type()).isEqualTo("assisted");
            assertThat(a.description()).isEqualTo("helps");
            assertThat(a.metadata()).isEqualTo(Map.of("team", "beta", "tier", "2"));
            assertThat(a.updatedAt()).isAfter(a.createdAt());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void badAgentNamesAndFieldsAreRefusedWithClearMessagesAndChangeNothing(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            assertThatThrownBy(() -> f.registry.writeAgent("ab", Map.of())).hasMessageContaining("3-64 characters");
            assertThatThrownBy(() -> f.registry.writeAgent("My_Agent", Map.of())).hasMessageContaining("invalid agent name");
            assertThatThrownBy(() -> f.registry.writeAgent("a".repeat(65), Map.of())).isInstanceOf(AvException.class);
            assertThatThrownBy(() -> f.registry.writeAgent("good-name", Map.of("metadata", "novalue")))
                    .hasMessageContaining("k=v pairs");
            assertThatThrownBy(() -> f.registry.writeAgent("good-name", Map.of("colour", "red")))
                    .hasMessageContaining("unknown field(s) [colour]");
            assertThatThrownBy(() -> f.registry.writeAgent("good-name", Map.of("max_ttl", "ten minutes")))
                    .hasMessageContaining("max_ttl");
            assertThatThrownBy(() -> f.registry.writeAgent("good-name", Map.of("delegates", "nobody")))
                    .hasMessageContaining("unknown user \"nobody\"");
            assertThat(f.registry.agentNames()).isEmpty();
            assertThatThrownBy(() -> f.registry.agent("missing-agent"))
                    .isInstanceOfSatisfying(AvException.class, e -> assertThat(e.kind()).isEqualTo(AvException.Kind.NOT_FOUND));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void policiesAreAttachedAndDetachedAndDelegatesMustBeKnownUsers(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeAgent("my-ai-agent", Map.of());
            f.registry.writeUser("alice", Map.of("display_name", "Alice", "oidc_subject", "alice@example.com"));
            f.registry.attachPolicies("my-ai-agent", Map.of("policy", "agent-code-review"));
            f.registry.attachPolicies("my-ai-agent", Map.of("policies", List.of("logs", "agent-code-review")));
            assertThat(f.registry.agent("my-ai-agent").policies()).containsExactly("agent-code-review", "logs");
            f.registry.attachPolicies("my-ai-agent", Map.of("detach", "logs"));
            assertThat(f.registry.agent("my-ai-agent").policies()).containsExactly("agent-code-review");
            f.registry.addDelegates("my-ai-agent", Map.of("user", "alice"));
            assertThat(f.registry.agent("my-ai-agent").delegates()).containsExactly("alice");
            assertThatThrownBy(() -> f.registry.addDelegates("my-ai-agent", Map.of("user", "bob")))
                    .hasMessageContaining("unknown user \"bob\"");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void ephemeralSettingsAreStoredAndDefaultTtlMayNotExceedMaxTtl(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeAgent("my-ai-agent", Map.of());
            f.registry.setEphemeral("my-ai-agent", Map.of("enabled", "true", "max_ttl", "10m", "num_uses", "3"));
            EphemeralSettings e = f.registry.agent("my-ai-agent").ephemeral();
            assertThat(e.enabled()).isTrue();
            assertThat(e.maxTtl()).isEqualTo(Duration.ofMinutes(10));
            assertThat(e.numUses()).isEqualTo(3);
            assertThatThrownBy(() -> f.registry.setEphemeral("my-ai-agent", Map.of("default_ttl", "1h")))
                    .hasMessageContaining("must not exceed max_ttl");
            assertThat(f.registry.agent("my-ai-agent").ephemeral().defaultTtl()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void usersAreFoundBySubjectAndASubjectBelongsToOneUser(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeUser("alice", Map.of("display_name", "Alice", "oidc_subject", "alice@example.com",
                    "email", "alice@example.com", "policies", "dev"));
            f.registry.writeUser("bob", Map.of("display_name", "Bob"));
            assertThat(f.registry.userBySubject("alice@example.com")).map(RegistryUser::name).hasValue("alice");
            assertThat(f.registry.user("alice").policies()).containsExactly("dev");
            assertThatThrownBy(() -> f.registry.writeUser("bob", Map.of("oidc_subject", "alice@example.com")))
                    .isInstanceOfSatisfying(AvException.class, e -> assertThat(e.kind()).isEqualTo(AvException.Kind.CONFLICT));
            assertThat(f.registry.user("bob").oidcSubject()).isNull();
            assertThatThrownBy(() -> f.registry.writeUser("carol", Map.of("email", "not-an-email")))
                    .hasMessageContaining("invalid email");
            assertThat(f.registry.userNames()).containsExactly("alice", "bob");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aScopeNeedsAPolicyThePolicyEngineAccepts(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeScope("log-view", Map.of("description", "View logs", "policy", "secret/data/logs/* read"));
            assertThat(f.registry.scope("log-view").description()).isEqualTo("View logs");
            assertThatThrownBy(() -> f.registry.writeScope("broken", Map.of("policy", "this is not a policy")))
                    .hasMessageContaining("failed to parse policy");
            assertThatThrownBy(() -> f.registry.writeScope("empty", Map.of("description", "x")))
                    .hasMessageContaining("needs a \"policy\"");
            assertThat(f.registry.scopeNames()).containsExactly("log-view");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aDelegationNamingAnUnknownAgentUserOrScopeIsRefused(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeUser("alice", Map.of());
            f.registry.writeUser("bob", Map.of());
            f.registry.writeAgent("my-ai-agent", Map.of("delegates", "alice"));
            f.registry.writeScope("code-read", Map.of("policy", "secret/data/code/* read"));
            assertThatThrownBy(() -> f.registry.writeDelegation("d1", Map.of("agent", "ghost-agent", "delegate_user", "alice", "scopes", "code-read")))
                    .hasMessageContaining("unknown agent \"ghost-agent\"");
            assertThatThrownBy(() -> f.registry.writeDelegation("d1", Map.of("agent", "my-ai-agent", "delegate_user", "zed", "scopes", "code-read")))
                    .hasMessageContaining("unknown user \"zed\"");
            assertThatThrownBy(() -> f.registry.writeDelegation("d1", Map.of("agent", "my-ai-agent", "delegate_user", "alice", "scopes", "code-read,nope")))
                    .hasMessageContaining("unknown scope \"nope\"");
            assertThatThrownBy(() -> f.registry.writeDelegation("d1", Map.of("agent", "my-ai-agent", "delegate_user", "bob", "scopes", "code-read")))
                    .hasMessageContaining("not a delegate");
            assertThat(f.registry.delegationIds()).isEmpty();
            Delegation d = f.registry.writeDelegation("delegation-1", Map.of("agent", "my-ai-agent", "delegate_user", "alice",
                    "scopes", "code-read", "ttl", "1h"));
            assertThat(d.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));
            assertThat(f.registry.delegationsInForce("my-ai-agent", "alice")).hasSize(1);
            f.clock.advance(Duration.ofHours(1));
            assertThat(f.registry.delegationsInForce("my-ai-agent", "alice")).isEmpty();
            assertThat(f.registry.delegation("delegation-1").stateAt(f.clock.instant())).isEqualTo("expired");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void rotatingAnIdentityTokenEndsTheOldOneAtOnceOrAfterTheOverlap(TestDatabase.Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            f.registry.writeAgent("my-ai-agent", Map.of());
            f.registry.recordIdentityToken("my-ai-agent", "acc-1", Duration.ZERO);
            assertThat(f.registry.identityTokenLive("my-ai-agent", "acc-1", f.clock.instant())).isTrue();
            f.registry.recordIdentityToken("my-ai-agent", "acc-2", Duration.ofMinutes(5));
            assertThat(f.registry.identityTokenLive("my-ai-agent", "acc-1", f.clock.instant())).isTrue();
            f.clock.advance(Duration.ofMinutes(5));
            assertThat(f.registry.identityTokenLive("my-ai-agent", "acc-1", f.clock.instant())).isFalse();
            assertThat(f.registry.identityTokenLive("my-ai-agent", "acc-2", f.clock.instant())).isTrue();
            List<String> ended = f.registry.recordIdentityToken("my-ai-agent", "acc-3", Duration.ZERO);
            assertThat(ended).contains("acc-2");
            assertThat(f.registry.identityTokenLive("my-ai-agent", "acc-2", f.clock.instant())).isFalse();
            assertThat(f.registry.revokeIdentityTokens("my-ai-agent")).containsExactly("acc-3");
            assertThat(f.registry.identityTokenLive("my-ai-agent", "acc-3", f.clock.instant())).isFalse();
        }
    }
}
