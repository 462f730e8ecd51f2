package dev.av.benchmarks;

import dev.av.proxy.internal.StreamReplacer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The proxy's response scrubber on a 64 KiB body that holds no secret (the common case): one
 * {@link StreamReplacer#feed(ByteBuf)} of a pooled direct buffer, as the proxy feeds what it decoded
 * from the upstream. The body is JSON-like ASCII, so many of its bytes also occur in the secret
 * (the sampled positions then check candidates). Run as {@code docs/perf.md} (## Proxy, session 6) shows:
 * <pre>./mvnw -B -q -Pbench -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/cp.txt
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" org.openjdk.jmh.Main ScrubBenchmark</pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScrubBenchmark {

    /** Length of the injected secret the scrubber looks for (the proxy's minimum is 4). */
    @Param({"4", "14", "40"})
    int secretLength;

    @Param({"65536"})
    int bodyBytes;

    StreamReplacer.Table table;
    ByteBuf body;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(1);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-";
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < secretLength; i++) {
            secret.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        byte[] s = secret.toString().getBytes(StandardCharsets.US_ASCII);
        table = StreamReplacer.Table.of(List.of(new StreamReplacer.Rule(s, "*".repeat(s.length).getBytes(StandardCharsets.US_ASCII))));
        StringBuilder json = new StringBuilder();
        while (json.length() < bodyBytes) {
            json.append("{\"id\":").append(random.nextInt(1_000_000)).append(",\"name\":\"item-")
                    .append(Integer.toHexString(random.nextInt())).append("\",\"tags\":[\"alpha\",\"beta\"]},\n");
        }
        byte[] bytes = json.substring(0, bodyBytes).getBytes(StandardCharsets.US_ASCII);
        body = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        body.release();
    }

    @Benchmark
    public int feedCleanBody() {
        ByteBuf out = new StreamReplacer(table).feed(body.retainedDuplicate());
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
