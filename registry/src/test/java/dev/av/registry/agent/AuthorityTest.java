package dev.av.registry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** OBO authority, ephemeral issuance and the per-use check, against the registry on both databases. */
class AuthorityTest {

    private static Fixture setUp(TestDatabase.Kind kind) {
        Fixture f = new Fixture(kind);
        f.policies.put("agent-code-review", "secret/data/code-repos/* read\nsecret/data/logs/* read\nsecret/data/agent-only/* read");
        f.policies.put("alice-own", "secret/data/code-repos/* read\nsecret/data/logs/* read\nsecret/data/alice-only/* read\nsecret/data/both/* read");
        f.policies.put("agent-both", "secret/data/both/* read");
        f.registry.writeUser("alice", Map.of("display_name", "Alice", "policies", "alice-own"));
        f.registry.writeAgent("my-ai-agent", Map.of("type", "autonomous", "delegates", "alice",
                "policies", "agent-code-review,agent-both"));
        f.registry.setEphemeral("my-ai-agent", Map.of("enabled", true, "max_ttl", "10m"));
        f.registry.writeScope("code-read", Map.of("policy", "secret/data/code-repos/* read"));
        f.registry.writeScope("log-view", Map.of("policy", "secret/data/logs/* read"));
        f.registry.writeDelegation("delegation-1", Map.of("agent", "my-ai-agent", "delegate_user", "alice",
                "scopes", "code-read,log-view"));
        return f;
    }

    private static EphemeralRequest ask(String path, Object extra) {
        return EphemeralRequest.parse(extra == null ? Map.of("paths", Map.of(path, List.of("read")))
                : Map.of("paths", Map.of(path, List.of("read")), "on_behalf_of", extra));
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anAgentGetsATokenScopedToExactlyWhatItAskedForAndMaxTtlCapsEveryRequestedTtl(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            EphemeralIssuer issuer = new EphemeralIssuer(f.registry, new Authority(f.registry));
            for (String ttl : List.of("1s", "5m", "10m", "11m", "24h")) {
                EphemeralGrant g = issuer.issue("my-ai-agent", EphemeralRequest.parse(Map.of(
                        "paths", Map.of("secret/data/code-repos/frontend", List.of("read")), "ttl", ttl)));
                assertThat(g.ttl()).isLessThanOrEqualTo(Duration.ofMinutes(10));
                assertThat(g.ttl()).isEqualTo(ttlMin(dev.av.core.Durations.parse("ttl", ttl), Duration.ofMinutes(10)));
            }
            EphemeralGrant g = issuer.issue("my-ai-agent", ask("secret/data/code-repos/frontend", null));
            assertThat(g.ttl()).isEqualTo(Duration.ofMinutes(10));
            assertThat(Restrictions.parse(g.restrictionsJson())).isEqualTo(Map.of("secret/data/code-repos/frontend", java.util.Set.of("read")));
            assertThat(g.delegateUser()).isNull();
        }
    }

