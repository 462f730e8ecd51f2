package dev.av.policy.acl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled evaluator agrees with {@link NaiveAcl} on random policy sets and requests. Each seed
 * is one generated policy set checked against a few hundred generated requests; a failure names
 * its seed, which reproduces it exactly.
 */
class AclPropertyTest {

    private static final String[] SEGMENTS = {"a", "b", "ab", "", "+", "a+b"};
    private static final String[] CAPS = {"create", "read", "update", "patch", "delete", "list", "sudo", "deny", "recover", "subscribe"};
    private static final Operation[] OPS = Operation.values();

    static Stream<Long> seeds() {
        return LongStream.range(0, 300).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void compiledEvaluatorAgreesWithTheNaiveReference(long seed) {
        Random rnd = new Random(seed);
        List<AclPolicy> policies = new ArrayList<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            policies.add(AclPolicy.parse("p" + i, randomPolicy(rnd)));
        }
        Acl acl = Acl.compile(policies);
        NaiveAcl naive = new NaiveAcl(policies);
        for (int i = 0; i < 200; i++) {
            Operation op = OPS[rnd.nextInt(OPS.length)];
            String path = randomPath(rnd, op == Operation.LIST && rnd.nextBoolean());
            Map<String, Object> data = randomData(rnd);
            Duration wrap = rnd.nextInt(3) == 0 ? Duration.ofSeconds(rnd.nextInt(120)) : null;
            AclDecision d = acl.evaluate(new AclRequest(op, path, data, wrap, false));
            NaiveAcl.Result r = naive.evaluate(op, path, data, wrap == null || wrap.isZero() ? null : wrap);
            String ctx = "seed " + seed + " " + op + " " + path + " " + data + " wrap=" + wrap + "\n" + policies.stream().map(AclPolicy::text).toList();
            assertThat(d.allowed()).as(ctx).isEqualTo(r.allowed());
            assertThat(d.rootPrivs()).as(ctx).isEqualTo(r.sudo());
            assertThat(d.grantingPolicyNames()).as(ctx).isEqualTo(r.granting());
            assertThat(d.mfaMethods()).as(ctx).isEqualTo(r.mfa());
            assertThat(acl.capabilities(path)).as(ctx).isEqualTo(naive.capabilities(path));
        }
    }

    private static String randomPolicy(Random rnd) {
        StringBuilder out = new StringBuilder();
        int stanzas = 1 + rnd.nextInt(8);
        for (int i = 0; i < stanzas; i++) {
            String pattern = randomPattern(rnd);
            out.append("path \"").append(pattern).append("\" {\n  capabilities = [");
            int c = rnd.nextInt(4);
            for (int k = 0; k < c; k++) {
                out.append(k > 0 ? ", " : "").append('"').append(CAPS[rnd.nextInt(CAPS.length)]).append('"');
            }
            out.append("]\n");
            if (rnd.nextInt(4) == 0) {
                out.append("  allowed_parameters = { ").append(randomParams(rnd)).append(" }\n");
            }
            if (rnd.nextInt(4) == 0) {
                out.append("  denied_parameters = { ").append(randomParams(rnd)).append(" }\n");
            }
            if (rnd.nextInt(5) == 0) {
                out.append("  required_parameters = [\"").append(rnd.nextBoolean() ? "X" : "y").append("\"]\n");
            }
            int min = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(60) : 0;
            int max = rnd.nextInt(5) == 0 ? min + rnd.nextInt(60) : 0;
            if (min > 0) {
                out.append("  min_wrapping_ttl = ").append(min).append('\n');
            }
            if (max > 0) {
                out.append("  max_wrapping_ttl = \"").append(max).append("s\"\n");
            }
            if (rnd.nextInt(5) == 0) {
                out.append("  mfa_methods = [\"m").append(rnd.nextInt(3)).append("\", \" m").append(rnd.nextInt(3)).append("\"]\n");
            }
            out.append("}\n");
        }
        return out.toString();
    }

    private static String randomParams(Random rnd) {
        StringBuilder out = new StringBuilder();
        String[] keys = {"x", "Y", "z", "*", "policies"};
        int n = 1 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
            out.append('"').append(keys[rnd.nextInt(keys.length)]).append("\" = [");
            int v = rnd.nextInt(3);
            for (int k = 0; k < v; k++) {
                out.append(k > 0 ? ", " : "").append(randomValueLiteral(rnd));
            }
            out.append("] ");
        }
        return out.toString();
    }

    private static String randomValueLiteral(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> "\"v" + rnd.nextInt(3) + "\"";
            case 1 -> "\"v*\"";
            case 2 -> String.valueOf(rnd.nextInt(3));
            case 3 -> "\"Dev\"";
            default -> rnd.nextBoolean() ? "true" : "\"*\"";
        };
    }

    private static String randomPattern(Random rnd) {
        StringBuilder p = new StringBuilder(rnd.nextInt(6) == 0 ? "/" : "");
        int depth = 1 + rnd.nextInt(4);
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                p.append('/');
            }
            p.append(SEGMENTS[rnd.nextInt(SEGMENTS.length)]);
        }
        if (rnd.nextInt(3) == 0 && (p.length() == 0 || p.charAt(p.length() - 1) != '+')) {
            p.append('*');
        }
        return p.toString();
    }

    private static String randomPath(Random rnd, boolean trailingSlash) {
        String[] segs = {"a", "b", "ab", "", "a+b", "abc"};
        StringBuilder p = new StringBuilder();
        int depth = 1 + rnd.nextInt(5);
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                p.append('/');
            }
            p.append(segs[rnd.nextInt(segs.length)]);
        }
        if (trailingSlash) {
            p.append('/');
        }
        return p.toString();
    }

    private static Map<String, Object> randomData(Random rnd) {
        Map<String, Object> data = new LinkedHashMap<>();
        int n = rnd.nextInt(3);
        String[] keys = {"x", "X", "y", "z", "policies"};
        for (int i = 0; i < n; i++) {
            Object v = switch (rnd.nextInt(6)) {
                case 0 -> "v" + rnd.nextInt(3);
                case 1 -> rnd.nextInt(3);
                case 2 -> List.of("v" + rnd.nextInt(3), "v" + rnd.nextInt(3));
                case 3 -> "v0, v1";
                case 4 -> "DEV";
                default -> rnd.nextBoolean();
            };
            data.put(keys[rnd.nextInt(keys.length)], v);
        }
        return data;
    }
}
