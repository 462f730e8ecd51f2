package dev.av.policy.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AclPolicyParseTest {

    static final String RAW = """
            # Developer policy
            name = "dev"

            # Deny all paths by default
            path "*" {
            	policy = "deny"
            }

            # Allow full access to staging
            path "stage/*" {
            	policy = "sudo"
            }

            # Limited read privilege to production
            path "prod/version" {
            	policy = "read"
            }

            path "/foo/bar" {
            	policy = "read"
            	min_wrapping_ttl = 300
            	max_wrapping_ttl = "1h"
            }

            path "foo/bar" {
            	capabilities = ["create", "sudo"]
            	min_wrapping_ttl = "300s"
            	max_wrapping_ttl = 3600
            }

            path "foo/bar" {
            	capabilities = ["create", "sudo"]
            	allowed_parameters = {
            	  "zip" = []
            	  "zap" = []
            	}
            }

            path "test/types" {
            	capabilities = ["create", "sudo"]
            	allowed_parameters = {
            		"map" = [{"good" = "one"}]
            		"int" = [1, 2]
            	}
            	denied_parameters = {
            		"string" = ["test"]
            		"bool" = [false]
            	}
            }
            path "test/req" {
            	capabilities = ["create", "sudo"]
            	required_parameters = ["foo"]
            }
            path "test/mfa" {
            	capabilities = ["create", "sudo"]
            	mfa_methods = ["my_totp", "my_totp2"]
            }
            path "test/+/wildcard/+/end*" {
            	capabilities = ["create", "sudo"]
            }
            """;

    @Test
    void vaultsReferencePolicyParsesIntoItsStanzasInFileOrder() {
        AclPolicy p = AclPolicy.parse("Dev", RAW);
        assertThat(p.name()).isEqualTo("dev");
        assertThat(p.stanzas()).extracting(Stanza::label).containsExactly("*", "stage/*", "prod/version", "/foo/bar",
                "foo/bar", "foo/bar", "test/types", "test/req", "test/mfa", "test/+/wildcard/+/end*");
        assertThat(p.stanzas().get(0).capabilities()).containsExactly("deny");
        assertThat(p.stanzas().get(1).capabilities()).containsExactly("create", "read", "update", "delete", "list", "sudo");
        assertThat(p.stanzas().get(2).capabilities()).containsExactly("read", "list");
        Stanza foobar = p.stanzas().get(3);
        assertThat(foobar.minWrappingTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(foobar.maxWrappingTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(p.stanzas().get(4).minWrappingTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(p.stanzas().get(4).maxWrappingTtl()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(p.stanzas().get(5).allowedParameters()).containsOnlyKeys("zip", "zap");
        Stanza types = p.stanzas().get(6);
        assertThat(types.allowedParameters().get("map")).containsExactly(Map.of("good", "one"));
        assertThat(types.allowedParameters().get("int")).containsExactly(BigInteger.ONE, BigInteger.TWO);
        assertThat(types.deniedParameters().get("bool")).containsExactly(false);
        assertThat(p.stanzas().get(7).requiredParameters()).containsExactly("foo");
        assertThat(p.stanzas().get(8).mfaMethods()).containsExactly("my_totp", "my_totp2");
        assertThat(p.isTemplated()).isFalse();
    }

    @Test
    void unknownTopLevelKeysAreAllReportedWithTheLineOfTheirAssignment() {
        assertThatThrownBy(() -> AclPolicy.parse("t", "name = \"test\"\nbad  = \"foo\"\nnope = \"yes\"\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("failed to parse policy: 2 errors occurred:")
                .hasMessageContaining("invalid key \"bad\" on line 2")
                .hasMessageContaining("invalid key \"nope\" on line 3");
    }

    @Test
    void aBlockWithoutAssignmentReportsLineZeroAsVaultDoes() {
        assertThatThrownBy(() -> AclPolicy.parse("t", "\n\npaths \"x\" {}\n"))
                .hasMessageContaining("invalid key \"paths\" on line 0");
    }

    @Test
    void unknownStanzaKeysNameThePath() {
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"/\" {\n\tcapabilities = [\"read\"]\n\tcapabilites  = [\"read\"]\n}\n"))
                .hasMessageContaining("path \"/\": invalid key \"capabilites\" on line 3");
    }

    @Test
    void invalidLegacyPolicyCapabilityAndWrappingAreRejectedWithVaultsMessages() {
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"/\" {\n policy = \"banana\"\n}"))
                .hasMessage("failed to parse policy: path \"/\": invalid policy \"banana\"");
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"/\" {\n capabilities = [\"read\", \"banana\"]\n}"))
                .hasMessage("failed to parse policy: path \"/\": invalid capability \"banana\"");
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"/\" {\n policy = \"read\"\n min_wrapping_ttl = 400\n max_wrapping_ttl = 200\n}"))
                .hasMessage("failed to parse policy: max_wrapping_ttl cannot be less than min_wrapping_ttl");
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a+*\" {\n capabilities = [\"read\"]\n}"))
                .hasMessage("failed to parse policy: path \"a+*\": invalid use of wildcards ('+*' is forbidden)");
    }

    @Test
    void nameMustBeAString() {
        assertThatThrownBy(() -> AclPolicy.parse("t", "name{}")).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("failed to parse policy:");
        assertThatThrownBy(() -> AclPolicy.parse("t", "name = true")).hasMessageContaining("unknown type for string");
    }

    @Test
    void denySkipsEveryOtherOptionOfTheStanza() {
        AclPolicy p = AclPolicy.parse("t", """
                path "a" {
                  capabilities = ["read", "deny", "bogus"]
                  max_wrapping_ttl = "not a duration"
                  allowed_parameters = { "x" = [] }
                }
                """);
        Stanza s = p.stanzas().get(0);
        assertThat(s.capabilities()).containsExactly("deny");
        assertThat(s.allowedParameters()).isNull();
        assertThat(s.isDeny()).isTrue();
    }

    @Test
    void emptyCapabilitiesAreLegal() {
        AclPolicy p = AclPolicy.parse("t", "path \"a\" {\n capabilities = []\n mfa_methods = [\"m\"]\n}");
        assertThat(p.stanzas().get(0).bitmap()).isZero();
        assertThat(p.stanzas().get(0).mfaMethods()).containsExactly("m");
    }

    @Test
    void parameterNamesAreLowerCasedButValuesAndRequiredNamesAreKept() {
        AclPolicy p = AclPolicy.parse("t", """
                path "a" {
                  capabilities = ["update"]
                  allowed_parameters = { "TTL" = ["1H"] }
                  required_parameters = ["Role"]
                }
                """);
        assertThat(p.stanzas().get(0).allowedParameters()).containsEntry("ttl", List.of("1H"));
        assertThat(p.stanzas().get(0).requiredParameters()).containsExactly("Role");
    }

    @Test
    void wrappingTtlsAcceptSecondsGoDurationsAndDays() {
        AclPolicy p = AclPolicy.parse("t", """
                path "a" { capabilities = ["read"] min_wrapping_ttl = "90" max_wrapping_ttl = "1d" }
                path "b" { capabilities = ["read"] min_wrapping_ttl = "1m30s" }
                """);
        assertThat(p.stanzas().get(0).minWrappingTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.stanzas().get(0).maxWrappingTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(p.stanzas().get(1).minWrappingTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a\" { capabilities = [\"read\"] min_wrapping_ttl = \"1x\" }"))
                .hasMessageContaining("error parsing min_wrapping_ttl");
    }

    @Test
    void controlGroupsAreParsedAndValidated() {
        AclPolicy p = AclPolicy.parse("t", """
                path "secret/data/prod" {
                  capabilities = ["create", "read"]
                  control_group = {
                    ttl = "4h"
                    max_ttl = "ignored"
                    factor "ops_manager" {
                      controlled_capabilities = ["create"]
                      identity { group_names = ["managers"]  approvals = 1 }
                    }
                  }
                }
                """);
        ControlGroup cg = p.stanzas().get(0).controlGroup();
        assertThat(cg.ttl()).isEqualTo(Duration.ofHours(4));
        assertThat(cg.factors()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("ops_manager");
            assertThat(f.groupNames()).containsExactly("managers");
            assertThat(f.approvals()).isEqualTo(1);
            assertThat(f.controlledCapabilities()).containsExactly("create");
        });
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a\" { capabilities = [\"read\"] control_group = { factor \"f\" { } } }"))
                .hasMessage("failed to parse policy: no control_group factor provided");
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a\" { capabilities = [\"read\"] control_group = { factor \"f\" { identity { approvals = 0 group_names = [\"g\"] } } } }"))
                .hasMessage("failed to parse policy: must provide more than one identity group and approvals > 0");
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a\" { capabilities = [\"read\"] control_group = { factor \"f\" { controlled_capabilities = [\"update\"] identity { approvals = 1 group_ids = [\"g\"] } } } }"))
                .hasMessage("failed to parse policy: control group factor capabilities must be a subset of the policy's capabilities");
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a\" { capabilities = [\"read\"] control_group = { ttl = \"1h\" } }"))
                .hasMessage("failed to parse policy: no control group factors provided");
    }

    @Test
    void jsonPoliciesParseLikeHcl() {
        AclPolicy p = AclPolicy.parse("j", """
                {
                  "path": {
                    "secret/foo": { "capabilities": ["read", "list"], "allowed_parameters": {"a": []} },
                    "secret/bar/*": { "policy": "write" }
                  }
                }
                """);
        assertThat(p.stanzas()).extracting(Stanza::label).containsExactly("secret/foo", "secret/bar/*");
        assertThat(p.stanzas().get(0).allowedParameters()).containsOnlyKeys("a");
        assertThat(p.stanzas().get(1).capabilities()).contains("update");
    }

    @Test
    void jsonStanzaWithOnlyObjectValuesIsFlattenedAsHclDoesAndThenRejected() {
        assertThatThrownBy(() -> AclPolicy.parse("j", "{\"path\": {\"x\": {\"allowed_parameters\": {\"a\": []}}}}"))
                .hasMessageContaining("path \"x\": invalid key \"a\"");
    }

    @Test
    void templatedPathsMarkThePolicyAndUnbalancedTemplatesAreRejected() {
        assertThat(AclPolicy.parse("t", "path \"secret/{{identity.entity.name}}/*\" { capabilities = [\"read\"] }").isTemplated()).isTrue();
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"secret/{{identity.entity.name}/*\" { capabilities = [\"read\"] }"))
                .hasMessage("failed to parse policy: failed to validate policy templating: unbalanced templating characters");
    }

    @Test
    void syntaxErrorsCarryHclPositions() {
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a\" {\n  capabilities = [\"read\"\n}"))
                .hasMessageStartingWith("failed to parse policy: At 3:1:");
        assertThatThrownBy(() -> AclPolicy.parse("t", "path \"a"))
                .hasMessage("failed to parse policy: At 1:6: literal not terminated");
    }

    @Test
    void heredocsCommentsAndNumbersAreAccepted() {
        AclPolicy p = AclPolicy.parse("t", """
                /* block
                   comment */
                path "a" { // trailing
                  comment = <<EOT
                multi
                line
                EOT
                  capabilities = ["read",]
                  allowed_parameters = { n = [1, 2.5, -3, 0x10, true] }
                }
                """);
        assertThat(p.stanzas().get(0).comment()).isEqualTo("multi\nline\n");
        assertThat(p.stanzas().get(0).allowedParameters().get("n")).hasSize(5);
    }

    @Test
    void theDefaultPolicyParsesAndIsTemplated() {
        AclPolicy d = AclPolicy.defaultPolicy();
        assertThat(d.name()).isEqualTo("default");
        assertThat(d.isTemplated()).isTrue();
        assertThat(d.stanzas()).extracting(Stanza::label).contains("cubbyhole/*", "identity/oidc/provider/+/authorize");
    }
}
