package dev.av.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.av.core.AvException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the engines store: KV values and custom metadata, lease internals, role statements.
 * Errors never quote the input and carry no cause (Jackson's messages quote the bytes they read,
 * which may be a secret).
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() { };

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new AvException(AvException.Kind.BAD_REQUEST, "value cannot be stored as JSON", null);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new AvException(AvException.Kind.BAD_REQUEST, "value cannot be stored as JSON", null);
        }
    }

    /** A stored JSON object, keys in their stored order. */
    public static Map<String, Object> readMap(byte[] json) {
        try {
            return MAPPER.readValue(json, OBJECT);
        } catch (IOException e) {
            throw corrupt("stored JSON object");
        }
    }

    /** A stored JSON object of strings, keys in their stored order; null stays null. */
    public static Map<String, String> readStringMap(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, STRING_MAP);
        } catch (IOException e) {
            throw corrupt("stored JSON object of strings");
        }
    }

    /** A stored JSON array of strings; null or empty reads as the empty list. */
    public static List<String> readStrings(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        try {
            return MAPPER.readValue(json, STRING_LIST);
        } catch (IOException e) {
            throw corrupt("stored JSON list of strings");
        }
    }

    private static AvException corrupt(String what) {
        return new AvException(AvException.Kind.INTERNAL, what + " is not valid JSON", null);
    }
}
