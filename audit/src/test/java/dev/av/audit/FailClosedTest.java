package dev.av.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.av.core.AvException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailClosedTest {

    @TempDir
    Path dir;

    @Test
    void withNoDeviceEnabledRequestsProceed() {
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.logRequest(Devices.request("a", true));
    }

    @Test
    void aDeviceThatCannotWriteRefusesTheRequest() {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.open("full", "file", Map.of("file_path", "/dev/full"), dir));
        assertThatThrownBy(() -> broker.logRequest(Devices.request("a", true)))
                .isInstanceOf(AvException.class)
                .hasMessage("no audit backend succeeded in logging the request")
                .satisfies(e -> assertThat(((AvException) e).kind()).isEqualTo(AvException.Kind.INTERNAL));
        AuditEvent req = Devices.request("a", true);
        assertThatThrownBy(() -> broker.logResponse(req.toResponse().build()))
                .hasMessage("no audit backend succeeded in logging the response");
        broker.close();
    }

    @Test
    void oneWorkingDeviceIsEnough() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.open("full", "file", Map.of("file_path", "/dev/full"), dir));
        broker.enable(Devices.file("ok", dir.resolve("ok.log"), Map.of()));
        broker.logRequest(Devices.request("a", true));
        broker.close();
        assertThat(Files.readString(dir.resolve("ok.log"))).contains("\"type\":\"request\"");
    }

    @Test
    void aFileThatBecomesUnwritableAfterRotationRefusesRequests() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        Path link = dir.resolve("audit.log");
        Path real = dir.resolve("real.log");
        Files.createSymbolicLink(link, real);
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.file("file", link, Map.of()));
        broker.logRequest(Devices.request("a", true));
        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("/dev/full"));
        broker.reopen();
        assertThatThrownBy(() -> broker.logRequest(Devices.request("a", true)))
                .hasMessage("no audit backend succeeded in logging the request");
        broker.close();
    }

    @Test
    void anUnopenableFileIsABadRequestWhenEnabling() throws Exception {
        Path notADir = dir.resolve("plain");
        Files.writeString(notADir, "x");
        assertThatThrownBy(() -> Devices.file("file", notADir.resolve("audit.log"), Map.of()))
                .isInstanceOf(AvException.class)
                .satisfies(e -> assertThat(((AvException) e).kind()).isEqualTo(AvException.Kind.BAD_REQUEST));
    }

    @Test
    void aFullFileSystemRefusesRequestsAndLeavesNoTornLine() throws Exception {
        Path mnt = dir.resolve("tiny");
        Files.createDirectories(mnt);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(mounted, "cannot mount a small tmpfs here (needs root)");
        try {
            Path log = mnt.resolve("audit.log");
            AuditBroker broker = new AuditBroker(Clock.systemUTC());
            broker.enable(Devices.file("file", log, Map.of("checkpoint_entries", "1000000")));
            int recorded = 0;
            AvException refused = null;
            for (int i = 0; i < 2000 && refused == null; i++) {
                try {
                    broker.logRequest(Devices.request("agent-with-a-long-name-to-fill-the-disk", true));
                    recorded++;
                } catch (AvException e) {
                    refused = e;
                }
            }
            assertThat(recorded).isGreaterThan(0);
            assertThat(refused).isNotNull().hasMessage("no audit backend succeeded in logging the request");
            String content = Files.readString(log);
            assertThat(content).endsWith("\n");
            assertThat(content.lines().count()).isEqualTo(recorded);
            broker.close();
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aConfiguredDeviceThatCannotOpenKeepsRefusingUntilDisabled() {
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(AuditDevices.unavailable("file", "file", "", Map.of("file_path", "/gone/audit.log"),
                new AuditDevices.Context(Devices.SALT, AuditDevices.newSigningKey(), dir, Clock.systemUTC()),
                "no such file or directory: /gone/audit.log"));
        assertThatThrownBy(() -> broker.logRequest(Devices.request("a", true)))
                .hasMessage("no audit backend succeeded in logging the request");
        assertThat(broker.devices()).extracting(AuditDevice::name).containsExactly("file");
        assertThat(broker.disable("file")).isTrue();
        broker.logRequest(Devices.request("a", true));
    }

    @Test
    void aFilteredOutEntryNeedsNoDevice() {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.open("full", "file", Map.of("file_path", "/dev/full", "filter", "decision == deny"), dir));
        broker.logRequest(Devices.request("a", true));
        assertThatThrownBy(() -> broker.logRequest(Devices.request("a", false)))
                .hasMessage("no audit backend succeeded in logging the request");
        broker.close();
    }

    // ---- recordAsync: the same rule, without blocking the caller ---------------------------------

    @Test
    void anAsynchronousRecordFailsWithTheSameErrorWhenNoDeviceCouldWrite() {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.open("full", "file", Map.of("file_path", "/dev/full"), dir));
        var f = broker.recordAsync(Devices.request("a", true));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(AvException.class)
                .cause().hasMessage("no audit backend succeeded in logging the request");
        broker.close();
    }

    @Test
    void anAsynchronousRecordCompletesOnceTheEntryIsInTheFile() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.open("full", "file", Map.of("file_path", "/dev/full"), dir));
        broker.enable(Devices.file("ok", dir.resolve("ok.log"), Map.of()));
        broker.recordAsync(Devices.request("agent-async", true)).get(10, TimeUnit.SECONDS);
        assertThat(Files.readString(dir.resolve("ok.log"))).as("written when the future completed")
                .contains("\"type\":\"request\"").contains("agent-async");
        broker.close();
    }

    @Test
    void anAsynchronousRecordWithNoDeviceCompletesAtOnceAndAFilteredEntryNeedsNoDevice() throws Exception {
        AuditBroker none = new AuditBroker(Clock.systemUTC());
        assertThat(none.recordAsync(Devices.request("a", true))).isCompleted();
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available");
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.open("full", "file", Map.of("file_path", "/dev/full", "filter", "decision == deny"), dir));
        broker.recordAsync(Devices.request("a", true)).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> broker.recordAsync(Devices.request("a", false)).get(10, TimeUnit.SECONDS))
                .cause().hasMessage("no audit backend succeeded in logging the request");
        broker.close();
    }

    @Test
    void anAsynchronousRecordFailsWhenItsOnlyDeviceDoesNotAnswerWithinTheRecordTimeout() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Sink hanging = new Sink() {
            @Override
            public void write(java.util.List<byte[]> lines) throws java.io.IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.IOException("interrupted");
                }
            }

            @Override
            public String describe() {
                return "hanging";
            }

            @Override
            public void close() {
            }
        };
        DeviceWriter writer = new DeviceWriter("hang", "", hanging, AuditDevices.newSigningKey(), 1000,
                java.time.Duration.ofSeconds(60), Clock.systemUTC());
        AuditDevice device = new AuditDevice("hang", "file", "", Map.of(), new EntryFormatter(AuditHasher.withSalt(Devices.SALT),
                false, true, false), null, java.util.Set.of(), writer, hanging, java.util.List.of());
        AuditBroker broker = new AuditBroker(Clock.systemUTC(), java.time.Duration.ofMillis(200));
        broker.enable(device);
        try {
            var f = broker.recordAsync(Devices.request("a", true));
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                    .cause().hasMessage("no audit backend succeeded in logging the request");
        } finally {
            release.countDown();
            broker.close();
        }
    }
}
