package dev.av.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.keyring.KdfParams;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code av operator init / unseal / seal / rekey} against a persistent (H2 files) server. */
class OperatorEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void initUnsealRekeyAndSealWorkAndAWrongKeyChangesNothing() throws Exception {
        ServerConfig cfg = ServerConfig.builder().dataDir(dir.resolve("data")).kdf(KdfParams.DEV)
                .listenAddress("127.0.0.1:0").proxyListenAddress("127.0.0.1:0").build();
        try (AvServer server = AvServer.start(cfg)) {
            CliRun av = new CliRun(dir, server.apiAddress());
            CliRun.Result before = av.run("status");
            assertThat(before.code()).isEqualTo(2);
            assertThat(before.out()).containsPattern("Initialized\\s+false");

            CliRun.Result init = av.run("operator", "init");
            assertThat(init.code()).as(init.err()).isZero();
            String key = line(init.out(), "Unseal Key: ");
            String root = line(init.out(), "Initial Root Token: ");
            assertThat(key).isNotBlank();
            assertThat(root).isNotBlank();
            assertThat(av.run("operator", "init").code()).isEqualTo(2);

            CliRun.Result wrong = av.run("operator", "unseal", "bm90LXRoZS1rZXk=");
            assertThat(wrong.code()).isEqualTo(2);
            assertThat(wrong.err()).startsWith("Error unsealing: ");
            assertThat(av.run("status").code()).isEqualTo(2);

            Path keyFile = Files.writeString(dir.resolve("unseal-key"), key + "\n");
            CliRun.Result unseal = av.run("operator", "unseal", "-key-file=" + keyFile);
            assertThat(unseal.code()).as(unseal.err()).isZero();
            assertThat(unseal.out()).containsPattern("Sealed\\s+false");

            CliRun rootCli = av.env("AV_TOKEN", root);
            CliRun.Result rekey = rootCli.env("AV_UNSEAL_KEY", key).run("operator", "rekey");
            assertThat(rekey.code()).as(rekey.err()).isZero();
            String newKey = line(rekey.out(), "New Unseal Key: ");
            assertThat(newKey).isNotBlank().isNotEqualTo(key);

            assertThat(rootCli.run("operator", "seal").out()).isEqualTo("Success! av is sealed.\n");
            assertThat(av.env("AV_UNSEAL_KEY", key).run("operator", "unseal").code()).isEqualTo(2);
            CliRun.Result again = av.env("AV_UNSEAL_KEY", null).runWithStdin(newKey + "\n", "operator", "unseal", "-");
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(av.run("status").code()).isZero();
        }
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip())
                .findFirst().orElse("");
    }
}
