package dev.av.registry.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** JSON text for the list and map columns. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode registry column", e);
        }
    }

    static List<String> list(String text) {
        try {
            return text == null || text.isEmpty() ? List.of() : MAPPER.readValue(text, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt registry list column", e);
        }
    }

    static Map<String, String> map(String text) {
        try {
            return text == null || text.isEmpty() ? Map.of() : MAPPER.readValue(text, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt registry map column", e);
        }
    }
}
