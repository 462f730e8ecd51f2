package dev.av.secrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.secrets.EngineRequest;
import dev.av.secrets.Migrations;
import dev.av.secrets.Operation;
import dev.av.secrets.TestSealer;
import dev.av.secrets.lease.LeaseManager;
import dev.av.testing.TestDatabase;
import dev.av.testing.net.ScriptedUpstream;
import dev.av.testing.net.TestCa;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The vault engine over real TLS to a scripted Vault-API origin on loopback: the upstream is
 * verified against the configured PEM CA bundle (and refused without it), and every call carries
 * the namespace and av's token.
 */
class UpstreamTlsTest {

    private static final TestCa CA = TestCa.create("upstream vault CA");

    private static ScriptedUpstream.Handler vault(List<ScriptedUpstream.RecordedRequest> seen) {
        return (req, ex) -> {
            seen.add(req);
            String body = switch (req.target()) {
                case "/v1/auth/token/lookup-self" -> "{\"data\":{\"id\":\"s.tok\",\"ttl\":0,\"renewable\":false,\"policies\":[\"root\"]}}";
                case "/v1/sys/internal/ui/mounts/secret/app" -> "{\"data\":{\"path\":\"secret/\",\"type\":\"kv\",\"options\":{\"version\":\"2\"}}}";
                case "/v1/secret/data/app" -> "{\"data\":{\"data\":{\"api_key\":\"k-tls\"},\"metadata\":{\"version\":1}},\"lease_id\":\"\",\"lease_duration\":0}";
                default -> null;
            };
            if (body == null) {
                ex.respond(404, "application/json", "{\"errors\":[]}");
            } else {
                ex.respond(200, "application/json", body);
            }
        };
    }

    @Test
    void theUpstreamIsVerifiedWithTheCaBundleAndGetsTheNamespaceAndToken() throws Exception {
        List<ScriptedUpstream.RecordedRequest> seen = new CopyOnWriteArrayList<>();
        try (ScriptedUpstream up = ScriptedUpstream.https(CA.serverContext("localhost"), vault(seen));
             TestDatabase db = TestDatabase.h2()) {
            Migrations.apply(db.dataSource());
            LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), Clock.systemUTC());
            try (VaultEngine engine = new VaultEngine("corp", "u1", db.dataSource(), TestSealer.shared(), leases,
                    UpstreamEvents.NONE)) {
                engine.handle(EngineRequest.of(Operation.UPDATE, "config", Map.of("address", "https://localhost:" + up.port(),
                        "token", "s.tok", "namespace", "team-a", "ca_cert", CA.rootPem()), null));
                assertThat(engine.handle(EngineRequest.of(Operation.READ, "secret/app", Map.of(), "t")).data())
                        .containsEntry("api_key", "k-tls");
            }
            List<String> targets = new ArrayList<>();
            for (ScriptedUpstream.RecordedRequest r : seen) {
                targets.add(r.target());
                assertThat(r.header("X-Vault-Namespace")).as(r.target()).isEqualTo("team-a");
            }
            assertThat(targets).contains("/v1/secret/data/app");
            assertThat(seen.stream().filter(r -> r.target().equals("/v1/secret/data/app")).findFirst().orElseThrow()
                    .header("X-Vault-Token")).isEqualTo("s.tok");
        }
    }

    @Test
    void anUpstreamThatTheCaBundleDoesNotVouchForIsRefused() throws Exception {
        List<ScriptedUpstream.RecordedRequest> seen = new CopyOnWriteArrayList<>();
        TestCa other = TestCa.create("some other CA");
        try (ScriptedUpstream up = ScriptedUpstream.https(CA.serverContext("localhost"), vault(seen));
             TestDatabase db = TestDatabase.h2()) {
            Migrations.apply(db.dataSource());
            LeaseManager leases = new LeaseManager(db.dataSource(), TestSealer.shared(), Clock.systemUTC());
            try (VaultEngine engine = new VaultEngine("corp", "u2", db.dataSource(), TestSealer.shared(), leases,
                    UpstreamEvents.NONE)) {
                engine.handle(EngineRequest.of(Operation.UPDATE, "config", Map.of("address", "https://localhost:" + up.port(),
                        "token", "s.tok", "ca_cert", other.rootPem()), null));
                assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.READ, "secret/app", Map.of(), "t")))
                        .isInstanceOf(AvException.class)
                        .satisfies(e -> assertThat(((AvException) e).kind()).isEqualTo(AvException.Kind.UNAVAILABLE))
                        .hasMessageContaining("credential unavailable");
            }
            assertThat(seen).isEmpty();
        }
    }
}
