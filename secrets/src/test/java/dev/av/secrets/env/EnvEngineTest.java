package dev.av.secrets.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import dev.av.secrets.EngineRequest;
import dev.av.secrets.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvEngineTest {

    @TempDir
    Path dir;

    @Test
    void readsKeysListsThemAndRefusesWrites() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, "export GITHUB_TOKEN=ghp_abc\nDB_URL='postgres://x'\n");
        EnvEngine engine = new EnvEngine(file);
        assertThat(engine.handle(EngineRequest.of(Operation.READ, "GITHUB_TOKEN", Map.of(), null)).data())
                .isEqualTo(Map.of("value", "ghp_abc"));
        assertThat(engine.handle(EngineRequest.of(Operation.LIST, "", Map.of(), null)).data())
                .isEqualTo(Map.of("keys", List.of("GITHUB_TOKEN", "DB_URL")));
        assertThat(engine.handle(EngineRequest.of(Operation.READ, "", Map.of(), null)).data())
                .containsEntry("DB_URL", "postgres://x");
        assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.READ, "MISSING", Map.of(), null)))
                .isInstanceOf(AvException.class).extracting(e -> ((AvException) e).kind()).isEqualTo(AvException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> engine.handle(EngineRequest.of(Operation.UPDATE, "X", Map.of("value", "1"), null)))
                .isInstanceOf(AvException.class).hasMessage("the env engine is read-only");
    }

    @Test
    void aChangedFileIsReadAgain() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, "A=1\n");
        EnvEngine engine = new EnvEngine(file);
        assertThat(engine.handle(EngineRequest.of(Operation.READ, "A", Map.of(), null)).data()).containsEntry("value", "1");
        Files.writeString(file, "A=22\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(engine.handle(EngineRequest.of(Operation.READ, "A", Map.of(), null)).data()).containsEntry("value", "22");
    }

    @Test
    void aMissingFileFailsTheMountClearly() {
        assertThatThrownBy(() -> new EnvEngine(dir.resolve("nope.env")))
                .isInstanceOf(AvException.class).hasMessageContaining("cannot read env file");
    }
}
