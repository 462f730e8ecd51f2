package dev.av.cli.server;

import dev.av.api.ApiException;
import dev.av.api.AvClient;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.util.List;
import java.util.Map;

/**
 * The server half of the launcher's training run ({@code Train server}): starts a dev server on free
 * ports, sends the requests a typical session starts with, and stops it, so that the start-up cache
 * holds what {@code av server} loads before its first answer.
 */
public final class ServerTraining {

    private ServerTraining() {
    }

    public static void run() {
        ServerConfig cfg = ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0")
                .proxyListenAddress("127.0.0.1:0").build();
        try (AvServer server = AvServer.start(cfg)) {
            AvClient root = AvClient.of(server.apiAddress(), server.rootToken());
            for (int i = 0; i < 20; i++) {
                root.send("GET", "sys/health", Map.of(), null, Map.of());
                root.send("GET", "sys/seal-status", Map.of(), null, Map.of());
                root.write("secret/data/train/" + i, Map.of("data", Map.of("k", "v" + i)));
                root.read("secret/data/train/" + i);
                root.list("secret/metadata/train");
                root.send("GET", "auth/token/lookup-self", Map.of(), null, Map.of());
                String child = root.write("auth/token/create", Map.of("policies", List.of("default"), "ttl", "1h"))
                        .clientToken();
                try {
                    root.withToken(child).read("secret/data/train/" + i);
                } catch (ApiException expected) {
                    // a denied read is part of a typical session too
                }
                root.send("GET", "no/such/mount", Map.of(), null, Map.of());
                root.write("sys/policies/acl/train", Map.of("policy", "path \"secret/*\" { capabilities = [\"read\"] }"));
            }
        }
    }
}
