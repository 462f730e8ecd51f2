package dev.av.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.audit.chain.ChainVerifier;
import dev.av.registry.keyring.KdfParams;
import dev.av.registry.storage.StorageSettings;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices survive a restart with the same salt and chain; a device that cannot reopen keeps failing closed
 * until an operator removes it (the one request allowed through it, best effort).
 */
class AuditRestartTest {

    @TempDir
    Path dir;

    @Test
    void devicesComeBackAfterUnsealWithTheirSaltAndADeviceThatCannotOpenStillFailsClosed() throws Exception {
        ServerConfig config = ServerConfig.builder().listenAddress("127.0.0.1:0").kdf(KdfParams.DEV)
                .storage(StorageSettings.h2Files(dir.resolve("data"))).dataDir(dir.resolve("data")).build();
        Path logs = dir.resolve("logs");
        Path log = logs.resolve("audit.log");
        String unsealKey;
        String rootToken;
        String hashBefore;
        try (AvServer av = AvServer.start(config)) {
            Api anon = new Api(av.apiAddress(), null);
            Api.Res init = anon.put("sys/init", "{}");
            unsealKey = init.json().get("keys").get(0).asText();
            rootToken = init.json().get("root_token").asText();
            assertThat(anon.put("sys/unseal", "{\"key\":\"" + unsealKey + "\"}").status()).isEqualTo(200);
            Api root = anon.as(rootToken);
            Api.Res on = root.put("sys/audit/file", "{\"type\":\"file\",\"options\":{\"file_path\":\"" + log + "\"}}");
            assertThat(on.status()).as(on.toString()).isEqualTo(204);
            hashBefore = root.post("sys/audit-hash/file", "{\"input\":\"x\"}").data().get("hash").asText();
            assertThat(root.get("auth/token/lookup-self").status()).isEqualTo(200);
        }
        long linesBefore = Files.readAllLines(log).size();

        try (AvServer av = AvServer.start(config)) {
            Api anon = new Api(av.apiAddress(), null);
            assertThat(anon.put("sys/unseal", "{\"key\":\"" + unsealKey + "\"}").status()).isEqualTo(200);
            Api root = anon.as(rootToken);
            assertThat(root.post("sys/audit-hash/file", "{\"input\":\"x\"}").data().get("hash").asText())
                    .isEqualTo(hashBefore);
            assertThat(root.get("auth/token/lookup-self").status()).isEqualTo(200);
        }
        assertThat(Files.readAllLines(log).size()).isGreaterThan((int) linesBefore);
        assertThat(ChainVerifier.verify(log, null).brokenLink()).isNull();
        assertThat(ChainVerifier.verify(log, null).entries()).isGreaterThan(4);

        // the log directory becomes a plain file: the device cannot reopen after the restart
        Files.move(logs, dir.resolve("logs-archived"));
        Files.writeString(logs, "not a directory");
        try (AvServer av = AvServer.start(config)) {
            Api anon = new Api(av.apiAddress(), null);
            assertThat(anon.put("sys/unseal", "{\"key\":\"" + unsealKey + "\"}").status()).isEqualTo(200);
            Api root = anon.as(rootToken);
            Api.Res refused = root.get("auth/token/lookup-self");
            assertThat(refused.status()).isEqualTo(500);
            assertThat(refused.body()).contains("no audit backend succeeded");
            // the operator can still remove the broken device (sudo), then requests proceed unaudited
            assertThat(root.delete("sys/audit/file").status()).isEqualTo(204);
            assertThat(root.get("auth/token/lookup-self").status()).isEqualTo(200);
        }
    }
}
