package dev.av.audit.bench;

import dev.av.audit.AuditBroker;
import dev.av.audit.AuditDevices;
import dev.av.audit.AuditEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures durable audit throughput (one file device, fsync per group commit) and the latency a
 * request pays for its request + response entries, with and without the device. Not a test.
 *
 * <pre>
 *   ./mvnw -B -q -pl audit -am test-compile
 *   java -cp "audit/target/test-classes:audit/target/classes:core/target/classes:$(cat cp.txt)" \
 *       dev.av.audit.bench.AuditThroughputHarness [threads] [seconds] [dir] [platform|virtual] [format]
 * </pre>
 *
 * <p>{@code virtual} runs the callers on virtual threads, as the server's request handlers do.
 * {@code cpu/request} is the process CPU time per request, split into user and system time (from
 * {@code /proc/self/stat}); the system part is mostly parking and waking the callers. With
 * {@code format} as the fifth argument it only measures {@link dev.av.audit.EntryFormatter}
 * on one thread (CPU per entry, HMACs and JSON, no I/O, no threads): the steadiest figure on a
 * shared machine.
 */
public final class AuditThroughputHarness {

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        virtual = args.length > 3 && args[3].equals("virtual");
        if (args.length > 4 && args[4].equals("format")) {
            formatOnly(seconds);
            return;
        }
        Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of("/tmp"), "audit-bench");
        System.out.printf("threads=%d (%s) seconds=%d dir=%s cores=%d%n", threads, virtual ? "virtual" : "platform",
                seconds, dir, Runtime.getRuntime().availableProcessors());
        run("warm-up, with device", threads, 6, dir, true);
        run("no device", threads, seconds, dir, false);
        run("discard device (formatting, chain, no I/O)", threads, seconds, dir, true, "discard");
        run("one file device (fsync, group commit)", threads, seconds, dir, true);
        run("one file device, 1 thread (fsync per request)", 1, seconds, dir, true);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static boolean virtual;

    private static AuditEvent requestEvent(int id, int n) {
        return AuditEvent.request("req-" + id + "-" + n)
                .auth(AuditEvent.Auth.of("hvs.token-" + id, "acc-" + id, "agent-" + id, List.of("default")))
                .actor(AuditEvent.Actor.agent("agent-" + id))
                .decision(AuditEvent.Decision.allow(List.of("default")))
                .operation("read").path("secret/data/app/" + n).mount("secret/", "kv", "kv_1")
                .remote("127.0.0.1", 40000 + id).build();
    }

    private static AuditEvent responseEvent(AuditEvent req, int n) {
        return req.toResponse().responseData(Map.of("data", Map.of("password", "p" + n))).statusCode(200).build();
    }

    /** CPU per entry of the formatter alone, on this thread: rounds of 200,000 request + response entries. */
    private static void formatOnly(int seconds) {
        var formatter = new dev.av.audit.EntryFormatter(dev.av.audit.AuditHasher.withSalt("bench-salt"), false, true, false);
        var threadMx = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long bytes = 0;
        int round = 0;
        while (System.nanoTime() < end || round < 3) {
            int count = 100_000;
            AuditEvent[] events = new AuditEvent[2 * count];
            for (int n = 0; n < count; n++) {
                events[2 * n] = requestEvent(n % 64, n);
                events[2 * n + 1] = responseEvent(events[2 * n], n);
            }
            long cpu0 = threadMx.getCurrentThreadCpuTime();
            for (AuditEvent e : events) {
                bytes += formatter.format(e).length;
            }
            long cpu = threadMx.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("format round %d: cpu/entry=%.2fus (%d bytes/entry)%n", ++round,
                    cpu / 1000.0 / events.length, bytes / ((long) round * events.length));
        }
    }

    private static long[] procCpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (java.io.IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static void run(String label, int threads, int seconds, Path dir, boolean device) throws Exception {
        run(label, threads, seconds, dir, device, null);
    }

    private static void run(String label, int threads, int seconds, Path dir, boolean device, String target)
            throws Exception {
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        Path log = dir.resolve("bench-" + System.nanoTime() + ".log");
        if (device) {
            broker.enable(AuditDevices.open("file", "file", "", Map.of("file_path", target == null ? log.toString() : target),
                    new AuditDevices.Context(AuditDevices.class.getName().getBytes(), AuditDevices.newSigningKey(),
                            dir, Clock.systemUTC())));
        }
        AtomicLong requests = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long[] ticks0 = procCpuTicks();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            long[] lat = new long[2_000_000];
            latencies.add(lat);
            int id = t;
            (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < lat.length) {
                    long t0 = System.nanoTime();
                    AuditEvent req = requestEvent(id, n);
                    broker.logRequest(req);
                    broker.logResponse(responseEvent(req, n));
                    lat[n++] = System.nanoTime() - t0;
                }
                lat[lat.length - 1] = n;
                requests.addAndGet(n);
                done.countDown();
            });
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = os.getProcessCpuTime() - cpu0;
        long[] ticks1 = procCpuTicks();
        String batch = broker.devices().isEmpty() ? "-" : String.format("%.1f",
                broker.devices().get(0).stats().written() / (double) Math.max(1, broker.devices().get(0).stats().batches()));
        broker.close();
        long total = requests.get();
        long[] all = new long[(int) total];
        int k = 0;
        for (long[] lat : latencies) {
            int n = (int) lat[lat.length - 1];
            System.arraycopy(lat, 0, all, k, n);
            k += n;
        }
        Arrays.sort(all);
        double tickMicros = 10_000.0; // USER_HZ 100
        System.out.printf("%-48s requests/s=%8.0f entries/s=%8.0f p50=%7.1fus p99=%8.1fus cpu/request=%6.1fus"
                        + " (user %.1f, sys %.1f) entries/batch=%s load=%s%n",
                label, total / elapsed, 2 * total / elapsed, all[all.length / 2] / 1000.0,
                all[(int) (all.length * 0.99)] / 1000.0, cpu / 1000.0 / total,
                (ticks1[0] - ticks0[0]) * tickMicros / total, (ticks1[1] - ticks0[1]) * tickMicros / total, batch,
                loadAverage());
        Files.deleteIfExists(log);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
