package dev.av.registry.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** JSON text for the list and map columns. */
final class Json {

    /**
     * Shares Jackson's buffers between threads: the default pool keeps them per thread, which never
     * reuses anything on the server's virtual threads (one per request) and showed up as a quarter of
     * the allocation of issuing an ephemeral token.
     */
    static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool()).build());

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