    private static Duration ttlMin(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void defaultTtlAppliesWhenNoneIsRequestedAndNumUsesIsCappedByTheAgent(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            f.registry.setEphemeral("my-ai-agent", Map.of("default_ttl", "2m", "num_uses", 3));
            EphemeralIssuer issuer = new EphemeralIssuer(f.registry, new Authority(f.registry));
            EphemeralGrant g = issuer.issue("my-ai-agent", EphemeralRequest.parse(Map.of(
                    "paths", Map.of("secret/data/logs/app", List.of("read")), "num_uses", 10)));
            assertThat(g.ttl()).isEqualTo(Duration.ofMinutes(2));
            assertThat(g.numUses()).isEqualTo(3);
            assertThat(issuer.issue("my-ai-agent", EphemeralRequest.parse(Map.of(
                    "paths", Map.of("secret/data/logs/app", List.of("read")), "num_uses", 1))).numUses()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void anAgentCannotObtainATokenForAPathItsPoliciesDenyAndTheRefusalNamesIt(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            EphemeralIssuer issuer = new EphemeralIssuer(f.registry, new Authority(f.registry));
            assertThatThrownBy(() -> issuer.issue("my-ai-agent", EphemeralRequest.parse(Map.of("paths", Map.of(
                    "secret/data/code-repos/frontend", List.of("read"), "secret/data/prod/db", List.of("read", "update"))))))
                    .isInstanceOfSatisfying(AvException.class, e -> {
                        assertThat(e.kind()).isEqualTo(AvException.Kind.PERMISSION_DENIED);
                        assertThat(e.errors()).anySatisfy(m -> assertThat(m).contains("refused read on secret/data/prod/db"));
                        assertThat(e.errors()).anySatisfy(m -> assertThat(m).contains("refused update on secret/data/prod/db"));
                        assertThat(e.errors()).noneSatisfy(m -> assertThat(m).contains("frontend"));
                    });
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void oboIsTheIntersectionOfAgentUserAndGrantedScopes(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            EphemeralIssuer issuer = new EphemeralIssuer(f.registry, new Authority(f.registry));
            EphemeralGrant ok = issuer.issue("my-ai-agent", ask("secret/data/code-repos/frontend", "alice"));
            assertThat(ok.delegateUser()).isEqualTo("alice");
            assertThat(ok.delegationId()).isEqualTo("delegation-1");
            assertThatThrownBy(() -> issuer.issue("my-ai-agent", ask("secret/data/agent-only/x", "alice")))
                    .as("the agent may read it but the delegate may not")
                    .hasMessageContaining("delegate \"alice\" policies do not allow read on secret/data/agent-only/x");
            assertThatThrownBy(() -> issuer.issue("my-ai-agent", ask("secret/data/alice-only/x", "alice")))
                    .as("the delegate may read it but the agent may not")
                    .hasMessageContaining("agent \"my-ai-agent\" policies do not allow read on secret/data/alice-only/x");
            assertThatThrownBy(() -> issuer.issue("my-ai-agent", ask("secret/data/both/x", "alice")))
                    .as("both may read it but no granted scope covers it")
                    .hasMessageContaining("no scope granted by delegation \"delegation-1\"");
            assertThatThrownBy(() -> issuer.issue("my-ai-agent", ask("secret/data/code-repos/frontend", "bob-unknown")))
                    .hasMessageContaining("no active delegation");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void revokingTheDelegationRefusesTheNextUseOfAnIssuedToken(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            Authority authority = new Authority(f.registry);
            EphemeralGrant g = new EphemeralIssuer(f.registry, authority).issue("my-ai-agent", ask("secret/data/logs/app", "alice"));
            UseCheck check = new UseCheck(f.registry, authority);
            UseCheck.TokenFacts token = new UseCheck.TokenFacts("ephemeral", "acc-e", g.agent(), g.delegateUser(),
                    g.delegationId(), g.restrictionsJson());
            assertThat(check.check(token, "secret/data/logs/app", "read").allowed()).isTrue();
            assertThat(check.check(token, "secret/data/logs/other", "read"))
                    .isEqualTo(Decision.deny("this ephemeral token was not issued for read on secret/data/logs/other"));
            assertThat(check.check(token, "secret/data/logs/app", "update").allowed()).isFalse();
            f.registry.revokeDelegation("delegation-1");
            assertThat(check.check(token, "secret/data/logs/app", "read"))
                    .isEqualTo(Decision.deny("delegation \"delegation-1\" is revoked"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void expiryOfTheDelegationAndChangesToPoliciesApplyToTheNextUse(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            f.registry.writeDelegation("delegation-1", Map.of("ttl", "30s"));
            Authority authority = new Authority(f.registry);
            EphemeralGrant g = new EphemeralIssuer(f.registry, authority).issue("my-ai-agent", ask("secret/data/code-repos/a", "alice"));
            UseCheck check = new UseCheck(f.registry, authority);
            UseCheck.TokenFacts token = new UseCheck.TokenFacts("ephemeral", "acc-e", g.agent(), g.delegateUser(),
                    g.delegationId(), g.restrictionsJson());
            assertThat(check.check(token, "secret/data/code-repos/a", "read").allowed()).isTrue();
            f.registry.attachPolicies("my-ai-agent", Map.of("detach", "agent-code-review"));
            assertThat(check.check(token, "secret/data/code-repos/a", "read").allowed()).as("policy detached").isFalse();
            f.registry.attachPolicies("my-ai-agent", Map.of("policy", "agent-code-review"));
            assertThat(check.check(token, "secret/data/code-repos/a", "read").allowed()).isTrue();
            f.clock.advance(Duration.ofSeconds(30));
            assertThat(check.check(token, "secret/data/code-repos/a", "read"))
                    .isEqualTo(Decision.deny("delegation \"delegation-1\" is expired"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void disablingTheAgentStopsItsTokensAtOnceAndEphemeralModeLimitsTheIdentityToken(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            Authority authority = new Authority(f.registry);
            UseCheck check = new UseCheck(f.registry, authority);
            f.registry.recordIdentityToken("my-ai-agent", "acc-id", Duration.ZERO);
            UseCheck.TokenFacts identity = new UseCheck.TokenFacts("agent", "acc-id", "my-ai-agent", null, null, null);
            UseCheck.TokenFacts eph = new UseCheck.TokenFacts("ephemeral", "acc-e", "my-ai-agent", null, null,
                    Restrictions.toJson(Map.of("secret/data/logs/app", List.of("read"))));
            assertThat(check.check(identity, "agent-registry/ephemeral-token", "update").allowed()).isTrue();
            assertThat(check.check(identity, "secret/data/logs/app", "read"))
                    .isInstanceOfSatisfying(Decision.Deny.class, d -> assertThat(d.reason()).contains("ephemeral mode"));
            assertThat(check.check(eph, "secret/data/logs/app", "read").allowed()).isTrue();
            f.registry.setEphemeral("my-ai-agent", Map.of("enabled", false));
            assertThat(check.check(identity, "secret/data/logs/app", "read").allowed()).as("no longer in ephemeral mode").isTrue();

            List<String> stopped = new java.util.ArrayList<>();
            f.registry.onAgentStopped(stopped::add);
            f.registry.setStatus("my-ai-agent", Agent.Status.DISABLED);
            assertThat(stopped).containsExactly("my-ai-agent");
            assertThat(check.check(identity, "agent-registry/ephemeral-token", "update"))
                    .isEqualTo(Decision.deny("agent \"my-ai-agent\" is disabled"));
            assertThat(check.check(eph, "secret/data/logs/app", "read").allowed()).isFalse();
            assertThatThrownBy(() -> new EphemeralIssuer(f.registry, authority).issue("my-ai-agent", ask("secret/data/logs/app", null)))
                    .hasMessageContaining("is disabled");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aRotatedIdentityTokenIsRefusedByTheUseCheck(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            f.registry.setEphemeral("my-ai-agent", Map.of("enabled", false));
            UseCheck check = new UseCheck(f.registry, new Authority(f.registry));
            f.registry.recordIdentityToken("my-ai-agent", "old", Duration.ZERO);
            f.registry.recordIdentityToken("my-ai-agent", "new", Duration.ZERO);
            assertThat(check.check(new UseCheck.TokenFacts("agent", "old", "my-ai-agent", null, null, null),
                    "secret/data/logs/app", "read").allowed()).isFalse();
            assertThat(check.check(new UseCheck.TokenFacts("agent", "new", "my-ai-agent", null, null, null),
                    "secret/data/logs/app", "read").allowed()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void badEphemeralRequestsAreRefusedWithClearMessages(TestDatabase.Kind kind) {
        try (Fixture f = setUp(kind)) {
            assertThatThrownBy(() -> EphemeralRequest.parse(Map.of())).hasMessageContaining("\"paths\" must be a map");
            assertThatThrownBy(() -> EphemeralRequest.parse(Map.of("paths", Map.of("secret/x", List.of("fly")))))
                    .hasMessageContaining("invalid capability \"fly\"");
            assertThatThrownBy(() -> EphemeralRequest.parse(Map.of("paths", Map.of("secret/x", List.of("read")), "ttl", "-1")))
                    .isInstanceOf(AvException.class);
            assertThatThrownBy(() -> EphemeralRequest.parse(Map.of("paths", Map.of("secret/../x", List.of("read")))))
                    .hasMessageContaining("invalid path");
            f.registry.setEphemeral("my-ai-agent", Map.of("enabled", false));
            assertThatThrownBy(() -> new EphemeralIssuer(f.registry, new Authority(f.registry))
                    .issue("my-ai-agent", ask("secret/data/logs/app", null)))
                    .hasMessageContaining("ephemeral tokens are not enabled");
        }
    }
}
