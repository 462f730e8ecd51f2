package dev.av.benchmarks;

import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.AclRequest;
import dev.av.policy.acl.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Generated policy sets and requests with a realistic mix of exact, glob and segment-wildcard paths. */
final class PolicyFixtures {

    private static final String[] MOUNTS = {"secret/data", "secret/metadata", "kv", "database/creds", "proxy", "pki/issue", "auth/token", "sys"};
    private static final String[] CAPS = {"\"read\"", "\"list\"", "\"create\", \"update\"", "\"read\", \"list\"", "\"deny\"", "\"update\", \"sudo\""};

    private PolicyFixtures() {
    }

    /** {@code policies} policies holding {@code paths} stanzas in total: 60 % exact, 30 % globs, 10 % '+' segments. */
    static List<AclPolicy> policies(int policies, int paths, long seed) {
        Random rnd = new Random(seed);
        List<StringBuilder> texts = new ArrayList<>();
        for (int i = 0; i < policies; i++) {
            texts.add(new StringBuilder());
        }
        for (int i = 0; i < paths; i++) {
            StringBuilder t = texts.get(i % policies);
            String base = MOUNTS[rnd.nextInt(MOUNTS.length)] + "/team" + rnd.nextInt(200) + "/app" + i;
            int kind = rnd.nextInt(10);
            String pattern = kind < 6 ? base : kind < 9 ? base + "/*" : MOUNTS[rnd.nextInt(MOUNTS.length)] + "/+/app" + i + "/*";
            t.append("path \"").append(pattern).append("\" {\n  capabilities = [").append(CAPS[rnd.nextInt(CAPS.length)])
                    .append("]\n");
            if (rnd.nextInt(10) == 0) {
                t.append("  allowed_parameters = { \"ttl\" = [\"1h\", \"2h\"] \"*\" = [] }\n");
            }
            t.append("}\n");
        }
        List<AclPolicy> out = new ArrayList<>();
        for (int i = 0; i < policies; i++) {
            out.add(AclPolicy.parse("policy-" + i, texts.get(i).toString()));
        }
        return out;
    }

    /** Requests: a third hit exact paths, a third fall under globs or segment rules, a third match nothing. */
    static AclRequest[] requests(int n, int paths, long seed) {
        Random rnd = new Random(seed);
        AclRequest[] out = new AclRequest[n];
        Operation[] ops = {Operation.READ, Operation.UPDATE, Operation.LIST, Operation.CREATE};
        for (int i = 0; i < n; i++) {
            String mount = MOUNTS[rnd.nextInt(MOUNTS.length)];
            int app = rnd.nextInt(paths);
            String path = switch (i % 3) {
                case 0 -> mount + "/team" + rnd.nextInt(200) + "/app" + app;
                case 1 -> mount + "/team" + rnd.nextInt(200) + "/app" + app + "/config/db";
                default -> "other/mount/" + app + "/x";
            };
            Operation op = ops[rnd.nextInt(ops.length)];
            Map<String, Object> data = op == Operation.UPDATE ? Map.of("ttl", "1h") : Map.of();
            out[i] = new AclRequest(op, op == Operation.LIST ? path + "/" : path, data, null, false);
        }
        return out;
    }
}
