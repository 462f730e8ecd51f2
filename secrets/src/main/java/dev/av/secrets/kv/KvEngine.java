package dev.av.secrets.kv;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.secrets.Sealer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Vault's KV version 2 secrets engine for one mount: the paths {@code config}, {@code data/:path},
 * {@code metadata/:path}, {@code delete/:path}, {@code undelete/:path}, {@code destroy/:path} and
 * {@code subkeys/:path}, with Vault's request fields, response shapes, status codes and error
 * messages (see {@code docs/kv.md}). Paths are relative to the mount; the server has already
 * rejected {@code ..} and empty segments and authorized the request. Thread-safe.
 */
public final class KvEngine {

    static final int MAX_CUSTOM_METADATA_KEYS = 64;
    static final int MAX_CUSTOM_METADATA_KEY_LENGTH = 128;
    static final int MAX_CUSTOM_METADATA_VALUE_LENGTH = 512;

    private final KvStore store;

    public KvEngine(KvStore store) {
        this.store = store;
    }

    public KvEngine(DataSource dataSource, Sealer sealer, String mount, Clock clock) {
        this(new KvStore(dataSource, sealer, mount, clock));
    }

    public KvStore store() {
        return store;
    }

    /**
     * Handles one request. {@code data} holds the JSON body, or for reads the query parameters
     * (e.g. {@code version}); it may be null. Bad input throws {@link AvException} (400), and then
     * nothing was changed.
     */
    public KvResponse handle(KvOperation op, String path, Map<String, Object> data) {
        Map<String, Object> in = data == null ? Map.of() : data;
        String p = path == null ? "" : path;
        if (p.equals("config")) {
            return config(op, in);
        }
        int slash = p.indexOf('/');
        String head = slash < 0 ? p : p.substring(0, slash);
        String rest = slash < 0 ? "" : p.substring(slash + 1);
        return switch (head) {
            case "data" -> data(op, rest, in);
            case "metadata" -> metadata(op, rest, in);
            case "delete", "undelete", "destroy" -> versions(op, head, rest, in);
            case "subkeys" -> subkeys(op, rest, in);
            default -> throw AvException.notFound("unsupported path");
        };
    }

    // ---------------------------------------------------------------- config

    private KvResponse config(KvOperation op, Map<String, Object> in) {
        if (op == KvOperation.READ) {
            KvConfig c = store.config();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cas_required", c.casRequired());
            out.put("delete_version_after", GoDurations.format(c.deleteVersionAfter()));
            out.put("max_versions", c.maxVersions());
            return KvResponse.ok(out);
        }
        if (op.isWrite()) {
            store.writeConfig(optionalInt(in, "max_versions", 0), optionalBool(in, "cas_required"),
                    optionalDuration(in, "delete_version_after"));
            return KvResponse.NO_CONTENT;
        }
        throw unsupportedOperation();
    }

    // ---------------------------------------------------------------- data

    private KvResponse data(KvOperation op, String key, Map<String, Object> in) {
        requireKey(key);
        return switch (op) {
            case READ -> readData(key, in);
            case CREATE, UPDATE -> writeData(key, in, false);
            case PATCH -> writeData(key, in, true);
            case DELETE -> {
                store.deleteLatest(key);
                yield KvResponse.NO_CONTENT;
            }
            default -> throw unsupportedOperation();
        };
    }

    private KvResponse readData(String key, Map<String, Object> in) {
        Integer version = optionalInt(in, "version", 0);
        Optional<KvStore.VersionRead> read = store.read(key, version == null ? 0 : version);
        if (read.isEmpty()) {
            return KvResponse.NOT_FOUND;
        }
        KvStore.VersionRead r = read.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", r.data());
        out.put("metadata", versionMetadata(r.info(), r.customMetadata()));
        return new KvResponse(r.data() == null ? 404 : 200, out);
    }

