package dev.av.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.av.core.AvException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The API's JSON: strict reading (one object, no duplicates, no trailing tokens), plain writing. */
public final class Json {

    /**
     * Jackson's buffers are shared between threads: its default per-thread pool never reuses them on
     * virtual threads (one per request), so every request allocated fresh ones.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(16 * 1024 * 1024).build());
    }

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses a request body: empty → {}, otherwise it must be one JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] body) {
        if (body == null || body.length == 0 || isBlank(body)) {
            return new LinkedHashMap<>();
        }
        Object v;
        try {
            v = MAPPER.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            throw AvException.badRequest("failed to parse JSON input: " + shortReason(e));
        } catch (IOException e) {
            throw AvException.badRequest("failed to read request body");
        }
        if (!(v instanceof Map)) {
            throw AvException.badRequest("failed to parse JSON input: the body must be a JSON object");
        }
        return (Map<String, Object>) v;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new AvException(AvException.Kind.INTERNAL, "failed to render response", null);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String shortReason(JsonProcessingException e) {
        // Jackson's original message names the problem without echoing the input text.
        String m = e.getOriginalMessage();
        if (m == null) {
            return "malformed JSON";
        }
        m = m.lines().findFirst().orElse("malformed JSON");
        int quote = m.indexOf('\'');
        if (quote >= 0) {
            m = m.substring(0, quote).trim();
        }
        return m.length() > 120 ? m.substring(0, 120) : m;
    }
}
