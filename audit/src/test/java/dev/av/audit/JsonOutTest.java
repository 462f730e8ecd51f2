package dev.av.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonOutTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    private static final List<String> TRICKY = List.of("", "plain", "quote \" and backslash \\", "slash / stays",
            "new\nline\r\ttab\bback\fform", "\u0000\u0001\u001f\u007f", "é ü ß", "€ 中文", "emoji \uD83D\uDE00 pair",
            "\u2028\u2029", "a".repeat(5000) + "\"" + "b".repeat(3000));

    @Test
    void writesTheSameBytesAsJacksonForTrickyStringsAndNesting() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (int i = 0; i < TRICKY.size(); i++) {
            doc.put("k" + i + TRICKY.get(i), TRICKY.get(i));
        }
        doc.put("list", List.of(TRICKY, List.of(), Map.of()));
        doc.put("nested", Map.of("a", Map.of("b", List.of(1L, -2L, true, false))));
        doc.put("nothing", null);

        assertThat(new String(write(doc), StandardCharsets.UTF_8))
                .isEqualTo(JACKSON.writeValueAsString(doc));
    }

    @Test
    void randomStringsRoundTripThroughAJsonParser() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(4);
                sb.append(switch (pick) {
                    case 0 -> (char) random.nextInt(0x20);
                    case 1 -> (char) (0x20 + random.nextInt(0x60));
                    case 2 -> (char) (0x80 + random.nextInt(0xD800 - 0x80));
                    default -> new String(Character.toChars(0x10000 + random.nextInt(0xFFFF)));
                });
            }
            String s = sb.toString();
            JsonOut out = new JsonOut().reset().startArray().string(s).endArray();
            assertThat(JACKSON.readTree(out.toBytes()).get(0).asText()).isEqualTo(s);
            if (s.codePoints().allMatch(Character::isBmpCodePoint)) {
                assertThat(out.toBytes()).isEqualTo(JACKSON.writeValueAsBytes(List.of(s)));
            }
        }
    }

    @Test
    void aLoneSurrogateBecomesTheReplacementCharacter() throws Exception {
        JsonOut out = new JsonOut().reset().startObject().field("x", "a\uD800b").endObject();
        assertThat(JACKSON.readTree(out.toBytes()).get("x").asText()).isEqualTo("a\uFFFDb");
    }

    @Test
    void aReusedWriterStartsAfresh() {
        JsonOut out = new JsonOut();
        out.reset().startObject().field("first", 1).field("x", List.of().isEmpty()).endObject();
        out.reset().startObject().field("second", "y").endObject();
        assertThat(new String(out.toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"second\":\"y\"}");
    }

    private static byte[] write(Object v) {
        JsonOut out = new JsonOut().reset();
        value(out, v);
        return out.toBytes();
    }

    private static void value(JsonOut out, Object v) {
        if (v == null) {
            out.nullValue();
        } else if (v instanceof Map<?, ?> m) {
            out.startObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.field((String) e.getKey());
                value(out, e.getValue());
            }
            out.endObject();
        } else if (v instanceof List<?> l) {
            out.startArray();
            new ArrayList<>(l).forEach(x -> value(out, x));
            out.endArray();
        } else if (v instanceof Boolean b) {
            out.bool(b);
        } else if (v instanceof Long n) {
            out.number(n);
        } else {
            out.string((String) v);
        }
    }
}
