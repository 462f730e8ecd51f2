package dev.av.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.proxy.ProblemException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormaliserTest {

    @ParameterizedTest
    @CsvSource({
        "/api/../admin, /admin",
        "/api/./v1, /api/v1",
        "/api//v1/, /api/v1/",
        "/a/b/.., /a/",
        "/, /",
        "/%61dmin, /admin",
        "/a%20b, /a%20b",
        "/a%3fb, /a%3Fb",
        "/x?y=1/../2, /x",
    })
    void pathsAreNormalisedBeforeMatching(String raw, String expected) {
        assertThat(PathNormaliser.normalise(raw).path()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/a/../..", "/api%2F..%2Fadmin", "/api/%2e%2e/admin", "/a%5cb", "/a\\b", "/a%00", "/a%zz",
        "/a%2", "relative", "/a b", "/a#frag", "/é"})
    void ambiguousTargetsAreRefused(String raw) {
        assertThatThrownBy(() -> PathNormaliser.normalise(raw)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().code()).isEqualTo("bad_path"));
    }

    @ParameterizedTest
    @CsvSource({"/x?a=1&b=2, a=1&b=2", "/x?, ''"})
    void theQueryIsKeptAsSent(String raw, String query) {
        assertThat(PathNormaliser.normalise(raw).query()).isEqualTo(query);
    }
}
