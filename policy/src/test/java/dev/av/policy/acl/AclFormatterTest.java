package dev.av.policy.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AclFormatterTest {

    @Test
    void formatsToCanonicalFormKeepingComments() {
        String messy = """
                # team policy
                name="dev"
                path   "secret/*"   {capabilities=["read","list"] # reads
                allowed_parameters = {"ttl"=[] "role" = ["a","b"]}
                   min_wrapping_ttl=60
                }
                path "sys/*" {
                  policy = "deny"
                }
                """;
        assertThat(AclFormatter.format(messy)).isEqualTo("""
                # team policy
                name = "dev"

                path "secret/*" {
                  capabilities = ["read", "list"] # reads
                  allowed_parameters = {
                    "ttl"  = []
                    "role" = ["a", "b"]
                  }
                  min_wrapping_ttl = 60
                }

                path "sys/*" {
                  policy = "deny"
                }
                """);
    }

    @Test
    void formattingIsIdempotentAndKeepsTheMeaning() {
        String text = AclPolicyParseTest.RAW;
        String once = AclFormatter.format(text);
        assertThat(AclFormatter.format(once)).isEqualTo(once);
        AclPolicy before = AclPolicy.parse("a", text);
        AclPolicy after = AclPolicy.parse("a", once);
        assertThat(after.stanzas()).isEqualTo(before.stanzas().stream()
                .map(s -> new Stanza(s.label(), after.stanzas().get(before.stanzas().indexOf(s)).line(), s.capabilities(), s.bitmap(),
                        s.allowedParameters(), s.deniedParameters(), s.requiredParameters(), s.minWrappingTtl(),
                        s.maxWrappingTtl(), s.mfaMethods(), s.controlGroup(), s.subscribeEventTypes(), s.comment()))
                .toList());
    }

    @Test
    void invalidPoliciesAndJsonAreRefused() {
        assertThatThrownBy(() -> AclFormatter.format("path \"a\" { bogus = 1 }")).isInstanceOf(PolicyException.class);
        assertThatThrownBy(() -> AclFormatter.format("{\"path\": {\"a\": {\"policy\": \"read\"}}}"))
                .hasMessageContaining("HCL policies only");
    }
}
