package dev.av.secrets.kv;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON Merge Patch (RFC 7386) over maps, as Vault's KV v2 PATCH applies it. */
final class MergePatch {

    private MergePatch() {
    }

    /** Returns a new map: {@code patch} applied to {@code target}; neither argument is changed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> apply(Map<String, Object> target, Map<String, Object> patch) {
        Map<String, Object> result = new LinkedHashMap<>(target);
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Object value = e.getValue();
            if (value == null) {
                result.remove(e.getKey());
            } else if (value instanceof Map<?, ?> patchChild) {
                Object existing = result.get(e.getKey());
                Map<String, Object> base = existing instanceof Map<?, ?> m
                        ? (Map<String, Object>) m : Map.of();
                result.put(e.getKey(), apply(base, (Map<String, Object>) patchChild));
            } else {
                result.put(e.getKey(), value);
            }
        }
        return result;
    }
}
