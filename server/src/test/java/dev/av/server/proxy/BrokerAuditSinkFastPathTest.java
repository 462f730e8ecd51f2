package dev.av.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.audit.AuditBroker;
import dev.av.audit.AuditDevices;
import dev.av.proxy.ProxyAuditEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy may record on its event loop only while the broker's {@code record} cannot block (no device
 * enabled), and may hand entries over asynchronously once the persisted devices are loaded.
 */
class BrokerAuditSinkFastPathTest {

    private static ProxyAuditEvent.Request entry(String decision) {
        return new ProxyAuditEvent.Request("px-1", null, "127.0.0.1", "GET", "https", "api.example.com", 443, "/x", null,
                "svc", decision, decision.equals("allow") ? null : "policy_denied", null, List.of());
    }

    @Test
    void theSinkRecordsWithoutBlockingOnlyAfterAnAllowedEntryAndWhileNoDeviceIsEnabled(@TempDir Path dir) throws Exception {
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        BrokerAuditSink sink = new BrokerAuditSink(broker, null);
        assertThat(sink.recordsWithoutBlocking()).as("persisted devices may not be loaded yet").isFalse();
        assertThat(sink.recordsAsync()).as("persisted devices may not be loaded yet").isFalse();
        sink.record(entry("deny"));
        assertThat(sink.recordsWithoutBlocking()).as("a refusal may have come while sealed").isFalse();
        sink.record(entry("allow"));
        assertThat(sink.recordsWithoutBlocking()).isTrue();

        Path log = dir.resolve("audit.log");
        broker.enable(AuditDevices.open("file", "file", "", Map.of("file_path", log.toString()),
                new AuditDevices.Context("salt".getBytes(StandardCharsets.UTF_8), AuditDevices.newSigningKey(),
                        dir.resolve("spool"), Clock.systemUTC())));
        assertThat(sink.recordsWithoutBlocking()).as("a device waits for its entry (fail closed)").isFalse();
        sink.record(entry("allow"));
        assertThat(Files.readString(log)).contains("api.example.com");
        assertThat(sink.recordsAsync()).as("devices write on their own threads: the proxy may hand entries over").isTrue();
        var handedOver = new ProxyAuditEvent.Request("px-2", null, "127.0.0.1", "GET", "https", "async.example.com", 443, "/y", null,
                "svc", "allow", null, null, List.of());
        sink.recordAsync(handedOver).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(Files.readString(log)).as("in the file once the future completed").contains("async.example.com");

        assertThat(broker.disable("file")).isTrue();
        assertThat(sink.recordsWithoutBlocking()).isTrue();
    }
}
