package dev.av.testing.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Command lines for real HTTP clients that take their proxy and CA trust from the environment only
 * (HTTPS_PROXY, SSL_CERT_FILE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS, NODE_USE_ENV_PROXY), exactly as
 * {@code av run} or {@code av proxy env} set it up. Each prints the status code and the body.
 */
public final class RealClients {

    private RealClients() {
    }

    /** The result of running a client. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static boolean available(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static List<String> curl(String url) {
        return List.of("curl", "-sS", "--max-time", "30", "-w", "\n%{http_code}", url);
    }

    public static List<String> python(String url) {
        String script = """
                import sys, urllib.request, urllib.error
                try:
                    r = urllib.request.urlopen(sys.argv[1], timeout=30)
                    print(r.status); print(r.read().decode())
                except urllib.error.HTTPError as e:
                    print(e.code); print(e.read().decode())
                """;
        return List.of("python3", "-c", script, url);
    }

    /**
     * Node: {@code fetch} with {@code NODE_USE_ENV_PROXY} where the runtime supports it (22.21+, 24.5+);
     * on older runtimes the same HTTPS_PROXY is used through an explicit CONNECT and {@code https.get}.
     */
    public static List<String> node(String url) {
        String script = """
                const [maj, min] = process.versions.node.split('.').map(Number);
                const url = process.argv[1];
                if (maj >= 25 || (maj === 24 && min >= 5) || (maj === 22 && min >= 21)) {
                  fetch(url).then(async r => { console.log(r.status); console.log(await r.text()); })
                    .catch(e => { console.error(String(e.cause || e)); process.exit(2); });
                } else {
                  const http = require('http'), https = require('https'), tls = require('tls');
                  const proxy = new URL(process.env.HTTPS_PROXY || process.env.https_proxy);
                  const target = new URL(url);
                  const auth = 'Basic ' + Buffer.from(decodeURIComponent(proxy.username) + ':' + decodeURIComponent(proxy.password)).toString('base64');
                  const port = target.port || 443;
                  http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target.hostname + ':' + port,
                                 headers: { 'Proxy-Authorization': auth, host: target.hostname + ':' + port } })
                    .on('connect', (res, socket) => {
                      if (res.statusCode !== 200) { console.log(res.statusCode); socket.destroy(); return; }
                      https.get(url, { createConnection: () => tls.connect({ socket, servername: target.hostname }) }, r => {
                        let body = ''; r.on('data', d => body += d); r.on('end', () => { console.log(r.statusCode); console.log(body); });
                      }).on('error', e => { console.error(String(e)); process.exit(2); });
                    })
                    .on('error', e => { console.error(String(e)); process.exit(2); }).end();
                }
                """;
        return List.of("node", "-e", script, url);
    }

    /**
     * A JVM agent: a single-file program run by the source launcher of the JDK running this test. It
     * takes its proxy host and port from the system properties ({@code ProxySelector.getDefault()}),
     * its trust store from the same place (JAVA_TOOL_OPTIONS, as {@code av run} sets it: the program
     * configures no trust itself), and its proxy credentials from the user info of {@code HTTPS_PROXY}
     * through an {@link java.net.Authenticator}, since the JDK has no system property for them.
     * Writes {@code ProxiedJdkClient.java} into {@code dir}; {@code jvmOptions} go before the source
     * file on the command line (they override JAVA_TOOL_OPTIONS).
     */
    public static List<String> jdk(Path dir, String url, String... jvmOptions) throws IOException {
        String source = """
                import java.net.Authenticator;
                import java.net.PasswordAuthentication;
                import java.net.ProxySelector;
                import java.net.URI;
                import java.net.http.HttpClient;
                import java.net.http.HttpRequest;
                import java.net.http.HttpResponse;

                public class ProxiedJdkClient {
                    public static void main(String[] args) throws Exception {
                        String proxy = System.getenv("HTTPS_PROXY") != null ? System.getenv("HTTPS_PROXY") : System.getenv("https_proxy");
                        String userInfo = URI.create(proxy).getUserInfo();
                        int colon = userInfo.indexOf(':');
                        String user = userInfo.substring(0, colon);
                        char[] password = userInfo.substring(colon + 1).toCharArray();
                        Authenticator auth = new Authenticator() {
                            @Override
                            protected PasswordAuthentication getPasswordAuthentication() {
                                return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(user, password) : null;
                            }
                        };
                        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.getDefault()).authenticator(auth).build();
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(args[0])).build(),
                                HttpResponse.BodyHandlers.ofString());
                        System.out.println(r.statusCode());
                        System.out.println(r.body());
                    }
                }
                """;
        Path file = dir.resolve("ProxiedJdkClient.java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(launcher));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of(file.toString(), url));
        return command;
    }

    /** Runs a command with exactly {@code env} added to a minimal environment (PATH, HOME). */
    public static Result run(List<String> command, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> e = pb.environment();
        String path = e.get("PATH");
        String home = e.get("HOME");
        e.clear();
        e.put("PATH", path == null ? "/usr/bin:/bin" : path);
        if (home != null) {
            e.put("HOME", home);
        }
        e.putAll(env);
        Process p = pb.start();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        var errText = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ex) {
                errText.complete("");
            }
        });
        String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), stdout, errText.join());
    }
}
