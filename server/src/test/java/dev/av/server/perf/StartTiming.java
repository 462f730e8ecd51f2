package dev.av.server.perf;

import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Measures a dev server's start: JVM launch to the first answered {@code sys/health}. Run with the
 * server's test classpath (see docs/perf.md, "## Server"); prints one line. Not a test.
 */
public final class StartTiming {

    private StartTiming() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainAt = System.currentTimeMillis();
        try (AvServer av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build())) {
            long started = System.currentTimeMillis();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(av.apiAddress() + "/v1/sys/health")).build(), HttpResponse.BodyHandlers.ofString());
            long answered = System.currentTimeMillis();
            System.out.printf("status=%d jvm->main=%d ms, main->started=%d ms, first request=%d ms, total=%d ms%n",
                    r.statusCode(), mainAt - jvmStart, started - mainAt, answered - started, answered - jvmStart);
            if (args.length > 0) {
                System.out.println("serving at " + av.apiAddress() + " (root token " + av.rootToken() + "); Ctrl-C to stop");
                Thread.sleep(Long.parseLong(args[0]) * 1000);
            }
        }
    }
}
