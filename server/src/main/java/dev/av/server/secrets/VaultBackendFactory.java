package dev.av.server.secrets;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.secrets.Sealer;
import dev.av.secrets.lease.LeaseManager;
import dev.av.secrets.vault.VaultEngine;
import dev.av.server.ServerConfig;
import dev.av.server.logical.Backend;
import dev.av.server.logical.BackendFactory;
import dev.av.server.logical.MountEntry;
import jakarta.inject.Singleton;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Mount type {@code vault}: an upstream HashiCorp Vault through spring-vault. The upstream connection
 * (address, TLS, credentials) is written to {@code <mount>/config}, where it is sealed; it never goes
 * into the mount table's plain options. Cached upstream leases are kept alive every
 * {@code av.secrets.vault-upkeep} (default 5s).
 */
@Singleton
public class VaultBackendFactory implements BackendFactory {

    private final DataSource dataSource;
    private final Sealer sealer;
    private final LeaseManager leases;
    private final UpstreamAudit events;
    private final Duration upkeep;

    public VaultBackendFactory(DataSource dataSource, Sealer sealer, LeaseManager leases, UpstreamAudit events,
                               ServerConfig config) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.leases = leases;
        this.events = events;
        Object v = config.properties().get("av.secrets.vault-upkeep");
        this.upkeep = v == null ? Duration.ofSeconds(5) : Durations.parse("av.secrets.vault-upkeep", v);
    }

    @Override
    public String type() {
        return VaultEngine.TYPE;
    }

    @Override
    public Backend create(MountEntry mount) {
        VaultEngine engine = engine(mount);
        engine.start(upkeep);
        return new EngineBackend(engine);
    }

    private VaultEngine engine(MountEntry mount) {
        return new VaultEngine(SecretsFactory.leasePrefix(mount), mount.uuid(), dataSource, sealer, leases, events);
    }

    /** Revokes the mount's leases (upstream too) before it is disabled; fails while some cannot be revoked. */
    @Override
    public void destroy(MountEntry mount) {
        VaultEngine engine = engine(mount);
        try {
            int pending = leases.revokeMount(SecretsFactory.leasePrefix(mount));
            if (pending > 0) {
                throw new AvException(AvException.Kind.UNAVAILABLE, "failed to revoke " + pending
                        + " lease(s) of this mount upstream; it stays enabled, try again when the upstream is reachable");
            }
            engine.purge();
        } finally {
            engine.close();
        }
    }
}
