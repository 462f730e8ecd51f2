package dev.av.secrets.env;

import dev.av.core.AvException;
import dev.av.secrets.EngineRequest;
import dev.av.secrets.EngineResponse;
import dev.av.secrets.Operation;
import dev.av.secrets.SecretEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A read-only mount over a {@code .env} file, for local use. {@code GET <mount>/KEY} returns
 * {@code {"value": ...}}; {@code GET <mount>/} returns all pairs; {@code LIST <mount>/} returns the
 * keys. The file is re-read when it changes. Writes are refused.
 */
public final class EnvEngine implements SecretEngine {

    public static final String TYPE = "env";

    private final Path file;
    private volatile Snapshot snapshot;

    private record Snapshot(FileTime modified, long size, Map<String, String> values) {
    }

    public EnvEngine(Path file) {
        this.file = file;
        load(); // a missing or malformed file fails the mount, with a clear error
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        Map<String, String> values = load();
        String key = request.path();
        while (key.endsWith("/")) {
            key = key.substring(0, key.length() - 1);
        }
        return switch (request.operation()) {
            case LIST -> {
                if (!key.isEmpty()) {
                    throw AvException.notFound("no entries");
                }
                yield EngineResponse.of(Map.of("keys", new ArrayList<>(values.keySet())));
            }
            case READ -> {
                if (key.isEmpty()) {
                    yield EngineResponse.of(new LinkedHashMap<>(values));
                }
                String v = values.get(key);
                if (v == null) {
                    throw AvException.notFound("no key \"" + key + "\" in the env file");
                }
                yield EngineResponse.of(Map.of("value", v));
            }
            default -> throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "the env engine is read-only");
        };
    }

    private Map<String, String> load() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Snapshot s = snapshot;
            if (s != null && s.modified().equals(modified) && s.size() == size) {
                return s.values();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Map<String, String> values = java.util.Collections.unmodifiableMap(EnvFileParser.parse(text));
            snapshot = new Snapshot(modified, size, values);
            return snapshot.values();
        } catch (IOException e) {
            throw new AvException(AvException.Kind.UNAVAILABLE, "cannot read env file " + file.getFileName());
        }
    }
}
