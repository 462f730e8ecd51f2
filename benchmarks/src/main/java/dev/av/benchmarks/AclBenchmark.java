package dev.av.benchmarks;

import dev.av.policy.acl.Acl;
import dev.av.policy.acl.AclDecision;
import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.AclRequest;
import java.util.List;
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
 * The ACL decision for a token holding 5 policies that together store 10,000 paths, and the cost of
 * compiling them. Run as {@code docs/perf.md} (## Policy) shows:
 * <pre>./mvnw -B -q -Pbench -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/cp.txt
 * java --enable-native-access=ALL-UNNAMED -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" org.openjdk.jmh.Main AclBenchmark</pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class AclBenchmark {

    @Param({"10000"})
    int paths;

    List<AclPolicy> policies;
    Acl acl;
    AclRequest[] requests;
    int next;

    @Setup
    public void setup() {
        policies = PolicyFixtures.policies(5, paths, 42);
        acl = Acl.compile(policies);
        requests = PolicyFixtures.requests(4096, paths, 7);
    }

    /** One decision; the request rotates over 4,096 generated requests (exact hits, globs, segments, misses). */
    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public AclDecision decide() {
        AclRequest r = requests[next++ & 4095];
        return acl.evaluate(r);
    }

    /** sys/capabilities for a path (a list-style lookup). */
    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public List<String> capabilities() {
        return acl.capabilities(requests[next++ & 4095].path());
    }

    /** Compiling the 5 parsed policies (what a cache miss costs). */
    @Benchmark
    @BenchmarkMode({Mode.AverageTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Acl compile() {
        return Acl.compile(policies);
    }
}
