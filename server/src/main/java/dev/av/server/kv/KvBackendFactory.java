package dev.av.server.kv;

import dev.av.core.AvException;
import dev.av.registry.keyring.Barrier;
import dev.av.secrets.Sealer;
import dev.av.secrets.kv.KvEngine;
import dev.av.secrets.kv.KvStore;
import dev.av.server.logical.Backend;
import dev.av.server.logical.BackendFactory;
import dev.av.server.logical.MountEntry;
import dev.av.server.secrets.BarrierSealer;
import jakarta.inject.Singleton;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * Mount type {@code kv}: Vault's KV version 2 (option {@code version=2}, the default). KV version 1
 * is not offered; asking for it is refused with a clear message. A mount's rows are keyed by its
 * uuid, and disabling the mount deletes them.
 */
@Singleton
public final class KvBackendFactory implements BackendFactory {

    private final DataSource dataSource;
    private final Sealer sealer;
    private final Clock clock;

    public KvBackendFactory(DataSource dataSource, Barrier barrier, Clock clock) {
        this.dataSource = dataSource;
        this.sealer = new BarrierSealer(barrier);
        this.clock = clock;
    }

    @Override
    public String type() {
        return "kv";
    }

    @Override
    public Backend create(MountEntry mount) {
        checkVersion(mount);
        return new KvBackend(new KvEngine(store(mount)));
    }

    @Override
    public void destroy(MountEntry mount) {
        store(mount).deleteAll();
    }

    private KvStore store(MountEntry mount) {
        return new KvStore(dataSource, sealer, mount.uuid(), clock);
    }

    static void checkVersion(MountEntry mount) {
        String version = mount.options().getOrDefault("version", "2");
        if (!version.equals("2")) {
            throw AvException.badRequest("kv mounts support only version 2 (Vault's versioned KV); "
                    + "got version \"" + (version.length() > 10 ? version.substring(0, 10) : version) + "\"");
        }
    }
}
