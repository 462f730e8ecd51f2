package dev.av.secrets.kv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.core.AvException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON for stored values and custom metadata. Errors never quote the (secret) input. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() { };

    private Json() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new AvException(AvException.Kind.BAD_REQUEST, "value cannot be stored as JSON", null);
        }
    }

    static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new AvException(AvException.Kind.BAD_REQUEST, "value cannot be stored as JSON", null);
        }
    }

    static Map<String, Object> readObject(byte[] json) {
        try {
            return MAPPER.readValue(json, OBJECT);
        } catch (IOException e) {
            throw new AvException(AvException.Kind.INTERNAL, "stored secret is not valid JSON", null);
        }
    }

    static Map<String, String> readStrings(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, STRINGS);
        } catch (IOException e) {
            throw new AvException(AvException.Kind.INTERNAL, "stored custom_metadata is not valid JSON", null);
        }
    }
}