    @SuppressWarnings("unchecked")
    private KvResponse writeData(String key, Map<String, Object> in, boolean patch) {
        Object raw = in.get("data");
        if (raw == null) {
            throw AvException.badRequest("no data provided");
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw AvException.badRequest("\"data\" must be a JSON object");
        }
        Map<String, Object> value = (Map<String, Object>) map;
        Long cas = null;
        Object options = in.get("options");
        if (options != null) {
            if (!(options instanceof Map<?, ?> opts)) {
                throw AvException.badRequest("\"options\" must be a JSON object");
            }
            Integer c = optionalInt((Map<String, Object>) opts, "cas", 0);
            cas = c == null ? null : c.longValue();
        }
        KvStore.Written written;
        try {
            written = patch
                    ? store.write(key, cas, null, current -> MergePatch.apply(current, value))
                    : store.write(key, cas, value, null);
        } catch (AvException e) {
            if (patch && e.kind() == AvException.Kind.NOT_FOUND) {
                return KvResponse.NOT_FOUND;
            }
            throw e;
        }
        return KvResponse.ok(versionMetadata(written.info(), written.customMetadata()));
    }

    private static Map<String, Object> versionMetadata(VersionInfo info, Map<String, String> custom) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("created_time", time(info.createdTime()));
        out.put("custom_metadata", custom);
        out.put("deletion_time", time(info.deletionTime()));
        out.put("destroyed", info.destroyed());
        out.put("version", info.version());
        return out;
    }

    // ---------------------------------------------------------------- delete / undelete / destroy

    private KvResponse versions(KvOperation op, String action, String key, Map<String, Object> in) {
        if (!op.isWrite()) {
            throw unsupportedOperation();
        }
        requireKey(key);
        List<Long> versions = versionList(in.get("versions"));
        switch (action) {
            case "delete" -> store.delete(key, versions);
            case "undelete" -> store.undelete(key, versions);
            default -> store.destroy(key, versions);
        }
        return KvResponse.NO_CONTENT;
    }

    private static List<Long> versionList(Object raw) {
        List<Object> items = new ArrayList<>();
        if (raw instanceof List<?> list) {
            items.addAll(list);
        } else if (raw instanceof String s) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.trim());
                }
            }
        } else if (raw instanceof Number n) {
            items.add(n);
        } else if (raw != null) {
            throw AvException.badRequest("\"versions\" must be a list of version numbers");
        }
        TreeSet<Long> out = new TreeSet<>();
        for (Object item : items) {
            out.add(toLong("versions", item));
        }
        if (out.isEmpty()) {
            throw AvException.badRequest("no version number provided");
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- metadata

    private KvResponse metadata(KvOperation op, String key, Map<String, Object> in) {
        if (op == KvOperation.LIST) {
            String prefix = key.isEmpty() || key.endsWith("/") ? key : key + "/";
            List<String> keys = store.list(prefix);
            if (keys.isEmpty()) {
                return KvResponse.NOT_FOUND;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("keys", keys);
            return KvResponse.ok(out);
        }
        requireKey(key);
        switch (op) {
            case READ -> {
                return store.metadata(key).map(m -> KvResponse.ok(metadataView(m))).orElse(KvResponse.NOT_FOUND);
            }
            case CREATE, UPDATE, PATCH -> {
                boolean patch = op == KvOperation.PATCH;
                MetadataUpdate update = new MetadataUpdate(optionalInt(in, "max_versions", 0),
                        optionalBool(in, "cas_required"), optionalDuration(in, "delete_version_after"),
                        customMetadata(in.get("custom_metadata"), patch));
                try {
                    store.writeMetadata(key, update, patch);
                } catch (AvException e) {
                    if (patch && e.kind() == AvException.Kind.NOT_FOUND) {
                        return KvResponse.NOT_FOUND;
                    }
                    throw e;
                }
                return KvResponse.NO_CONTENT;
            }
            case DELETE -> {
                store.deleteMetadata(key);
                return KvResponse.NO_CONTENT;
            }
            default -> throw unsupportedOperation();
        }
    }

    private static Map<String, Object> metadataView(SecretMetadata m) {
        Map<String, Object> versions = new LinkedHashMap<>();
        for (VersionInfo v : m.versions().values()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("created_time", time(v.createdTime()));
            one.put("deletion_time", time(v.deletionTime()));
            one.put("destroyed", v.destroyed());
            versions.put(Long.toString(v.version()), one);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cas_required", m.casRequired());
        out.put("created_time", time(m.createdTime()));
        out.put("current_version", m.currentVersion());
        out.put("custom_metadata", m.customMetadata());
        out.put("delete_version_after", GoDurations.format(m.deleteVersionAfter()));
        out.put("max_versions", m.maxVersions());
        out.put("oldest_version", m.oldestVersion());
        out.put("updated_time", time(m.updatedTime()));
        out.put("versions", versions);
        return out;
    }

    /** Validates {@code custom_metadata} now (so bad input changes nothing) and returns how to apply it. */
    private static java.util.function.UnaryOperator<Map<String, String>> customMetadata(Object raw, boolean patch) {
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw AvException.badRequest("\"custom_metadata\" must be a JSON object of strings");
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String k = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (v != null && !(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
                throw AvException.badRequest("custom_metadata values must be strings");
            }
            if (k.isEmpty() || k.length() > MAX_CUSTOM_METADATA_KEY_LENGTH) {
                throw AvException.badRequest("custom_metadata keys must be 1 to "
                        + MAX_CUSTOM_METADATA_KEY_LENGTH + " characters");
            }
            String s = v == null ? null : v.toString();
            if (s != null && s.length() > MAX_CUSTOM_METADATA_VALUE_LENGTH) {
                throw AvException.badRequest("custom_metadata values must be at most "
                        + MAX_CUSTOM_METADATA_VALUE_LENGTH + " characters");
            }
            if (s == null && !patch) {
                throw AvException.badRequest("custom_metadata values must be strings");
            }
            given.put(k, s);
        }
        return current -> {
            Map<String, String> next = new TreeMap<>();
            if (patch && current != null) {
                next.putAll(current);
            }
            for (Map.Entry<String, String> e : given.entrySet()) {
                if (e.getValue() == null) {
                    next.remove(e.getKey());
                } else {
                    next.put(e.getKey(), e.getValue());
                }
            }
            if (next.size() > MAX_CUSTOM_METADATA_KEYS) {
                throw AvException.badRequest("custom_metadata may hold at most " + MAX_CUSTOM_METADATA_KEYS + " keys");
            }
            return next;
        };
    }

    // ---------------------------------------------------------------- subkeys

    private KvResponse subkeys(KvOperation op, String key, Map<String, Object> in) {
        if (op != KvOperation.READ) {
            throw unsupportedOperation();
        }
        requireKey(key);
        Integer version = optionalInt(in, "version", 0);
        Integer depth = optionalInt(in, "depth", 0);
        Optional<KvStore.VersionRead> read = store.read(key, version == null ? 0 : version);
        if (read.isEmpty()) {
            return KvResponse.NOT_FOUND;
        }
        KvStore.VersionRead r = read.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metadata", versionMetadata(r.info(), r.customMetadata()));
        out.put("subkeys", r.data() == null ? null : shape(r.data(), depth == null ? 0 : depth, 1));
        return new KvResponse(r.data() == null ? 404 : 200, out);
    }

    private static Map<String, Object> shape(Map<?, ?> data, int depth, int level) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : data.entrySet()) {
            boolean descend = e.getValue() instanceof Map<?, ?> && (depth == 0 || level < depth);
            out.put(String.valueOf(e.getKey()), descend ? shape((Map<?, ?>) e.getValue(), depth, level + 1) : null);
        }
        return out;
    }

    // ---------------------------------------------------------------- input

    private static void requireKey(String key) {
        if (key.isEmpty()) {
            throw AvException.badRequest("missing secret path");
        }
        if (key.endsWith("/")) {
            throw AvException.badRequest("a secret path must not end in '/'");
        }
        if (key.length() > 1024) {
            throw AvException.badRequest("a secret path may be at most 1024 characters");
        }
    }

    private static AvException unsupportedOperation() {
        return new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
    }

    private static Integer optionalInt(Map<String, Object> in, String field, int min) {
        Object raw = in.get(field);
        if (raw == null) {
            return null;
        }
        long value = toLong(field, raw);
        if (value < min || value > Integer.MAX_VALUE) {
            throw AvException.badRequest("\"" + field + "\" must be a whole number of at least " + min);
        }
        return (int) value;
    }

    private static long toLong(String field, Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (raw instanceof List<?> list && list.size() == 1) {
            return toLong(field, list.get(0));
        }
        if (raw instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw AvException.badRequest("\"" + field + "\" must be a whole number");
    }

    private static Boolean optionalBool(Map<String, Object> in, String field) {
        Object raw = in.get(field);
        if (raw == null) {
            return null;
        }
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw AvException.badRequest("\"" + field + "\" must be true or false");
    }

    private static Duration optionalDuration(Map<String, Object> in, String field) {
        Object raw = in.get(field);
        return raw == null ? null : Durations.parse(field, raw);
    }

    private static String time(Instant t) {
        return t == null ? "" : DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
