package dev.av.server.kv;

import dev.av.registry.keyring.KdfParams;
import dev.av.registry.storage.StorageSettings;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;

/**
 * av as its own JVM for {@link KvCrashTest}: {@code KvCrashChild <jdbcUrl> <user>} starts a
 * persistent server (unsealing at start when {@code AV_UNSEAL_KEY} is set), prints
 * {@code AV_LISTENING <address>} and runs until it is killed.
 */
public final class KvCrashChild {

    public static final String READY = "AV_LISTENING ";

    private KvCrashChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServerConfig config = ServerConfig.builder()
                .listenAddress("127.0.0.1:0")
                .proxyListenAddress("127.0.0.1:0")
                .storage(new StorageSettings(args[0], args.length > 1 ? args[1] : "", ""))
                .kdf(KdfParams.DEV)
                .unsealKey(System.getenv("AV_UNSEAL_KEY"))
                .build();
        AvServer server = AvServer.start(config);
        System.out.println(READY + server.apiAddress());
        System.out.flush();
        Thread.currentThread().join();
    }
}
