package dev.av.benchmarks;

import dev.av.policy.cedar.CedarDecision;
import dev.av.policy.cedar.CedarPolicySet;
import dev.av.policy.cedar.CedarRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Cedar decision through cedar-java with 1,000 policies (one permit-all, 999 forbids with
 * conditions on paths, agent types, tags and context), against the skipped call of the default set.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class CedarBenchmark {

    @Param({"1000"})
    int policies;

    CedarPolicySet set;
    CedarPolicySet defaultSet;
    CedarRequest[] requests;
    int next;

    @Setup
    public void setup() {
        StringBuilder text = new StringBuilder("permit(principal, action, resource);\n");
        String[] actions = {"read", "update", "delete", "create", "list"};
        for (int i = 1; i < policies; i++) {
            switch (i % 4) {
                case 0 -> text.append("forbid(principal is Agent, action == Action::\"").append(actions[i % 5])
                        .append("\", resource in Path::\"secret/data/team").append(i).append("/\");\n");
                case 1 -> text.append("forbid(principal is Agent, action, resource) when { principal.agent_type == \"type-")
                        .append(i).append("\" };\n");
                case 2 -> text.append("forbid(principal, action == Action::\"delete\", resource) when { context has host && context.host == \"h")
                        .append(i).append(".example.com\" };\n");
                default -> text.append("forbid(principal is Agent, action, resource) when { principal.hasTag(\"team\") && principal.getTag(\"team\") == \"t")
                        .append(i).append("\" };\n");
            }
        }
        set = CedarPolicySet.compile(Map.of("bench", text.toString()));
        defaultSet = CedarPolicySet.defaultSet();
        requests = new CedarRequest[256];
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        for (int i = 0; i < requests.length; i++) {
            requests[i] = new CedarRequest(CedarRequest.Principal.agent("bot-" + i, "autonomous", Map.of("team", "payments")),
                    actions[i % 5], actions[i % 5], "secret/data/team" + (i * 4) + "/app/config", now, "10.0.0." + (i % 250),
                    null, Set.of(), null, null);
        }
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public CedarDecision authorize1000() {
        return set.authorize(requests[next++ & 255]);
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public CedarDecision defaultSetSkipsTheNativeCall() {
        return defaultSet.authorize(requests[next++ & 255]);
    }
}
