package dev.av.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.registry.storage.StorageSettings;
import dev.av.secrets.lease.LeaseManager;
import dev.av.server.Api;
import dev.av.server.AvServer;
import dev.av.server.ServerConfig;
import dev.av.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases survive a restart of av: an expired lease is revoked by the restarted server before anyone uses its mount. */
class LeaseRestartTest {

    @TempDir
    Path dir;

    private AvServer start(MutableClock clock, String unsealKey) {
        return AvServer.start(ServerConfig.builder().dev(true).devRootTokenId("root").listenAddress("127.0.0.1:0")
                .storage(StorageSettings.h2Files(dir)).unsealKey(unsealKey).clock(clock)
                .properties(Map.of("av.secrets.lease-tick", "1h")).build());
    }

    @Test
    void anExpiredLeaseIsRevokedAfterARestartWithoutTouchingItsMount() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Api.Res creds;
        String key;
        try (AvServer first = start(clock, null)) {
            key = first.unsealKey();
            Api api = new Api(first.apiAddress(), first.rootToken());
            DatabaseMountTest.enableDatabase(api, "database");
            creds = api.get("database/creds/ro");
            assertThat(creds.status()).as(creds.toString()).isEqualTo(200);
        }
        DatabaseMountTest.login(creds).close(); // av is down; the login still works
        clock.advance(Duration.ofHours(3));
        try (AvServer second = start(clock, key)) {
            assertThat(second.bean(LeaseManager.class).tick()).isEqualTo(1);
            DatabaseMountTest.assertRefused(creds);
        }
    }
}
