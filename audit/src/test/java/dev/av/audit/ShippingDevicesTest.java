package dev.av.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippingDevicesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A TCP receiver on loopback that collects lines; close() kills it (and its connections). */
    static final class Receiver implements AutoCloseable {
        final ServerSocket server;
        final List<String> lines;
        final List<Socket> conns = new CopyOnWriteArrayList<>();

        Receiver(int port, List<String> lines) throws Exception {
            this.lines = lines;
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        conns.add(s);
                        Thread.ofVirtual().start(() -> {
                            try (BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                    StandardCharsets.UTF_8))) {
                                String l;
                                while ((l = r.readLine()) != null) {
                                    lines.add(l);
                                }
                            } catch (Exception ignored) {
                                // killed
                            }
                        });
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (Socket s : conns) {
                s.close();
            }
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<String> requestIds(List<String> lines) {
        List<String> ids = new ArrayList<>();
        for (String l : lines) {
            try {
                JsonNode n = JSON.readTree(l);
                if (n.path("type").asText().equals("request")) {
                    ids.add(n.at("/request/id").asText());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return ids;
    }

    @Test
    void socketDeviceLosesNothingWhileTheReceiverIsDownAndDeliversInOrder() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Receiver r = new Receiver(0, got);
        int port = r.port();
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        broker.enable(Devices.open("sock", "socket", Map.of("address", "127.0.0.1:" + port, "write_timeout", "1s"),
                dir.resolve("spool")));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AuditEvent e = AuditEvent.request("before-" + i).operation("read").path("p").build();
            broker.record(e);
            sent.add(e.requestId());
        }
        await("the first entries", () -> requestIds(got).size() >= 5);
        r.close();
        for (int i = 0; i < 20; i++) {
            AuditEvent e = AuditEvent.request("during-" + i).operation("read").path("p").build();
            broker.record(e); // recorded: the spool has it durably
            sent.add(e.requestId());
        }
        Thread.sleep(200);
        List<String> again = new CopyOnWriteArrayList<>();
        Receiver back = new Receiver(port, again);
        await("the spooled entries", () -> requestIds(got).size() + requestIds(again).size() >= 25
                && requestIds(again).contains("during-19"));
        List<String> all = new ArrayList<>(requestIds(got));
        for (String id : requestIds(again)) {
            if (!all.contains(id)) {
                all.add(id); // at least once: a batch may arrive twice
            }
        }
        assertThat(all).containsExactlyElementsOf(sent);
        broker.close();
        back.close();
    }

    @Test
    void spooledEntriesSurviveARestartAndAreDeliveredWhenTheReceiverComesBack() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path spool = dir.resolve("spool");
        Map<String, String> opts = Map.of("address", "127.0.0.1:" + port, "write_timeout", "1s");
        AuditBroker first = new AuditBroker(Clock.systemUTC());
        first.enable(Devices.open("sock", "socket", opts, spool));
        for (int i = 0; i < 3; i++) {
            first.record(AuditEvent.request("kept-" + i).operation("read").path("p").build());
        }
        first.close(); // receiver never came: everything stays in the spool on disk

        List<String> got = new CopyOnWriteArrayList<>();
        try (Receiver r = new Receiver(port, got)) {
            AuditBroker second = new AuditBroker(Clock.systemUTC());
            second.enable(Devices.open("sock", "socket", opts, spool));
            second.record(AuditEvent.request("after-restart").operation("read").path("p").build());
            await("the kept entries", () -> requestIds(got).contains("after-restart"));
            assertThat(requestIds(got)).containsSubsequence("kept-0", "kept-1", "kept-2", "after-restart");
            second.close();
        }
    }

    @Test
    void aFullSpoolRefusesEntriesLoudlyAndTheBrokerFailsClosed() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        AuditBroker broker = new AuditBroker(Clock.systemUTC());
        AuditDevice dev = Devices.open("sock", "socket", Map.of("address", "127.0.0.1:" + deadPort,
                "spool_max_bytes", "4096"), dir.resolve("spool"));
        broker.enable(dev);
        int recorded = 0;
        AssertionError none = null;
        try {
            for (int i = 0; i < 100; i++) {
                broker.record(Devices.request("a", true));
                recorded++;
            }
            none = new AssertionError("the spool never filled");
        } catch (dev.av.core.AvException e) {
            assertThat(e).hasMessage("no audit backend succeeded in logging the request");
        }
        if (none != null) {
            throw none;
        }
        assertThat(recorded).isPositive();
        assertThat(dev.stats().spoolFull()).isTrue();
        broker.close();
    }

    @Test
    void webhookDeliversBatchesWithTheAuthorizationHeaderAndAlertsOnRepeatedDenials() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        List<String> auths = new CopyOnWriteArrayList<>();
        AtomicInteger posts = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hook", ex -> {
            auths.add(ex.getRequestHeaders().getFirst("Authorization"));
            JsonNode arr = JSON.readTree(ex.getRequestBody());
            arr.forEach(received::add);
            posts.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
        try {
            AuditBroker broker = new AuditBroker(Clock.systemUTC());
            broker.enable(Devices.file("file", dir.resolve("audit.log"), Map.of()));
            broker.enable(Devices.open("hook", "webhook", Map.of(
                    "url", "http://127.0.0.1:" + http.getAddress().getPort() + "/hook",
                    "authorization_header", "Bearer hook-s3cr3t",
                    "events", "alert",
                    "alert_denials", "3", "alert_window", "1m"), dir.resolve("hook-spool")));
            assertThat(broker.device("hook").orElseThrow().options()).doesNotContainKey("authorization_header");
            for (int i = 0; i < 3; i++) {
                AuditEvent req = Devices.request("rogue", false);
                broker.logRequest(req);
                broker.logResponse(req.toResponse().error("permission denied").statusCode(403).build());
            }
            broker.logResponse(Devices.request("fine", false).toResponse().build());
            await("the alert", () -> !received.isEmpty());
            assertThat(received).hasSize(1);
            JsonNode alert = received.getFirst();
            assertThat(alert.path("type").asText()).isEqualTo("alert");
            assertThat(alert.at("/av/alert/agent").asText()).isEqualTo("rogue");
            assertThat(alert.at("/av/alert/denials").asInt()).isEqualTo(3);
            assertThat(alert.at("/chain/seq").asLong()).isEqualTo(1);
            assertThat(auths).containsOnly("Bearer hook-s3cr3t");
            broker.close();
            assertThat(java.nio.file.Files.readString(dir.resolve("audit.log"))).contains("\"type\":\"alert\"")
                    .doesNotContain("hook-s3cr3t");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void webhookThatAnswersErrorsKeepsEntriesUntilItRecovers() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            JsonNode arr = JSON.readTree(ex.getRequestBody());
            if (failuresLeft.getAndDecrement() > 0) {
                ex.sendResponseHeaders(503, -1);
            } else {
                arr.forEach(received::add);
                ex.sendResponseHeaders(200, -1);
            }
            ex.close();
        });
        http.start();
        try {
            AuditBroker broker = new AuditBroker(Clock.systemUTC());
            broker.enable(Devices.open("hook", "webhook", Map.of("url", "http://127.0.0.1:"
                    + http.getAddress().getPort() + "/", "batch_size", "4"), dir.resolve("spool")));
            for (int i = 0; i < 10; i++) {
                broker.record(AuditEvent.request("r" + i).operation("read").path("p").build());
            }
            await("ten entries", () -> received.stream().filter(n -> n.path("type").asText().equals("request"))
                    .map(n -> n.at("/request/id").asText()).distinct().count() == 10);
            List<String> ids = received.stream().filter(n -> n.path("type").asText().equals("request"))
                    .map(n -> n.at("/request/id").asText()).distinct().toList();
            assertThat(ids).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
            broker.close();
        } finally {
            http.stop(0);
        }
    }

    @Test
    void syslogDeviceSendsRfc5424MessagesWithFacilityAndTag() throws Exception {
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(10_000);
            AuditBroker broker = new AuditBroker(Clock.systemUTC());
            broker.enable(Devices.open("sys", "syslog", Map.of("address", "udp://127.0.0.1:" + udp.getLocalPort(),
                    "facility", "local0", "tag", "av-test"), dir));
            broker.record(AuditEvent.request("r1").operation("read").path("secret/data/x").build());
            DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
            udp.receive(p);
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            assertThat(msg).startsWith("<134>1 "); // local0 (16) * 8 + info (6)
            assertThat(msg).contains(" av-test - - - {\"time\"").contains("\"id\":\"r1\"");
            broker.close();
        }
    }

    @Test
    void syslogDeviceWritesToAUnixStreamSocket() throws Exception {
        Path sock = dir.resolve("log.sock");
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(sock));
            AuditBroker broker = new AuditBroker(Clock.systemUTC());
            broker.enable(Devices.open("sys", "syslog", Map.of("address", "unix://" + sock, "tag", "av"), dir));
            broker.record(AuditEvent.request("u1").operation("read").path("p").build());
            try (java.nio.channels.SocketChannel c = server.accept();
                 BufferedReader r = new BufferedReader(new InputStreamReader(java.nio.channels.Channels.newInputStream(c),
                         StandardCharsets.UTF_8))) {
                String line = r.readLine();
                assertThat(line).startsWith("<38>1 ").contains(" av - - - {").contains("\"id\":\"u1\""); // auth (4) * 8 + 6
            }
            broker.close();
        }
    }

    @Test
    void badOptionsAreBadRequestsNamingTheOption() {
        assertThatThrownBy(() -> Devices.open("x", "file", Map.of("file_path", "/tmp/x", "colour", "red"), dir))
                .hasMessageContaining("unknown option \"colour\"");
        assertThatThrownBy(() -> Devices.open("x", "socket", Map.of(), dir)).hasMessageContaining("address is required");
        assertThatThrownBy(() -> Devices.open("x", "syslog", Map.of("facility", "nope"), dir))
                .hasMessageContaining("unknown syslog facility");
        assertThatThrownBy(() -> Devices.open("x", "file", Map.of("file_path", "/tmp/x", "format", "jsonx"), dir))
                .hasMessageContaining("only json");
        assertThatThrownBy(() -> Devices.open("x", "nosuch", Map.of(), dir)).hasMessageContaining("unknown audit device type");
        assertThatThrownBy(() -> Devices.open("x", "webhook", Map.of("url", "http://u:p@h/"), dir))
                .hasMessageContaining("authorization_header");
    }
}
