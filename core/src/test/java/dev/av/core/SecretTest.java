package dev.av.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void toStringNeverShowsTheValue() {
        Secret s = Secret.of("hunter2-very-secret");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(String.valueOf(s)).isEqualTo("Secret[redacted]");
    }

    @Test
    void matchesComparesTheWholeValue() {
        Secret s = Secret.of("abc123");
        assertThat(s.matches("abc123")).isTrue();
        assertThat(s.matches("abc12")).isFalse();
        assertThat(s.matches(null)).isFalse();
        assertThat(s).isEqualTo(Secret.of("abc123")).isNotEqualTo(Secret.of("abc124"));
    }
}
