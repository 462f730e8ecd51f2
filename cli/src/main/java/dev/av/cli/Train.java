package dev.av.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The training run the {@code ./av} launcher records its start-up cache from (a JDK 25 AOT cache, or
 * an AppCDS archive on older JDKs): {@code Train cli} runs typical short commands in-process against
 * a canned HTTP responder on loopback, so the classes a real command needs (picocli, the client,
 * JSON, output) are in the cache. Not a user command.
 */
public final class Train {

    private static final String BODY = "{\"request_id\":\"t\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
            + "\"data\":{\"keys\":[\"a\",\"b/\"],\"data\":{\"value\":\"x\"},\"metadata\":{\"version\":1},\"ttl\":60,"
            + "\"policies\":[\"default\"],\"id\":\"t\"},\"wrap_info\":null,\"warnings\":null,"
            + "\"auth\":{\"client_token\":\"t\",\"accessor\":\"a\",\"policies\":[\"default\"],\"token_policies\":[\"default\"],"
            + "\"metadata\":{\"k\":\"v\"},\"lease_duration\":60,\"renewable\":true},"
            + "\"sealed\":false,\"initialized\":true,\"type\":\"shamir\",\"t\":1,\"n\":1,\"version\":\"0\"}";

    private Train() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "cli";
        if (mode.equals("cli")) {
            cli();
        } else if (mode.equals("server")) {
            dev.av.cli.server.ServerTraining.run();
        } else {
            throw new IllegalArgumentException("unknown training mode " + mode);
        }
    }

    static void cli() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> respond(server), "train-responder");
            responder.setDaemon(true);
            responder.start();
            Path home = Files.createTempDirectory("av-train");
            try {
                String addr = "http://127.0.0.1:" + server.getLocalPort();
                Map<String, String> env = Map.of("AV_ADDR", addr, "AV_TOKEN", "t");
                List<String[]> commands = List.of(
                        new String[] {"status"},
                        new String[] {"read", "secret/data/x"},
                        new String[] {"read", "-field=value", "secret/data/x"},
                        new String[] {"read", "-format=json", "secret/data/x"},
                        new String[] {"read", "-format=yaml", "secret/data/x"},
                        new String[] {"write", "secret/data/x", "a=b", "c=d"},
                        new String[] {"write", "secret/data/x", "-"},
                        new String[] {"list", "secret/metadata"},
                        new String[] {"delete", "secret/data/x"},
                        new String[] {"patch", "secret/data/x", "a=c"},
                        new String[] {"token", "lookup"},
                        new String[] {"token", "create", "-policy=default", "-ttl=1h"},
                        new String[] {"token", "capabilities", "secret/data/x"},
                        new String[] {"login", "-no-store", "t"},
                        new String[] {"--help"},
                        new String[] {"read", "--help"},
                        new String[] {"nope"});
                for (String[] c : commands) {
                    run(c, env, home);
                }
                // every area's command model (other helpers' commands included)
                for (Class<?> c : Commands.TOP_LEVEL) {
                    picocli.CommandLine.Command a = c.getAnnotation(picocli.CommandLine.Command.class);
                    if (a != null && !a.name().equals("server")) {
                        run(new String[] {a.name(), "--help"}, env, home);
                    }
                }
            } finally {
                try (var files = Files.walk(home)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void run(String[] args, Map<String, String> env, Path home) {
        StringWriter sink = new StringWriter();
        Cli cli = new Cli(new PrintWriter(sink), new PrintWriter(sink),
                new ByteArrayInputStream("{\"data\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8)), env, home, false);
        Main.run(args, cli);
    }

    private static void respond(ServerSocket server) {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                int contentLength = 0;
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    if (c == '\n') {
                        String l = line.toString().trim();
                        if (l.isEmpty()) {
                            break;
                        }
                        if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                            contentLength = Integer.parseInt(l.substring(15).trim());
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
                in.readNBytes(contentLength);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException | RuntimeException e) {
                // the server socket closed, or a broken request: keep going until closed
            }
        }
    }
}
