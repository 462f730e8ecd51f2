package dev.av.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cedar after the ACL: it can turn an allow into a deny, never the reverse. */
class CedarGuardrailTest {

    static AvServer av;
    static Api root;

    @BeforeAll
    static void start() {
        av = AvServer.start(ServerConfig.builder().dev(true).listenAddress("127.0.0.1:0").build());
        root = new Api(av.apiAddress(), av.rootToken());
        root.put("sys/policies/acl/reader", "{\"policy\":\"path \\\"secret/data/*\\\" { capabilities = [\\\"read\\\"] }\"}");
        root.post("secret/data/open/x", "{\"data\":{\"v\":\"1\"}}");
        root.post("secret/data/blocked/x", "{\"data\":{\"v\":\"2\"}}");
    }

    @AfterAll
    static void stop() {
        av.close();
    }

    @Test
    void aForbidNarrowsWhatTheAclAllowsAndRemovingItRestoresAccess() {
        Api reader = root.as(root.post("auth/token/create", "{\"policies\":[\"reader\"]}").auth().get("client_token").asText());
        assertThat(reader.get("secret/data/blocked/x").status()).isEqualTo(200);
        Api.Res w = root.put("sys/policies/cedar/no-blocked", "{\"policy\":\"forbid(principal, action == Action::\\\"read\\\", "
                + "resource in Path::\\\"secret/data/blocked/\\\");\"}");
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        assertThat(reader.get("secret/data/blocked/x").status()).isEqualTo(403);
        assertThat(reader.get("secret/data/open/x").status()).isEqualTo(200);
        assertThat(root.get("secret/data/blocked/x").status()).as("root is the break-glass").isEqualTo(200);
        assertThat(root.list("sys/policies/cedar").data().get("keys").toString()).contains("default", "no-blocked");
        root.delete("sys/policies/cedar/no-blocked");
        assertThat(reader.get("secret/data/blocked/x").status()).isEqualTo(200);
    }

    @Test
    void theClientAddressIsInCedarsContext() {
        root.post("secret/data/loop/x", "{\"data\":{\"v\":\"4\"}}");
        Api reader = root.as(root.post("auth/token/create", "{\"policies\":[\"reader\"]}").auth().get("client_token").asText());
        Api.Res w = root.put("sys/policies/cedar/no-loopback", "{\"policy\":\"forbid(principal, action, resource in "
                + "Path::\\\"secret/data/loop/\\\") when { context has remote_addr && context.remote_addr.isLoopback() };\"}");
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        try {
            assertThat(reader.get("secret/data/loop/x").status()).as("read from 127.0.0.1").isEqualTo(403);
            assertThat(reader.get("secret/data/open/x").status()).isEqualTo(200);
        } finally {
            root.delete("sys/policies/cedar/no-loopback");
        }
        assertThat(reader.get("secret/data/loop/x").status()).isEqualTo(200);
    }

    @Test
    void cedarCannotGrantWhatTheAclDenies() {
        Api reader = root.as(root.post("auth/token/create", "{\"policies\":[\"reader\"]}").auth().get("client_token").asText());
        root.put("sys/policies/cedar/permit-writes", "{\"policy\":\"permit(principal, action == Action::\\\"update\\\", resource);\"}");
        try {
            assertThat(reader.post("secret/data/open/x", "{\"data\":{\"v\":\"3\"}}").status()).isEqualTo(403);
        } finally {
            root.delete("sys/policies/cedar/permit-writes");
        }
    }

    @Test
    void invalidCedarIsRefusedWithItsError() {
        Api.Res r = root.put("sys/policies/cedar/bad", "{\"policy\":\"forbid(principal, action == Action::\\\"fly\\\", resource);\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isNotBlank();
        assertThat(root.list("sys/policies/cedar").data().get("keys").toString()).doesNotContain("bad");
        assertThat(root.get("sys/policies/cedar/default").data().get("policy").asText()).contains("permit(principal, action, resource)");
    }
}
