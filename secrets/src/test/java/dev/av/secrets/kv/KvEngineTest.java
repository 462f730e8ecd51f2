package dev.av.secrets.kv;

import static dev.av.secrets.kv.KvOperation.CREATE;
import static dev.av.secrets.kv.KvOperation.DELETE;
import static dev.av.secrets.kv.KvOperation.LIST;
import static dev.av.secrets.kv.KvOperation.PATCH;
import static dev.av.secrets.kv.KvOperation.READ;
import static dev.av.secrets.kv.KvOperation.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KvEngineTest {

    private static Map<String, Object> body(Map<String, Object> data) {
        return Map.of("data", data);
    }

    private static Map<String, Object> body(Map<String, Object> data, long cas) {
        return Map.of("data", data, "options", Map.of("cas", cas));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> meta(KvResponse r) {
        return (Map<String, Object>) r.data().get("metadata");
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void writeThenReadReturnsTheDataAndVaultsVersionMetadata(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            KvResponse written = kv.call(CREATE, "data/app/db", body(Map.of("password", "s3cret", "port", 5432)));
            assertThat(written.status()).isEqualTo(200);
            assertThat(written.data()).containsEntry("version", 1L).containsEntry("destroyed", false)
                    .containsEntry("deletion_time", "").containsEntry("custom_metadata", null)
                    .containsEntry("created_time", "2026-01-02T03:04:05.123456Z");

            KvResponse read = kv.call(READ, "data/app/db", null);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.data().get("data")).isEqualTo(Map.of("password", "s3cret", "port", 5432));
            assertThat(meta(read)).containsEntry("version", 1L).containsEntry("destroyed", false)
                    .containsEntry("deletion_time", "").containsKey("custom_metadata");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void eachWriteAddsAVersionAndOlderVersionsStayReadable(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            kv.call(UPDATE, "data/a", body(Map.of("v", "one")));
            kv.call(UPDATE, "data/a", body(Map.of("v", "two")));
            assertThat(kv.call(READ, "data/a", null).data().get("data")).isEqualTo(Map.of("v", "two"));
            KvResponse first = kv.call(READ, "data/a", Map.of("version", "1"));
            assertThat(first.data().get("data")).isEqualTo(Map.of("v", "one"));
            assertThat(meta(first)).containsEntry("version", 1L);
            assertThat(kv.call(READ, "data/a", Map.of("version", 7)).status()).isEqualTo(404);
            assertThat(kv.call(READ, "data/missing", null)).isEqualTo(KvResponse.NOT_FOUND);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void checkAndSetRefusesMismatchesWithVaultsMessagesAndChangesNothing(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            assertThat(kv.call(UPDATE, "data/c", body(Map.of("v", 1), 0)).data()).containsEntry("version", 1L);
            assertThatThrownBy(() -> kv.call(UPDATE, "data/c", body(Map.of("v", 2), 0)))
                    .isInstanceOf(AvException.class)
                    .hasMessage("check-and-set parameter did not match the current version")
                    .extracting(e -> ((AvException) e).kind()).isEqualTo(AvException.Kind.BAD_REQUEST);
            assertThat(kv.call(UPDATE, "data/c", body(Map.of("v", 2), 1)).data()).containsEntry("version", 2L);
            assertThatThrownBy(() -> kv.call(UPDATE, "data/new", body(Map.of("v", 2), 3)))
                    .hasMessage("check-and-set parameter did not match the current version");
            assertThat(kv.call(READ, "metadata/new", null).status()).as("a refused write creates nothing").isEqualTo(404);

            kv.call(UPDATE, "metadata/c", Map.of("cas_required", true));
            assertThatThrownBy(() -> kv.call(UPDATE, "data/c", body(Map.of("v", 3))))
                    .hasMessage("check-and-set parameter required for this call");
            kv.call(UPDATE, "config", Map.of("cas_required", "true"));
            assertThatThrownBy(() -> kv.call(UPDATE, "data/other", body(Map.of("v", 3))))
                    .hasMessage("check-and-set parameter required for this call");
            assertThat(kv.call(READ, "data/c", null).data().get("data")).isEqualTo(Map.of("v", 2));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void patchMergesIntoTheCurrentVersionAndNeedsAnExistingLiveSecret(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            assertThat(kv.call(PATCH, "data/p", body(Map.of("a", "1")))).isEqualTo(KvResponse.NOT_FOUND);
            kv.call(UPDATE, "data/p", body(Map.of("a", "1", "b", "2", "nested", Map.of("x", "1", "y", "2"))));
            Map<String, Object> patch = new HashMap<>();
            patch.put("b", null);
            patch.put("c", "3");
            patch.put("nested", Map.of("y", "22"));
            assertThat(kv.call(PATCH, "data/p", body(patch)).data()).containsEntry("version", 2L);
            assertThat(kv.call(READ, "data/p", null).data().get("data"))
                    .isEqualTo(Map.of("a", "1", "c", "3", "nested", Map.of("x", "1", "y", "22")));
            assertThatThrownBy(() -> kv.call(PATCH, "data/p", body(Map.of("a", "2"), 1)))
                    .hasMessage("check-and-set parameter did not match the current version");
            kv.call(DELETE, "data/p", null);
            assertThat(kv.call(PATCH, "data/p", body(Map.of("a", "2")))).isEqualTo(KvResponse.NOT_FOUND);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void deletedAndDestroyedVersionsAnswer404WithTheirMetadataAsVaultDoes(TestDatabase.Kind kind) throws Exception {
        try (KvFixture kv = new KvFixture(kind)) {
            kv.call(UPDATE, "data/d", body(Map.of("v", "1")));
            kv.call(UPDATE, "data/d", body(Map.of("v", "2")));
            kv.clock.advance(Duration.ofSeconds(5));
            assertThat(kv.call(DELETE, "data/d", null)).isEqualTo(KvResponse.NO_CONTENT);
            KvResponse deleted = kv.call(READ, "data/d", null);
            assertThat(deleted.status()).isEqualTo(404);
            assertThat(deleted.data()).containsEntry("data", null);
            assertThat(meta(deleted)).containsEntry("version", 2L).containsEntry("destroyed", false)
                    .containsEntry("deletion_time", "2026-01-02T03:04:10.123456Z");

            assertThat(kv.call(UPDATE, "undelete/d", Map.of("versions", List.of(2)))).isEqualTo(KvResponse.NO_CONTENT);
            assertThat(kv.call(READ, "data/d", null).data().get("data")).isEqualTo(Map.of("v", "2"));

            kv.call(UPDATE, "delete/d", Map.of("versions", "1,2"));
            assertThat(kv.call(READ, "data/d", Map.of("version", 1)).status()).isEqualTo(404);
            kv.call(UPDATE, "destroy/d", Map.of("versions", List.of(1)));
            kv.call(UPDATE, "undelete/d", Map.of("versions", List.of(1, 2)));
            KvResponse destroyed = kv.call(READ, "data/d", Map.of("version", 1));
            assertThat(destroyed.status()).isEqualTo(404);
            assertThat(meta(destroyed)).containsEntry("destroyed", true);
            assertThat(kv.call(READ, "data/d", null).data().get("data")).isEqualTo(Map.of("v", "2"));
            try (Connection c = kv.db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT sealed_value FROM kv_versions WHERE mount = ? AND path = 'd' AND version = 1")) {
                ps.setString(1, kv.mount);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).as("destroy removes the data itself").isNull();
                }
            }
            assertThatThrownBy(() -> kv.call(UPDATE, "destroy/d", Map.of()))
                    .hasMessage("no version number provided");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void metadataShowsEveryKeptVersionAndMaxVersionsPrunesTheOldest(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            kv.call(UPDATE, "metadata/m", Map.of("max_versions", 2, "custom_metadata", Map.of("owner", "team-a"),
                    "delete_version_after", "1h"));
            for (int i = 1; i <= 3; i++) {
                kv.call(UPDATE, "data/m", body(Map.of("v", i)));
            }
            KvResponse m = kv.call(READ, "metadata/m", null);
            assertThat(m.status()).isEqualTo(200);
            assertThat(m.data()).containsEntry("current_version", 3L).containsEntry("oldest_version", 2L)
                    .containsEntry("created_time", "2026-01-02T03:04:05.123456Z")
                    .containsEntry("max_versions", 2).containsEntry("cas_required", false)
                    .containsEntry("delete_version_after", "1h0m0s")
                    .containsEntry("custom_metadata", Map.of("owner", "team-a"));
            @SuppressWarnings("unchecked")
            Map<String, Object> versions = (Map<String, Object>) m.data().get("versions");
            assertThat(versions).containsOnlyKeys("2", "3");
            assertThat(versions.get("3")).isEqualTo(Map.of("created_time", "2026-01-02T03:04:05.123456Z",
                    "deletion_time", "2026-01-02T04:04:05.123456Z", "destroyed", false));
            assertThat(kv.call(READ, "data/m", Map.of("version", 1)).status()).isEqualTo(404);
            assertThat(meta(kv.call(READ, "data/m", null))).containsEntry("custom_metadata", Map.of("owner", "team-a"));

            kv.clock.advance(Duration.ofHours(2));
            assertThat(kv.call(READ, "data/m", null).status()).as("delete_version_after has passed").isEqualTo(404);

            Map<String, Object> patch = new HashMap<>();
            patch.put("custom_metadata", Map.of("env", "prod"));
            kv.call(PATCH, "metadata/m", patch);
            assertThat(kv.call(READ, "metadata/m", null).data())
                    .containsEntry("custom_metadata", Map.of("owner", "team-a", "env", "prod"))
                    .containsEntry("max_versions", 2);
            assertThat(kv.call(PATCH, "metadata/none", patch)).isEqualTo(KvResponse.NOT_FOUND);

            assertThat(kv.call(DELETE, "metadata/m", null)).isEqualTo(KvResponse.NO_CONTENT);
            assertThat(kv.call(READ, "metadata/m", null)).isEqualTo(KvResponse.NOT_FOUND);
            assertThat(kv.call(READ, "data/m", null)).isEqualTo(KvResponse.NOT_FOUND);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    @SuppressWarnings("unchecked")
    void aNewSecretsCreatedTimeIsItsFirstVersionsCreatedTime(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            AtomicLong ticks = new AtomicLong();
            Clock ticking = new Clock() {
                @Override
                public Instant instant() {
                    return Instant.parse("2026-01-02T03:04:05Z").plusNanos(1000 * ticks.incrementAndGet());
                }

                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }
            };
            KvEngine engine = new KvEngine(kv.db.dataSource(), kv.sealer, kv.mount + "-ticking", ticking);
            engine.handle(UPDATE, "data/t", body(Map.of("v", "1")));
            Map<String, Object> meta = engine.handle(READ, "metadata/t", null).data();
            Object first = ((Map<String, Object>) ((Map<String, Object>) meta.get("versions")).get("1")).get("created_time");
            assertThat(meta.get("created_time")).isEqualTo(first);
            assertThat(meta.get("updated_time")).isEqualTo(first);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void listShowsImmediateChildrenWithFoldersEndingInSlash(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            for (String p : List.of("app/db", "app/api/key", "app/api/token", "top", "app_x", "a%b")) {
                kv.call(UPDATE, "data/" + p, body(Map.of("k", "v")));
            }
            assertThat(kv.call(LIST, "metadata/", null).data().get("keys"))
                    .isEqualTo(List.of("a%b", "app/", "app_x", "top"));
            assertThat(kv.call(LIST, "metadata/app", null).data().get("keys")).isEqualTo(List.of("api/", "db"));
            assertThat(kv.call(LIST, "metadata/app/api/", null).data().get("keys")).isEqualTo(List.of("key", "token"));
            assertThat(kv.call(LIST, "metadata/nothing/", null)).isEqualTo(KvResponse.NOT_FOUND);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void configReadsVaultsDefaultsAndMaxVersionsAppliesToEverySecret(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            assertThat(kv.call(READ, "config", null).data()).isEqualTo(
                    Map.of("cas_required", false, "delete_version_after", "0s", "max_versions", 0));
            kv.call(UPDATE, "config", Map.of("max_versions", 1, "delete_version_after", "90s"));
            assertThat(kv.call(READ, "config", null).data()).containsEntry("max_versions", 1)
                    .containsEntry("delete_version_after", "1m30s");
            kv.call(UPDATE, "data/x", body(Map.of("v", 1)));
            kv.call(UPDATE, "data/x", body(Map.of("v", 2)));
            @SuppressWarnings("unchecked")
            Map<String, Object> versions = (Map<String, Object>) kv.call(READ, "metadata/x", null).data().get("versions");
            assertThat(versions).containsOnlyKeys("2");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void badInputIsRefusedWithAClearMessageAndChangesNothing(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            kv.call(UPDATE, "data/b", body(Map.of("v", "1")));
            assertThatThrownBy(() -> kv.call(UPDATE, "data/b", Map.of())).hasMessage("no data provided");
            assertThatThrownBy(() -> kv.call(UPDATE, "data/b", Map.of("data", "text")))
                    .hasMessage("\"data\" must be a JSON object");
            assertThatThrownBy(() -> kv.call(READ, "data/b", Map.of("version", "x")))
                    .hasMessage("\"version\" must be a whole number");
            assertThatThrownBy(() -> kv.call(UPDATE, "metadata/b", Map.of("max_versions", -1)))
                    .isInstanceOf(AvException.class);
            assertThatThrownBy(() -> kv.call(UPDATE, "metadata/b", Map.of("delete_version_after", "soon")))
                    .isInstanceOf(AvException.class);
            assertThatThrownBy(() -> kv.call(UPDATE, "metadata/b", Map.of("custom_metadata", Map.of("k", "x".repeat(600)))))
                    .hasMessageContaining("at most 512");
            assertThatThrownBy(() -> kv.call(READ, "nope/b", null)).hasMessage("unsupported path");
            assertThatThrownBy(() -> kv.call(LIST, "data/b", null)).hasMessage("unsupported operation");
            assertThatThrownBy(() -> kv.call(UPDATE, "data/", body(Map.of("v", "1")))).hasMessage("missing secret path");
            assertThat(kv.call(READ, "metadata/b", null).data()).containsEntry("current_version", 1L)
                    .containsEntry("max_versions", 0).containsEntry("custom_metadata", null);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void subkeysShowTheShapeWithoutTheValues(TestDatabase.Kind kind) {
        try (KvFixture kv = new KvFixture(kind)) {
            kv.call(UPDATE, "data/s", body(Map.of("foo", "abc", "bar", Map.of("baz", "def"))));
            Map<String, Object> expected = new HashMap<>();
            expected.put("foo", null);
            Map<String, Object> bar = new HashMap<>();
            bar.put("baz", null);
            expected.put("bar", bar);
            assertThat(kv.call(READ, "subkeys/s", null).data().get("subkeys")).isEqualTo(expected);
        }
    }
}
