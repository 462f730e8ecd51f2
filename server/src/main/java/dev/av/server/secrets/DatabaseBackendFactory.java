package dev.av.server.secrets;

import dev.av.core.AvException;
import dev.av.secrets.Sealer;
import dev.av.secrets.database.DatabaseEngine;
import dev.av.secrets.lease.LeaseManager;
import dev.av.server.logical.Backend;
import dev.av.server.logical.BackendFactory;
import dev.av.server.logical.MountEntry;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** Mount type {@code database}: PostgreSQL dynamic credentials with Vault's database engine API. */
@Singleton
public class DatabaseBackendFactory implements BackendFactory {

    private final DataSource dataSource;
    private final Sealer sealer;
    private final LeaseManager leases;

    public DatabaseBackendFactory(DataSource dataSource, Sealer sealer, LeaseManager leases) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.leases = leases;
    }

    @Override
    public String type() {
        return DatabaseEngine.TYPE;
    }

    @Override
    public Backend create(MountEntry mount) {
        return new EngineBackend(engine(mount));
    }

    private DatabaseEngine engine(MountEntry mount) {
        return new DatabaseEngine(SecretsFactory.leasePrefix(mount), mount.uuid(), dataSource, sealer, leases,
                SecretsFactory.seconds(mount, "default_lease_ttl"), SecretsFactory.seconds(mount, "max_lease_ttl"));
    }

    /** Disabling the mount revokes its leases first; it fails (and the mount stays) while some cannot be revoked. */
    @Override
    public void destroy(MountEntry mount) {
        DatabaseEngine engine = engine(mount);
        int pending = leases.revokeMount(SecretsFactory.leasePrefix(mount));
        if (pending > 0) {
            throw new AvException(AvException.Kind.UNAVAILABLE, "failed to revoke " + pending
                    + " lease(s) of this mount; it stays enabled, try again when its database is reachable");
        }
        engine.purge();
        engine.close();
    }
}
