package dev.av.registry.agent;

import dev.av.core.AvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * An agent's request for a per-request token: the exact paths and capabilities it needs, an optional
 * TTL and number of uses, and optionally the user it acts for (and which delegation).
 */
public record EphemeralRequest(Map<String, List<String>> paths, Duration ttl, Integer numUses, String onBehalfOf,
                               String delegationId) {

    public static final int MAX_PATHS = 64;

    public EphemeralRequest {
        paths = Map.copyOf(paths);
    }

    /** Reads {@code {"paths":{"p":["read"]}, "ttl":"5m", "num_uses":1, "on_behalf_of":"alice"}}. */
    public static EphemeralRequest parse(Map<String, ?> data) {
        Fields.onlyKnown(data, "paths", "ttl", "num_uses", "on_behalf_of", "delegation");
        Object raw = data.get("paths");
        if (!(raw instanceof Map<?, ?> map) || map.isEmpty()) {
            throw AvException.badRequest("\"paths\" must be a map of path to capabilities, e.g. "
                    + "{\"paths\":{\"secret/data/app\":[\"read\"]}}");
        }
        if (map.size() > MAX_PATHS) {
            throw AvException.badRequest("at most " + MAX_PATHS + " paths per ephemeral token");
        }
        Map<String, List<String>> paths = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String path = Capabilities.normalizePath(String.valueOf(e.getKey()));
            LinkedHashSet<String> caps = new LinkedHashSet<>();
            Object v = e.getValue();
            Collection<?> items = v instanceof Collection<?> c ? c : v == null ? List.of() : List.of(v.toString().split(","));
            for (Object item : items) {
                caps.add(Capabilities.check(String.valueOf(item)));
            }
            if (caps.isEmpty()) {
                throw AvException.badRequest("path \"" + Names.shorten(path) + "\" names no capabilities");
            }
            paths.merge(path, new ArrayList<>(caps), (a, b) -> {
                LinkedHashSet<String> all = new LinkedHashSet<>(a);
                all.addAll(b);
                return new ArrayList<>(all);
            });
        }
        String obo = Fields.string(data, "on_behalf_of", null);
        if (obo != null && obo.isBlank()) {
            obo = null;
        }
        if (obo != null) {
            Names.check("user", obo);
        }
        String delegation = Fields.string(data, "delegation", null);
        if (delegation != null) {
            Names.checkId(delegation);
        }
        return new EphemeralRequest(paths, Fields.duration(data, "ttl"), Fields.integer(data, "num_uses"), obo, delegation);
    }
}
