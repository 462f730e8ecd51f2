package dev.av.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesEveryValueTypeKeepingKeyOrder() {
        Object v = Json.parse(" {\"b\":1,\"a\":[true,false,null,\"x\",-2.5e1,0],\"c\":{}} ");
        assertThat(v).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("b", "a", "c");
        assertThat(m.get("b")).isEqualTo(1L);
        assertThat(new java.util.ArrayList<Object>((List<?>) m.get("a"))).containsExactly(true, false, null, "x", -25.0, 0L);
        assertThat((Map<?, ?>) m.get("c")).isEmpty();
    }

    @Test
    void decodesEscapesIncludingSurrogatePairs() {
        assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\"")).isEqualTo("a\"b\\c/d\n\té😀");
    }

    @Test
    void bigNumbersKeepTheirValue() {
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("92233720368547758070")).isEqualTo(new BigInteger("92233720368547758070"));
        assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parse("1e400")).isEqualTo(new BigDecimal("1e400"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", ".5", "-", "+1", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12g4\"", "[1 2]", "{\"a\" 1}", "{1:2}", "1 2", "// c\n1", "NaN", "\"a\u0001\"",
        "{\"a\":1,\"a\":2}"})
    void refusesWhatRfc8259Refuses(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(JsonException.class)
                .hasMessageStartingWith("invalid JSON at line");
    }

    @Test
    void errorsSayWhereButNeverQuoteTheInput() {
        String body = "{\n  \"password\": \"hunter2-secret\",\n  \"x\": hunter2-secret\n}";
        assertThatThrownBy(() -> Json.parse(body))
                .isInstanceOfSatisfying(JsonException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(8);
                })
                .message().doesNotContain("hunter2");
    }

    @Test
    void deepNestingIsRefusedInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class).hasMessageContaining("nesting");
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(ok)).isInstanceOf(List.class);
    }

    @Test
    void parseObjectRefusesOtherTopLevelValues() {
        assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("expected a JSON object but got array");
    }

    @Test
    void writesCompactAndEscaped() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"\\\n\u0001é");
        m.put("n", List.of(1, 2.5, 3L, new BigDecimal("1.10")));
        m.put("b", true);
        m.put("z", null);
        m.put("e", Thread.State.NEW);
        m.put("arr", new int[] {1, 2});
        assertThat(Json.write(m)).isEqualTo(
                "{\"s\":\"q\\\"\\\\\\n\\u0001é\",\"n\":[1,2.5,3,1.10],\"b\":true,\"z\":null,\"e\":\"NEW\",\"arr\":[1,2]}");
    }

    @Test
    void writesPrettyLikeVault() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", Map.of("b", List.of(1)));
        m.put("c", List.of());
        assertThat(Json.writePretty(m)).isEqualTo("{\n  \"a\": {\n    \"b\": [\n      1\n    ]\n  },\n  \"c\": []\n}");
    }

    @Test
    void refusesValuesJsonCannotHold() {
        assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomDocumentsSurviveARoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            Object doc = randomValue(random, 0);
            String text = random.nextBoolean() ? Json.write(doc) : Json.writePretty(doc);
            assertThat(Json.parse(text)).isEqualTo(doc);
        }
    }

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextLong();
            case 3 -> r.nextInt(1000) / 8.0 + 0.5;
            case 4 -> randomString(r);
            case 5 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put(randomString(r), randomValue(r, depth + 1));
                }
                yield m;
            }
            default -> {
                List<Object> l = new java.util.ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                yield l;
            }
        };
    }

    private static String randomString(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            int pick = r.nextInt(10);
            b.append(switch (pick) {
                case 0 -> '"';
                case 1 -> '\\';
                case 2 -> (char) r.nextInt(0x20);
                case 3 -> 'é';
                case 4 -> '\u2028';
                default -> (char) ('a' + r.nextInt(26));
            });
        }
        return b.toString();
    }
}
