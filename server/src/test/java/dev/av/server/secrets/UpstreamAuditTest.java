package dev.av.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.server.audit.AuditHook;
import dev.av.server.audit.AuditRecord;
import dev.av.server.logical.LogicalResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class UpstreamAuditTest {

    static final class RecordingHook implements AuditHook {
        final List<AuditRecord> requests = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onRequest(AuditRecord record) {
            requests.add(record);
        }

        @Override
        public void onResponse(AuditRecord record, LogicalResponse response, String error) {
            errors.add(error);
        }
    }

    @Test
    void losingTheUpstreamTokenIsAuditedOnEveryDeviceEvenIfOneFails() {
        RecordingHook hook = new RecordingHook();
        AuditHook broken = new AuditHook() {
            @Override
            public void onRequest(AuditRecord record) {
                throw new IllegalStateException("device down");
            }

            @Override
            public void onResponse(AuditRecord record, LogicalResponse response, String error) {
            }
        };
        UpstreamAudit audit = new UpstreamAudit(List.of(broken, hook), Clock.systemUTC());
        audit.tokenLost("corp", "LoginTokenRenewalFailed: Forbidden");
        audit.tokenRestored("corp");
        assertThat(hook.requests).extracting(r -> r.request().path())
                .containsExactly("sys/internal/vault-upstream/corp/token-lost", "sys/internal/vault-upstream/corp/token-restored");
        assertThat(hook.requests.get(0).mountType()).isEqualTo("vault");
        assertThat(hook.errors.get(0)).contains("not usable", "Forbidden");
        assertThat(hook.errors.get(1)).isNull();
    }
}
