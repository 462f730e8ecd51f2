package dev.av.server.secrets;

import dev.av.core.Durations;
import dev.av.registry.keyring.Barrier;
import dev.av.registry.token.TokenStore;
import dev.av.secrets.Sealer;
import dev.av.secrets.lease.LeaseManager;
import dev.av.server.ServerConfig;
import dev.av.server.logical.MountEntry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import dev.av.server.mount.MountTable;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles leases for all secret engines: one {@link LeaseManager} over av's database, sealing through
 * the barrier, tied to token revocation (a lease dies with the token or {@code av run} session that
 * created it) and expiring in the background every {@code av.secrets.lease-tick} (default 5s).
 */
@Factory
public class SecretsFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SecretsFactory.class);

    @Singleton
    Sealer sealer(Barrier barrier) {
        return new BarrierSealer(barrier);
    }

    @Singleton
    @Bean(preDestroy = "close")
    LeaseManager leaseManager(DataSource ds, Sealer sealer, Clock clock, TokenStore tokens, ServerConfig config,
                              Provider<MountTable> mounts) {
        LeaseManager leases = new LeaseManager(ds, sealer, clock);
        // after a restart, engines are created lazily; a due lease creates its mount's engine
        leases.setMountLoader(mount -> mounts.get().get(mount + "/").ifPresent(e -> mounts.get().backend(e)));
        tokens.addRevocationListener(entry -> {
            int n = leases.revokeOwner(entry.id());
            if (n > 0) {
                LOG.info("revoked {} lease(s) of token {}", n, entry.accessor());
            }
        });
        Object tick = config.properties().get("av.secrets.lease-tick");
        leases.start(tick == null ? Duration.ofSeconds(5) : Durations.parse("av.secrets.lease-tick", tick));
        return leases;
    }

    /** The mount path as lease ids carry it: {@code database/} becomes {@code database}. */
    static String leasePrefix(MountEntry mount) {
        String p = mount.path();
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    static Duration seconds(MountEntry mount, String key) {
        Object v = mount.config().get(key);
        if (v == null) {
            return Duration.ZERO;
        }
        return Durations.parse(key, v);
    }
}
