package dev.av.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void bareIntegersAreSeconds() {
        assertThat(Durations.parse("ttl", "300")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("ttl", 60)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void unitsCombineLikeGoDurations() {
        assertThat(Durations.parse("ttl", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("ttl", "10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("ttl", "2d")).isEqualTo(Duration.ofHours(48));
        assertThat(Durations.parse("ttl", "1.5s")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void garbageIsRejectedNamingTheField() {
        assertThatThrownBy(() -> Durations.parse("max_ttl", "ten minutes"))
                .isInstanceOf(AvException.class)
                .hasMessageContaining("max_ttl");
        assertThatThrownBy(() -> Durations.parse("ttl", "5x")).isInstanceOf(AvException.class);
    }

    @Test
    void formatReadsLikeVault() {
        assertThat(Durations.format(Duration.ofHours(768))).isEqualTo("768h");
        assertThat(Durations.format(Duration.ofSeconds(5405))).isEqualTo("1h30m5s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
