package dev.av.registry.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The exact paths and capabilities an ephemeral token may use, as stored in the token's
 * {@code restrictions} field: {@code {"paths":{"secret/data/app":["read"]}}}. Parsed forms are cached.
 */
public final class Restrictions {

    private static final int CACHE_LIMIT = 50_000;
    private static final Map<String, Map<String, Set<String>>> PARSED = new ConcurrentHashMap<>();

    private Restrictions() {
    }

    public static String toJson(Map<String, List<String>> paths) {
        return Json.write(Map.of("paths", new TreeMap<>(paths)));
    }

    /** Whether the restrictions text permits {@code capability} on exactly {@code path}. Unparseable text permits nothing. */
    public static boolean permits(String json, String path, String capability) {
        Set<String> caps = parse(json).get(path);
        return caps != null && caps.contains(capability);
    }

    public static Map<String, Set<String>> parse(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        Map<String, Set<String>> hit = PARSED.get(json);
        if (hit != null) {
            return hit;
        }
        Map<String, Set<String>> parsed;
        try {
            Map<String, Map<String, List<String>>> raw = Json.MAPPER.readValue(json, new TypeReference<>() { });
            Map<String, List<String>> paths = raw.getOrDefault("paths", Map.of());
            parsed = paths.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
        } catch (JsonProcessingException | RuntimeException e) {
            parsed = Map.of();
        }
        if (PARSED.size() >= CACHE_LIMIT) {
            PARSED.clear();
        }
        PARSED.put(json, parsed);
        return parsed;
    }
}
