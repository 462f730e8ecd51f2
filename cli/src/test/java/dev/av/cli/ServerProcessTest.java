package dev.av.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code av server -dev} as a real process: the banner, a CLI command against it, and Ctrl-C. */
class ServerProcessTest {

    @TempDir
    Path home;

    @Test
    void devServerPrintsItsAddressAndRootTokenAnswersAndStopsCleanlyOnCtrlC() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "server", "-dev", "-dev-listen-address=127.0.0.1:0", "-dev-proxy-listen-address=127.0.0.1:0",
                "-dev-root-token-id=avs.process-root");
        pb.environment().put("AV_TOKEN_FILE", home.resolve("token").toString());
        pb.redirectError(home.resolve("stderr.txt").toFile());
        Process p = pb.start();
        try {
            List<String> banner = new ArrayList<>();
            String address = null;
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                banner.add(line);
                if (line.strip().startsWith("Api Address:")) {
                    address = line.substring(line.indexOf(':') + 1).strip();
                }
                if (line.startsWith("Development mode should NOT")) {
                    break;
                }
            }
            assertThat(address).as(String.join("\n", banner) + Files.readString(home.resolve("stderr.txt")))
                    .startsWith("http://127.0.0.1:");
            assertThat(banner).contains("Root Token: avs.process-root");
            // on Linux: io_uring where the kernel allows it (else epoll), and BoringSSL, never a silent fall back to the JDK's TLS;
            // one event loop per two cores on io_uring, two per core otherwise
            String engine = System.getProperty("os.name").startsWith("Linux") ? "Proxy Engine: (io_uring|epoll) sockets, \\d+ event loops?, BoringSSL TLS"
                    : "Proxy Engine: (io_uring|epoll|nio) sockets, \\d+ event loops?, (BoringSSL|JDK) TLS";
            String engineLine = banner.stream().map(String::strip).filter(l -> l.matches(engine)).findFirst().orElseThrow(
                    () -> new AssertionError("no proxy engine line matching " + engine + " in\n" + String.join("\n", banner)));
            int cores = Runtime.getRuntime().availableProcessors();
            int loops = engineLine.contains("io_uring") ? Math.max(1, cores / 2) : 2 * cores;
            assertThat(engineLine).contains(", " + loops + (loops == 1 ? " event loop," : " event loops,"));
            assertThat(banner.stream().filter(l -> l.strip().startsWith("$ ") && l.contains("./av ")).count()).isEqualTo(3);
            assertThat(home.resolve("token")).hasContent("avs.process-root");

            CliRun av = new CliRun(home, address).env("AV_TOKEN_FILE", home.resolve("token").toString());
            CliRun.Result lookup = av.run("token", "lookup", "-field=policies");
            assertThat(lookup.code()).as(lookup.err()).isZero();
            assertThat(lookup.out()).isEqualTo("[\"root\"]");

            // the dev server's audit device streams the lookup's entries to stdout, after the banner, token HMAC'd
            List<String> audit = new ArrayList<>();
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                audit.add(line);
                if (line.contains("\"type\":\"response\"") && line.contains("auth/token/lookup-self")) {
                    break;
                }
            }
            assertThat(audit).as(String.join("\n", audit))
                    .anyMatch(l -> l.startsWith("{\"time\":") && l.contains("\"type\":\"request\"")
                            && l.contains("auth/token/lookup-self") && l.contains("\"client_token\":\"hmac-sha256:"))
                    .anyMatch(l -> l.contains("\"type\":\"response\"") && l.contains("auth/token/lookup-self"))
                    .noneMatch(l -> l.contains("avs.process-root"));
            CliRun.Result devices = av.run("audit", "list");
            assertThat(devices.code()).as(devices.err()).isZero();
            assertThat(devices.out()).contains("stdout/").contains("file");
            CliRun.Result disable = av.run("audit", "disable", "stdout");
            assertThat(disable.code()).as(disable.err()).isZero();
            assertThat(av.run("audit", "list").out()).contains("No audit devices are enabled.");

            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(Files.readString(home.resolve("stderr.txt"))).contains("==> av server stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void devNoAuditWithoutDevIsAUsageError() {
        CliRun.Result r = new CliRun(home, "http://127.0.0.1:1").run("server", "-dev-no-audit");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("-dev-* options need -dev");
    }
}
