package dev.av.server.audit;

import dev.av.registry.agent.DelegationStore;
import dev.av.registry.keyring.Barrier;
import dev.av.server.ServerConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;

/** Wires the audit area: the store, the service (broker), the hook and the sys/audit* backends. */
@Factory
public class AuditFactory {

    @Singleton
    AuditDeviceStore auditDeviceStore(DataSource ds, Barrier barrier, Clock clock) {
        return new AuditDeviceStore(ds, barrier, clock);
    }

    @Singleton
    @Bean(preDestroy = "close")
    AuditService auditService(AuditDeviceStore store, Barrier barrier, Clock clock, ServerConfig config) {
        Path spools;
        try {
            spools = config.isDev() ? Files.createTempDirectory("av-audit-spool")
                    : config.dataDir().resolve("audit-spool");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the audit spool directory", e);
        }
        return new AuditService(store, barrier, clock, spools);
    }

    /** The fail-closed broker, for areas that audit outside the API pipeline (the proxy). */
    @Singleton
    dev.av.audit.AuditBroker auditBroker(AuditService audit) {
        return audit.broker();
    }

    @Singleton
    AuditHook auditHook(AuditService audit, DataSource ds) {
        return new AvAuditHook(audit, new DelegationStore(ds));
    }

    @Singleton
    AuditSysBackend auditSysBackend(AuditService audit) {
        return new AuditSysBackend(audit);
    }

    @Singleton
    AuditHashBackend auditHashBackend(AuditService audit) {
        return new AuditHashBackend(audit);
    }

    @Singleton
    AuditTailBackend auditTailBackend(AuditService audit) {
        return new AuditTailBackend(audit);
    }
}
