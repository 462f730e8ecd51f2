package dev.av.policy.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AclEvaluateTest {

    static final String VAULT_ACL_POLICY = """
            name = "DeV"
            path "dev/*" {
            	policy = "sudo"
            }
            path "stage/*" {
            	policy = "write"
            }
            path "stage/aws/*" {
            	policy = "read"
            	capabilities = ["update", "sudo"]
            }
            path "stage/aws/policy/*" {
            	policy = "sudo"
            }
            path "prod/*" {
            	policy = "read"
            }
            path "prod/aws/*" {
            	policy = "deny"
            }
            path "sys/*" {
            	policy = "deny"
            }
            path "foo/bar" {
            	capabilities = ["read", "create", "sudo"]
            }
            path "foo/bar" {
            	capabilities = ["read", "create", "sudo"]
            }
            """;

    static Acl acl(String... texts) {
        List<AclPolicy> ps = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            ps.add(AclPolicy.parse("p" + i, texts[i]));
        }
        return Acl.compile(ps);
    }

    static AclDecision eval(Acl acl, Operation op, String path) {
        return acl.evaluate(AclRequest.of(op, path));
    }

    @ParameterizedTest(name = "{0} {1} -> allowed={2} sudo={3}")
    @CsvSource({
            "read, root, false, false",
            "help, root, true, false",
            "read, dev/foo, true, true",
            "update, dev/foo, true, true",
            "delete, stage/foo, true, false",
            "list, stage/aws/foo, true, true",
            "update, stage/aws/foo, true, true",
            "update, stage/aws/policy/foo, true, true",
            "delete, prod/foo, false, false",
            "update, prod/foo, false, false",
            "read, prod/foo, true, false",
            "list, prod/foo, true, false",
            "read, prod/aws/foo, false, false",
            "read, foo/bar, true, true",
            "list, foo/bar, false, true",
            "update, foo/bar, false, true",
            "create, foo/bar, true, true",
    })
    void vaultsAclTableIsReproduced(String op, String path, boolean allowed, boolean sudo) {
        AclDecision d = eval(acl(VAULT_ACL_POLICY), Operation.parse(op), path);
        assertThat(d.allowed()).isEqualTo(allowed);
        assertThat(d.rootPrivs()).isEqualTo(sudo);
    }

    @Test
    void rootPolicyAllowsEverythingAndMustBeAlone() {
        Acl root = Acl.compile(List.of(AclPolicy.root()));
        AclDecision d = root.evaluate(AclRequest.of(Operation.DELETE, "sys/raw/x").withRootProtected(true));
        assertThat(d.allowed()).isTrue();
        assertThat(d.isRoot()).isTrue();
        assertThat(d.rootPrivs()).isTrue();
        assertThat(d.grantingPolicyNames()).containsExactly("root");
        assertThat(root.capabilities("anything")).containsExactly("root");
        assertThatThrownBy(() -> Acl.compile(List.of(AclPolicy.root(), AclPolicy.defaultPolicy())))
                .hasMessage("other policies present along with root");
    }

    @Test
    void noPoliciesDenyEverythingButHelp() {
        Acl none = Acl.compile(List.of());
        assertThat(eval(none, Operation.READ, "secret/x").reason()).isEqualTo(AclDecision.Reason.NO_MATCHING_RULE);
        assertThat(eval(none, Operation.HELP, "secret/x").allowed()).isTrue();
        assertThat(none.capabilities("secret/x")).containsExactly("deny");
    }

    @Test
    void mergingOrsCapabilitiesAndRecordsGrantingPoliciesInOrder() {
        Acl a = acl("path \"s/x\" { capabilities = [\"read\"] }",
                "path \"s/x\" { capabilities = [\"read\", \"update\"] }");
        AclDecision read = eval(a, Operation.READ, "s/x");
        assertThat(read.grantingPolicyNames()).containsExactly("p0", "p1");
        assertThat(eval(a, Operation.UPDATE, "s/x").grantingPolicyNames()).containsExactly("p1");
        assertThat(a.capabilities("s/x")).containsExactly("read", "update");
    }

    @Test
    void denyAbsorbsWhicheverOrderItComesIn() {
        for (boolean denyFirst : new boolean[] {true, false}) {
            String deny = "path \"s/x\" { capabilities = [\"deny\"] }";
            String grant = "path \"s/x\" { capabilities = [\"read\", \"sudo\"] }";
            Acl a = denyFirst ? acl(deny, grant) : acl(grant, deny);
            AclDecision d = eval(a, Operation.READ, "s/x");
            assertThat(d.allowed()).isFalse();
            assertThat(d.reason()).isEqualTo(AclDecision.Reason.EXPLICIT_DENY);
            assertThat(a.capabilities("s/x")).containsExactly("deny");
        }
    }

    @Test
    void onlyIdenticalPatternsMergeAndTheMostSpecificPatternWinsAlone() {
        Acl a = acl("path \"secret/*\" { capabilities = [\"read\"] }", "path \"secret/foo\" { capabilities = [\"update\"] }");
        assertThat(eval(a, Operation.READ, "secret/foo").allowed()).isFalse();
        assertThat(eval(a, Operation.READ, "secret/bar").allowed()).isTrue();
    }

    @Test
    void wrappingTtlsMergeToTheLowerNonZeroValueAndAreEnforced() {
        Acl a = acl("path \"w\" { capabilities = [\"read\"] min_wrapping_ttl = 10 max_wrapping_ttl = 100 }",
                "path \"w\" { capabilities = [\"read\"] min_wrapping_ttl = 20 max_wrapping_ttl = 50 }");
        assertThat(a.evaluate(AclRequest.of(Operation.READ, "w")).reason()).isEqualTo(AclDecision.Reason.WRAPPING_TTL);
        assertThat(a.evaluate(AclRequest.of(Operation.READ, "w").withWrapTtl(Duration.ofSeconds(50))).allowed()).isTrue();
        assertThat(a.evaluate(AclRequest.of(Operation.READ, "w").withWrapTtl(Duration.ofSeconds(51))).allowed()).isFalse();
        assertThat(a.evaluate(AclRequest.of(Operation.READ, "w").withWrapTtl(Duration.ofSeconds(9))).allowed()).isFalse();
        assertThat(a.evaluate(AclRequest.of(Operation.READ, "w").withWrapTtl(Duration.ofSeconds(10))).allowed()).isTrue();
    }

    @Test
    void mergedTtlsWhereMaxIsBelowMinRefuseEveryRequest() {
        Acl a = acl("path \"w\" { capabilities = [\"read\"] min_wrapping_ttl = 60 }",
                "path \"w\" { capabilities = [\"read\"] max_wrapping_ttl = 30 }");
        for (int s : new int[] {1, 30, 60, 100}) {
            assertThat(a.evaluate(AclRequest.of(Operation.READ, "w").withWrapTtl(Duration.ofSeconds(s))).allowed()).isFalse();
        }
    }

    @Test
    void allowedAndDeniedParameterListsMergeAsVaultDoes() {
        Acl a = acl("path \"p\" { capabilities = [\"update\"] allowed_parameters = { \"x\" = [1, 2] \"y\" = [\"a\"] \"z\" = [] } }",
                "path \"p\" { capabilities = [\"update\"] allowed_parameters = { \"x\" = [3, 4] \"y\" = [] \"z\" = [\"q\"] } }");
        assertThat(upd(a, "p", Map.of("x", 3)).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("x", 1)).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("x", 5)).allowed()).isFalse();
        assertThat(upd(a, "p", Map.of("y", "anything")).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("z", "anything")).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("other", "v")).reason()).isEqualTo(AclDecision.Reason.PARAMETER_NOT_ALLOWED);
    }

    static AclDecision upd(Acl a, String path, Map<String, Object> data) {
        return a.evaluate(AclRequest.of(Operation.UPDATE, path, data));
    }

    @Test
    void parameterRulesFromVaultsDocumentation() {
        Acl a = acl("""
                path "secret/foo" {
                  capabilities = ["create", "update"]
                  allowed_parameters = {
                    "bar" = ["zip", "zap"]
                    "*"   = []
                  }
                  denied_parameters = {
                    "baz" = ["secret*"]
                  }
                }
                path "secret/star" {
                  capabilities = ["create"]
                  denied_parameters = { "*" = [] }
                }
                path "secret/req" {
                  capabilities = ["create"]
                  required_parameters = ["Bar"]
                }
                path "secret/glob" {
                  capabilities = ["update"]
                  allowed_parameters = { "role" = ["dev-*", "*-ro", "*mid*", "*"] }
                }
                """);
        assertThat(upd(a, "secret/foo", Map.of("bar", "zip", "other", 1)).allowed()).isTrue();
        assertThat(upd(a, "secret/foo", Map.of("bar", "nope")).allowed()).isFalse();
        assertThat(upd(a, "secret/foo", Map.of("BAZ", "secretive")).reason()).isEqualTo(AclDecision.Reason.DENIED_PARAMETER);
        assertThat(upd(a, "secret/foo", Map.of("baz", "public")).allowed()).isTrue();
        assertThat(a.evaluate(AclRequest.of(Operation.CREATE, "secret/star", Map.of("a", 1))).allowed()).isFalse();
        assertThat(a.evaluate(AclRequest.of(Operation.CREATE, "secret/star")).allowed()).isTrue();
        assertThat(a.evaluate(AclRequest.of(Operation.CREATE, "secret/req", Map.of("bar", 1))).allowed()).isTrue();
        assertThat(a.evaluate(AclRequest.of(Operation.CREATE, "secret/req", Map.of("Bar", 1))).reason())
                .isEqualTo(AclDecision.Reason.REQUIRED_PARAMETER);
        assertThat(upd(a, "secret/glob", Map.of("role", "dev-x")).allowed()).isTrue();
        assertThat(upd(a, "secret/glob", Map.of("role", "x-ro")).allowed()).isTrue();
        assertThat(upd(a, "secret/glob", Map.of("role", "amidb")).allowed()).isTrue();
        assertThat(upd(a, "secret/glob", Map.of("role", "*")).allowed()).isTrue();
        assertThat(upd(a, "secret/glob", Map.of("role", "other")).allowed()).isFalse();
    }

    @Test
    void parameterChecksApplyOnlyToReadUpdateCreatePatchAndRecover() {
        Acl a = acl("path \"p\" { capabilities = [\"delete\", \"list\", \"patch\", \"recover\"] required_parameters = [\"x\"] }");
        assertThat(a.evaluate(AclRequest.of(Operation.DELETE, "p")).allowed()).isTrue();
        assertThat(a.evaluate(AclRequest.of(Operation.PATCH, "p")).allowed()).isFalse();
        assertThat(a.evaluate(AclRequest.of(Operation.RECOVER, "p")).allowed()).isFalse();
    }

    @Test
    void listValuesAndCommaStringsAreMatchedElementWise() {
        Acl a = acl("path \"auth/token/create\" { capabilities = [\"update\"] allowed_parameters = { \"policies\" = [\"dev\", \"ops\"] \"tags\" = [\"a\", \"b\"] \"meta\" = [] } denied_parameters = { \"meta\" = [\"bad\"] } }");
        assertThat(upd(a, "auth/token/create", Map.of("tags", List.of("a", "b"))).allowed()).isTrue();
        assertThat(upd(a, "auth/token/create", Map.of("tags", "a, b")).allowed()).isTrue();
        assertThat(upd(a, "auth/token/create", Map.of("tags", "a,c")).allowed()).isFalse();
        assertThat(upd(a, "auth/token/create", Map.of("tags", "")).allowed()).isTrue();
        assertThat(upd(a, "auth/token/create", Map.of("policies", List.of("DEV", "Ops"))).allowed()).isTrue();
        assertThat(upd(a, "auth/token/create", Map.of("policies", "Dev,OPS")).allowed()).isTrue();
        assertThat(upd(a, "auth/token/create", Map.of("meta", List.of("fine", "bad"))).allowed()).isFalse();
        assertThat(upd(a, "auth/token/create", Map.of("meta", "fine,bad")).allowed()).isFalse();
        assertThat(upd(a, "auth/token/create", Map.of("meta", "fine")).allowed()).isTrue();
    }

    @Test
    void numbersAreComparedNumericallyAndOtherTypesByDeepEquality() {
        Acl a = acl("path \"p\" { capabilities = [\"update\"] allowed_parameters = { \"n\" = [5, 2.5] \"b\" = [false] \"m\" = [{\"good\" = \"one\"}] } }");
        assertThat(upd(a, "p", Map.of("n", 5)).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("n", 5L)).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("n", 5.0)).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("n", 2.5)).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("n", "5")).allowed()).isFalse();
        assertThat(upd(a, "p", Map.of("b", false)).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("b", "false")).allowed()).isFalse();
        assertThat(upd(a, "p", Map.of("m", Map.of("good", "one"))).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("m", Map.of("good", "two"))).allowed()).isFalse();
    }

    @Test
    void nullValuesMatchOnlyNullElements() {
        Acl a = acl("{\"path\": {\"p\": {\"capabilities\": [\"update\"], \"allowed_parameters\": {\"x\": [null, \"a\"]}}}}");
        Map<String, Object> data = new HashMap<>();
        data.put("x", null);
        assertThat(upd(a, "p", data).allowed()).isTrue();
        assertThat(upd(a, "p", Map.of("x", "b")).allowed()).isFalse();
    }

    @Test
    void requiredParametersAreCheckedEvenWhenDataIsEmpty() {
        Acl a = acl("path \"p\" { capabilities = [\"update\"] required_parameters = [\"r\"] }",
                "path \"p\" { capabilities = [\"update\"] required_parameters = [\"r\", \"s\"] }");
        assertThat(upd(a, "p", Map.of()).allowed()).isFalse();
        assertThat(upd(a, "p", Map.of("r", 1)).allowed()).isFalse();
        assertThat(upd(a, "p", Map.of("r", 1, "s", 2)).allowed()).isTrue();
    }

    @ParameterizedTest(name = "{0} beats {1}")
    @CsvSource({
            "'*', '+/*', a/b",
            "'foo/+/*', '+/*', foo/x/y",
            "'foo/+/bar/baz', 'foo/+/+/*', foo/x/bar/baz",
            "'foo/(ar/+/baz', 'foo/+/(ar/baz', foo/(ar/(ar/baz",
            "'foo/bar/+/baz', 'foo/bar/+/baz*', foo/bar/x/baz",
            "'foo/bar/+/ba*', 'foo/bar/+/b*', foo/bar/x/bazz",
            "'secret/*', 'secret/+/+/foo/*', secret/a/b/foo/c",
    })
    void priorityComparatorPicksTheMoreSpecificPattern(String winner, String loser, String path) {
        String text = "path \"" + winner + "\" { capabilities = [\"read\"] }\npath \"" + loser + "\" { capabilities = [\"update\"] }";
        Acl a = Acl.compile(List.of(AclPolicy.parse("p", text)));
        assertThat(eval(a, Operation.READ, path).allowed()).as("winner grants read").isTrue();
        assertThat(eval(a, Operation.UPDATE, path).allowed()).as("loser's update not used").isFalse();
    }

    @Test
    void anExactRuleBeatsEveryWildcard() {
        Acl a = acl("path \"a/b\" { capabilities = [\"read\"] }\npath \"a/+\" { capabilities = [\"update\"] }\npath \"a/*\" { capabilities = [\"update\"] }");
        assertThat(eval(a, Operation.READ, "a/b").allowed()).isTrue();
        assertThat(eval(a, Operation.UPDATE, "a/b").allowed()).isFalse();
    }

    @Test
    void segmentWildcardsMatchWholeSegmentsIncludingEmptyOnes() {
        Acl a = acl("""
                path "test/+/segment" { capabilities = ["read"] }
                path "test/segment/at/end/+" { capabilities = ["read"] }
                path "test/segment/at/end/v2/+/" { capabilities = ["read"] }
                path "test/+/wildcard/+/*" { capabilities = ["read"] }
                path "test/+/wildcard/+/end*" { capabilities = ["update"] }
                path "a+b/c" { capabilities = ["read"] }
                """);
        assertThat(eval(a, Operation.READ, "test/x/segment").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "test//segment").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "test/x/y/segment").allowed()).isFalse();
        assertThat(eval(a, Operation.READ, "test/segment/at/end/z").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "test/segment/at/end/z/q").allowed()).isFalse();
        assertThat(eval(a, Operation.READ, "test/segment/at/end/v2/z/").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "test/segment/at/end/v2/z").allowed()).isFalse();
        assertThat(eval(a, Operation.READ, "test/1/wildcard/2/anything/deep").allowed()).isTrue();
        assertThat(eval(a, Operation.UPDATE, "test/1/wildcard/2/endless").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "test/1/wildcard/2/endless").allowed()).isFalse();
        assertThat(eval(a, Operation.READ, "test/1/wildcard/2").allowed()).isFalse();
        assertThat(eval(a, Operation.READ, "a+b/c").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "axb/c").allowed()).isFalse();
    }

    @Test
    void onlyTheLongestGlobIsConsideredAndLeadingSlashesAreStripped() {
        Acl a = acl("path \"/secret/*\" { capabilities = [\"read\"] }\npath \"secret/deep/*\" { capabilities = [\"list\"] }");
        assertThat(eval(a, Operation.READ, "secret/x").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "///secret/x").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "secret/deep/x").allowed()).isFalse();
    }

    @Test
    void listFallsBackToTheExactRuleWithoutTheTrailingSlash() {
        Acl a = acl("path \"secret/metadata/foo\" { capabilities = [\"list\"] }");
        assertThat(eval(a, Operation.LIST, "secret/metadata/foo/").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "secret/metadata/foo/").allowed()).isFalse();
    }

    @Test
    void listWithTrailingSlashUsesTheMostSpecificDenyAsCurrentVaultDoes() {
        Acl a = acl("path \"kv1/+\" { capabilities = [\"list\"] }\npath \"kv1/private/*\" { capabilities = [\"deny\"] }");
        AclDecision d = eval(a, Operation.LIST, "kv1/private/");
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo(AclDecision.Reason.EXPLICIT_DENY);
        assertThat(eval(a, Operation.LIST, "kv1/public/").allowed()).isTrue();
        assertThat(a.capabilities("kv1/public/")).containsExactly("list");
        assertThat(a.capabilities("kv1/private/")).containsExactly("deny");
    }

    @Test
    void aMoreSpecificListGrantBeatsABroaderDeny() {
        Acl a = acl("path \"kv1/*\" { capabilities = [\"deny\"] }\npath \"kv1/team/*\" { capabilities = [\"list\"] }");
        assertThat(eval(a, Operation.LIST, "kv1/team/x/").allowed()).isTrue();
        assertThat(eval(a, Operation.LIST, "kv1/other/").allowed()).isFalse();
    }

    @Test
    void revokeRenewAndRollbackNeedUpdate() {
        Acl a = acl("path \"sys/leases/*\" { capabilities = [\"update\"] }");
        for (Operation op : List.of(Operation.REVOKE, Operation.RENEW, Operation.ROLLBACK)) {
            assertThat(eval(a, op, "sys/leases/x").allowed()).isTrue();
            assertThat(eval(a, op, "sys/leases/x").grantingPolicyNames()).containsExactly("p0");
        }
        assertThat(eval(a, Operation.RECOVER, "sys/leases/x").allowed()).isFalse();
    }

    @Test
    void rootProtectedPathsNeedSudoButHelpIsExempt() {
        Acl a = acl("path \"sys/audit/*\" { capabilities = [\"update\"] }\npath \"sys/seal\" { capabilities = [\"update\", \"sudo\"] }");
        AclDecision d = a.evaluate(AclRequest.of(Operation.UPDATE, "sys/audit/file").withRootProtected(true));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo(AclDecision.Reason.SUDO_REQUIRED);
        assertThat(a.evaluate(AclRequest.of(Operation.UPDATE, "sys/seal").withRootProtected(true)).allowed()).isTrue();
        assertThat(a.evaluate(AclRequest.of(Operation.HELP, "sys/audit/file").withRootProtected(true)).allowed()).isTrue();
    }

    @Test
    void mfaMethodsAndControlGroupsAreReturnedEvenWhenDenied() {
        Acl a = acl("path \"m\" { capabilities = [\"read\"] mfa_methods = [\" b \", \"a\"] }",
                "path \"m\" { capabilities = [] mfa_methods = [\"a\", \"c\"] control_group = { factor \"f\" { identity { group_names = [\"g\"] approvals = 2 } } } }");
        AclDecision denied = eval(a, Operation.UPDATE, "m");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.mfaMethods()).containsExactly("a", "b", "c");
        assertThat(denied.controlGroup().factors()).hasSize(1);
        AclDecision allowed = eval(a, Operation.READ, "m");
        assertThat(allowed.allowed()).isTrue();
        assertThat(allowed.mfaMethods()).containsExactly("a", "b", "c");
    }

    @Test
    void anEmptyCapabilityRuleMatchesAndSoDenies() {
        Acl a = acl("path \"secret/*\" { capabilities = [\"read\"] }\npath \"secret/locked\" { capabilities = [] }");
        assertThat(eval(a, Operation.READ, "secret/locked").allowed()).isFalse();
        assertThat(a.capabilities("secret/locked")).containsExactly("deny");
    }

    @Test
    void capabilitiesAreListedInVaultsOrder() {
        Acl a = acl("path \"c\" { capabilities = [\"recover\", \"create\", \"patch\", \"subscribe\", \"delete\", \"update\", \"list\", \"read\", \"sudo\"] }");
        assertThat(a.capabilities("c")).containsExactly("sudo", "read", "list", "update", "delete", "create", "patch", "subscribe", "recover");
    }

    @Test
    void templatedStanzasAreFilledFromTheIdentityOrDropped() {
        AclPolicy p = AclPolicy.parse("t", """
                path "secret/{{identity.entity.name}}/*" { capabilities = ["read"] }
                path "secret/{{identity.entity.metadata.team}}/shared" { capabilities = ["read"] }
                path "group/{{identity.groups.names.eng.id}}" { capabilities = ["read"] }
                path "alias/{{identity.entity.aliases.auth_x.name}}" { capabilities = ["read"] }
                """);
        TemplateIdentity alice = new TemplateIdentity("e1", "alice", Map.of(),
                List.of(new TemplateIdentity.Alias("auth_x", "a1", "alice@x", Map.of(), Map.of())),
                List.of(new TemplateIdentity.Group("g1", "eng", Map.of())));
        Acl a = Acl.compile(List.of(p), alice);
        assertThat(eval(a, Operation.READ, "secret/alice/x").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "secret/bob/x").allowed()).isFalse();
        assertThat(eval(a, Operation.READ, "group/g1").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "alias/alice@x").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "secret/{{identity.entity.metadata.team}}/shared").allowed()).isFalse();
        Acl anonymous = Acl.compile(List.of(p));
        assertThat(eval(anonymous, Operation.READ, "secret/{{identity.entity.name}}/x").allowed()).isFalse();
        assertThat(anonymous.capabilities("secret/alice/x")).containsExactly("deny");
    }

    @Test
    void theDefaultPolicyGrantsWhatVaultsDoes() {
        Acl a = Acl.compile(List.of(AclPolicy.defaultPolicy()), TemplateIdentity.of("e1", "alice"));
        assertThat(eval(a, Operation.READ, "auth/token/lookup-self").allowed()).isTrue();
        assertThat(eval(a, Operation.UPDATE, "sys/capabilities-self").allowed()).isTrue();
        assertThat(eval(a, Operation.DELETE, "cubbyhole/x").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "identity/entity/name/alice").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "identity/entity/id/e1").allowed()).isTrue();
        assertThat(eval(a, Operation.UPDATE, "identity/oidc/provider/p/authorize").allowed()).isTrue();
        assertThat(eval(a, Operation.READ, "secret/x").allowed()).isFalse();
    }

    @Test
    void policyNamesAreLowerCased() {
        Acl a = Acl.compile(List.of(AclPolicy.parse("DeV", "path \"x\" { capabilities = [\"read\"] }")));
        assertThat(eval(a, Operation.READ, "x").grantingPolicyNames()).containsExactly("dev");
        assertThat(BigInteger.ONE).isNotNull();
    }

    @Test
    void theCacheCompilesEachPolicySetOnce() {
        AclCache cache = new AclCache(10);
        List<AclPolicy> ps = List.of(AclPolicy.parse("a", "path \"x\" { capabilities = [\"read\"] }"));
        Acl first = cache.get(ps, null);
        assertThat(cache.get(List.copyOf(ps), null)).isSameAs(first);
        assertThat(cache.get(List.of(AclPolicy.parse("a", "path \"x\" { capabilities = [\"read\"] }")), null)).isNotSameAs(first);
        cache.clear();
        assertThat(cache.size()).isZero();
    }
}
