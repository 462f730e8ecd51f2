package dev.av.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.audit.AuditBroker;
import dev.av.audit.AuditDevice;
import dev.av.audit.AuditDevices;
import dev.av.audit.AuditEvent;
import dev.av.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifyCommandTest {

    @TempDir
    Path dir;

    private AuditDevice writeLog(Path log, int entries) {
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        AuditDevice d = AuditDevices.open("file", "file", "", Map.of("file_path", log.toString(),
                "checkpoint_entries", "3"), new AuditDevices.Context("salt".getBytes(StandardCharsets.UTF_8),
                AuditDevices.newSigningKey(), dir, Clock.systemUTC()));
        broker.enable(d);
        for (int i = 0; i < entries; i++) {
            broker.record(AuditEvent.request("r" + i).operation("read").path("secret/data/x").build());
        }
        broker.close();
        return d;
    }

    @Test
    void anIntactFileVerifiesWithExit0AndAPinnedKey() throws Exception {
        Path log = dir.resolve("audit.log");
        AuditDevice d = writeLog(log, 5);
        CliRun.Result r = new CliRun(dir, "http://127.0.0.1:1").run("audit", "verify", log.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("OK: 5 entries");
        CliRun.Result pinned = new CliRun(dir, "http://127.0.0.1:1")
                .run("audit", "verify", "-public-key=" + d.publicKey(), log.toString());
        assertThat(pinned.code()).as(pinned.out() + pinned.err()).isZero();
    }

    @Test
    void anEditedFileReportsTheFirstBrokenLinkWithExit1() throws Exception {
        Path log = dir.resolve("audit.log");
        writeLog(log, 5);
        List<String> lines = Files.readAllLines(log);
        lines.set(1, lines.get(1).replace("\"r1\"", "\"rX\""));
        Files.write(log, lines);
        CliRun.Result r = new CliRun(dir, "http://127.0.0.1:1").run("audit", "verify", log.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("BROKEN: audit.log:3:");
    }

    @Test
    void aMissingFileIsAUsageError() {
        CliRun.Result r = new CliRun(dir, "http://127.0.0.1:1").run("audit", "verify", dir.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no such file");
    }

    @Test
    void aFileStillBeingWrittenIsIntactThroughItsLastCheckpointWithExit0() throws Exception {
        Path log = dir.resolve("live.log");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(AuditDevices.open("file", "file", "", Map.of("file_path", log.toString(),
                "checkpoint_entries", "3", "checkpoint_interval", "1h"), new AuditDevices.Context(
                "salt".getBytes(StandardCharsets.UTF_8), AuditDevices.newSigningKey(), dir, Clock.systemUTC())));
        try {
            for (int i = 0; i < 5; i++) {
                broker.record(AuditEvent.request("r" + i).operation("read").path("secret/data/x").build());
            }
            CliRun.Result r = new CliRun(dir, "http://127.0.0.1:1")
                    .run("audit", "verify", "-checkpoint-interval=1h", log.toString());
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).startsWith("OK: 5 entries, 1 signed checkpoints")
                    .contains("intact through checkpoint seq 4; 2 later entries chained, not yet signed");

            List<String> lines = Files.readAllLines(log);
            lines.set(1, lines.get(1).replace("\"r1\"", "\"rX\""));
            Files.write(log, lines);
            CliRun.Result edited = new CliRun(dir, "http://127.0.0.1:1")
                    .run("audit", "verify", "-checkpoint-interval=1h", log.toString());
            assertThat(edited.code()).isEqualTo(1);
            assertThat(edited.out()).startsWith("BROKEN: live.log:3:");
        } finally {
            broker.close();
        }
    }

    @Test
    void aBadCheckpointIntervalIsAUsageError() throws Exception {
        Path log = dir.resolve("audit.log");
        writeLog(log, 2);
        CliRun.Result r = new CliRun(dir, "http://127.0.0.1:1")
                .run("audit", "verify", "-checkpoint-interval=soon", log.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("checkpoint-interval");
    }
}
