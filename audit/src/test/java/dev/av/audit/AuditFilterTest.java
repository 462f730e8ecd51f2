package dev.av.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditFilterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "decision == deny                                   | ci-bot | false | true",
            "decision == deny                                   | ci-bot | true  | false",
            "agent == \"ci-bot\" and decision == deny           | ci-bot | false | true",
            "agent == \"ci-bot\" and decision == deny           | other  | false | false",
            "agent == other or decision == allow                | ci-bot | true  | true",
            "not (agent == ci-bot)                              | ci-bot | true  | false",
            "path matches \"secret/data/*\"                     | x      | true  | true",
            "path matches \"proxy/*\"                           | x      | true  | false",
            "type == request and mount_type != database         | x      | true  | true",
    })
    void filtersSelectEntries(String filter, String agent, boolean allowed, boolean expected) {
        assertThat(AuditFilter.parse(filter).test(Devices.request(agent, allowed))).isEqualTo(expected);
    }

    @Test
    void badFiltersAreBadRequests() {
        assertThatThrownBy(() -> AuditFilter.parse("colour == red")).isInstanceOf(AvException.class)
                .hasMessageContaining("unknown field \"colour\"");
        assertThatThrownBy(() -> AuditFilter.parse("agent ==")).hasMessageContaining("expected a value");
        assertThatThrownBy(() -> AuditFilter.parse("(agent == x")).hasMessageContaining("missing \")\"");
        assertThatThrownBy(() -> AuditFilter.parse("agent == \"x")).hasMessageContaining("unterminated");
    }
}
