package dev.av.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeviceTest {

    @TempDir
    Path dir;

    @Test
    void aNewFileGetsMode0600ByDefaultOrTheGivenMode() throws Exception {
        AuditDevice a = Devices.file("a", dir.resolve("a.log"), Map.of());
        AuditDevice b = Devices.file("b", dir.resolve("b.log"), Map.of("mode", "0640"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.log")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("b.log")))).isEqualTo("rw-r-----");
        a.close();
        b.close();
    }

    @Test
    void prefixIsWrittenBeforeEachEntryAndTheChainStillVerifies() throws Exception {
        Path log = dir.resolve("p.log");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.file("p", log, Map.of("prefix", "AV ")));
        broker.record(Devices.request("a", true));
        broker.close();
        assertThat(Files.readAllLines(log)).allMatch(l -> l.startsWith("AV {\"time\""));
        assertThat(dev.av.audit.chain.ChainVerifier.verify(log, null).ok()).isTrue();
    }

    @Test
    void sighupReopensTheFileAfterLogrotateRenamedIt() throws Exception {
        Path log = dir.resolve("audit.log");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.file("file", log, Map.of()));
        org.junit.jupiter.api.Assumptions.assumeTrue(AuditSignals.reopenOnHangup(broker), "no signal support");
        broker.record(Devices.request("a", true));
        Files.move(log, dir.resolve("audit.log.1"));
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(ProcessHandle.current().pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(log) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(log).exists();
        broker.record(Devices.request("b", true));
        broker.close();
        assertThat(Files.readString(log)).contains("token-b");
        assertThat(Files.readString(dir.resolve("audit.log.1"))).contains("token-a").doesNotContain("token-b");
        assertThat(dev.av.audit.chain.ChainVerifier.verify(log, null).ok()).isTrue();
    }

    @Test
    void concurrentRequestsShareFsyncsThroughGroupCommit() throws Exception {
        Path log = dir.resolve("g.log");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        AuditDevice d = Devices.file("g", log, Map.of());
        broker.enable(d);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(32)) {
            for (int t = 0; t < 32; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        broker.record(Devices.request("a", true));
                    }
                });
            }
        }
        AuditDevice.Stats s = d.stats();
        broker.close();
        assertThat(s.written()).isEqualTo(1600);
        assertThat(s.batches()).isLessThan(1600);
        assertThat(dev.av.audit.chain.ChainVerifier.verify(log, null).entries()).isEqualTo(1600);
    }
}
