package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.keyring.Barrier;
import dev.av.registry.keyring.KdfParams;
import dev.av.registry.storage.StorageSettings;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A persistent (non-dev) server: init, unseal, seal, rekey, and what is refused while sealed. */
class SealTest {

    AvServer av;
    Api anon;

    @BeforeEach
    void start() {
        av = AvServer.start(ServerConfig.builder().listenAddress("127.0.0.1:0").kdf(KdfParams.DEV)
                .storage(StorageSettings.h2Memory("seal" + System.nanoTime())).build());
        anon = new Api(av.apiAddress(), null);
    }

    @AfterEach
    void stop() {
        av.close();
    }

    private String[] init() {
        Api.Res r = anon.put("sys/init", "{\"secret_shares\":1,\"secret_threshold\":1}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return new String[] {r.json().get("keys").get(0).asText(), r.json().get("root_token").asText()};
    }

    @Test
    void uninitializedServerSaysSoAndRefusesEverythingElse() {
        assertThat(anon.get("sys/health").status()).isEqualTo(501);
        assertThat(anon.get("sys/init").json().get("initialized").asBoolean()).isFalse();
        Api.Res status = anon.get("sys/seal-status");
        assertThat(status.json().get("initialized").asBoolean()).isFalse();
        assertThat(status.json().get("sealed").asBoolean()).isTrue();
        Api.Res mounts = anon.get("sys/mounts");
        assertThat(mounts.status()).isEqualTo(503);
        assertThat(mounts.error()).isEqualTo("Vault is sealed");
    }

    @Test
    void sealedServerAnswers503ExceptOnLifecyclePaths() {
        String[] k = init();
        Api root = anon.as(k[1]);
        assertThat(anon.get("sys/health").status()).isEqualTo(503);
        assertThat(anon.get("sys/seal-status").status()).isEqualTo(200);
        assertThat(root.get("auth/token/lookup-self").status()).isEqualTo(503);
        assertThat(root.post("auth/token/create", "{}").status()).isEqualTo(503);
        assertThat(root.put("sys/policies/acl/x", "{\"policy\":\"path \\\"a\\\" {capabilities=[\\\"read\\\"]}\"}").status())
                .isEqualTo(503);
        Api.Res unsealed = anon.put("sys/unseal", "{\"key\":\"" + k[0] + "\"}");
        assertThat(unsealed.status()).isEqualTo(200);
        assertThat(unsealed.json().get("sealed").asBoolean()).isFalse();
        assertThat(anon.get("sys/health").status()).isEqualTo(200);
        assertThat(root.get("auth/token/lookup-self").status()).isEqualTo(200);
        assertThat(anon.put("sys/seal", "").status()).isEqualTo(403);
        assertThat(root.put("sys/seal", "").status()).isEqualTo(204);
        assertThat(root.get("auth/token/lookup-self").status()).isEqualTo(503);
        assertThat(anon.get("sys/seal-status").json().get("sealed").asBoolean()).isTrue();
    }

    @Test
    void wrongUnsealKeyIsRefusedAndChangesNothing() {
        String[] k = init();
        Api.Res wrong = anon.put("sys/unseal", "{\"key\":\"dGhpcyBpcyBub3QgdGhlIGtleSBhdCBhbGwgISEhISE=\"}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.error()).isEqualTo("unseal key is not correct");
        assertThat(wrong.body()).doesNotContain(k[0]);
        assertThat(anon.get("sys/seal-status").json().get("sealed").asBoolean()).isTrue();
        assertThat(anon.put("sys/unseal", "{}").status()).isEqualTo(400);
        assertThat(anon.put("sys/unseal", "{\"key\":\"" + k[0] + "\"}").json().get("sealed").asBoolean()).isFalse();
        assertThat(anon.put("sys/init", "{}").status()).isEqualTo(400);
    }

    @Test
    void rekeyReplacesTheUnsealKeyAndKeepsTheData() {
        String[] k = init();
        Api root = anon.as(k[1]);
        anon.put("sys/unseal", "{\"key\":\"" + k[0] + "\"}");
        Barrier barrier = av.bean(Barrier.class);
        byte[] ct = barrier.encrypt("test", "row", 1, "kept".getBytes(StandardCharsets.UTF_8));
        Api.Res wrong = root.put("sys/rekey", "{\"key\":\"bm90IHRoZSBrZXk=\"}");
        assertThat(wrong.status()).isEqualTo(400);
        Api.Res r = root.put("sys/rekey", "{\"key\":\"" + k[0] + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String newKey = r.data().get("keys").get(0).asText();
        assertThat(newKey).isNotEqualTo(k[0]);
        root.put("sys/seal", "");
        assertThat(anon.put("sys/unseal", "{\"key\":\"" + k[0] + "\"}").status()).isEqualTo(400);
        assertThat(anon.put("sys/unseal", "{\"key\":\"" + newKey + "\"}").status()).isEqualTo(200);
        assertThat(new String(barrier.decrypt("test", "row", 1, ct), StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    @Test
    void rekeyNeedsSudo() {
        String[] k = init();
        Api root = anon.as(k[1]);
        anon.put("sys/unseal", "{\"key\":\"" + k[0] + "\"}");
        String t = root.post("auth/token/create", "{\"policies\":[\"default\"]}").auth().get("client_token").asText();
        assertThat(anon.as(t).put("sys/rekey", "{\"key\":\"" + k[0] + "\"}").status()).isEqualTo(403);
        root.put("sys/seal", "");
        assertThat(anon.put("sys/unseal", "{\"key\":\"" + k[0] + "\"}").status()).isEqualTo(200);
    }
}
