package dev.av.policy.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every input either parses (and then compiles and evaluates without error) or is rejected with a
 * {@link PolicyException}; nothing else may escape. {@code @FuzzTest} runs the inputs under
 * {@code AclPolicyFuzzTestInputs/} as a regression test; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class AclPolicyFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void everyInputParsesOrIsRejectedWithAPolicyError(byte[] input) {
        parseOrReject(new String(input, StandardCharsets.UTF_8));
    }

    static void parseOrReject(String text) {
        AclPolicy p;
        try {
            p = AclPolicy.parse("fuzz", text);
        } catch (PolicyException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        if (!text.strip().startsWith("{")) {
            String formatted = AclFormatter.format(text);
            assertThat(AclPolicy.parse("fuzz", formatted).stanzas()).extracting(Stanza::label)
                    .as("formatting keeps the stanzas of %s", text)
                    .isEqualTo(p.stanzas().stream().map(Stanza::label).toList());
            assertThat(AclFormatter.format(formatted)).as("formatting is idempotent for %s", text).isEqualTo(formatted);
        }
        Acl acl;
        try {
            acl = Acl.compile(List.of(p), TemplateIdentity.of("id", "name"));
        } catch (PolicyException e) {
            return;
        }
        for (Operation op : Operation.values()) {
            acl.evaluate(new AclRequest(op, "a/b/", Map.of("a", List.of(1, "x"), "policies", "A,b"), null, true));
        }
        acl.capabilities("secret/x");
    }

    private static final String[] SEEDS = {
        "path \"secret/+/x*\" {\n capabilities = [\"read\", \"list\"]\n allowed_parameters = { \"a\" = [1, \"b*\", true] }\n min_wrapping_ttl = \"1m\"\n}\n",
        "{\"path\": {\"a/*\": {\"capabilities\": [\"deny\"]}, \"b\": {\"policy\": \"write\", \"denied_parameters\": {\"x\": []}}}}",
        "path \"a\" { control_group = { ttl = \"1h\" factor \"f\" { identity { group_names = [\"g\"] approvals = 1 } } } capabilities = [\"read\"] }",
        "name = <<EOT\nx\nEOT\npath \"{{identity.entity.name}}\" { capabilities = [] comment = \"\\u00e9\\x41\\101\" }",
        AclEvaluateTest.VAULT_ACL_POLICY,
    };

    private static final String ALPHABET = "{}[]=,\"\\#/*+-.<>:\n\t 0123456789abcxyz{{}}ul";

    @Test
    void seededRandomMutationsOfRealPoliciesParseOrAreRejectedWithAPolicyError() {
        Random rnd = new Random(20261206L);
        for (int i = 0; i < 10_000; i++) {
            StringBuilder s = new StringBuilder(SEEDS[rnd.nextInt(SEEDS.length)]);
            int edits = 1 + rnd.nextInt(6);
            for (int e = 0; e < edits && s.length() > 0; e++) {
                int at = rnd.nextInt(s.length());
                switch (rnd.nextInt(4)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                    case 2 -> s.setCharAt(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                    default -> {
                        int to = Math.min(s.length(), at + rnd.nextInt(20));
                        s.insert(rnd.nextInt(s.length()), s.substring(at, to));
                    }
                }
            }
            parseOrReject(s.toString());
        }
    }

    @Test
    void deeplyNestedInputIsRejectedNotACrash() {
        parseOrReject("a = " + "[".repeat(100_000));
        parseOrReject("{\"a\": " + "[".repeat(100_000));
        parseOrReject("a " + "{".repeat(100_000));
    }
}
