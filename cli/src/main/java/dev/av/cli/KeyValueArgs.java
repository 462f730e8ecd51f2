package dev.av.cli;

import dev.av.api.Json;
import dev.av.api.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vault's {@code k=v} arguments: {@code key=value}; {@code key=@file} reads the value from a file;
 * {@code key=-} reads it from stdin; a lone {@code -} reads a JSON object from stdin and merges it.
 * A key given twice becomes a list ({@code policies=a policies=b}). Stdin can be used once.
 */
public final class KeyValueArgs {

    private final InputStream stdin;
    private boolean stdinUsed;

    public KeyValueArgs(InputStream stdin) {
        this.stdin = stdin;
    }

    /** Parses the arguments; a malformed one is a {@link UsageException}. */
    public Map<String, Object> parse(List<String> args) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("-")) {
                Object parsed;
                try {
                    parsed = Json.parse(readStdin());
                } catch (JsonException e) {
                    throw new UsageException("Failed to parse JSON input from stdin: " + e.getMessage());
                }
                if (!(parsed instanceof Map<?, ?> m)) {
                    throw new UsageException("Failed to parse JSON input from stdin: expected a JSON object");
                }
                m.forEach((k, v) -> add(result, String.valueOf(k), v));
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("Failed to parse K=V data: invalid key/value pair \"" + shorten(arg)
                        + "\": format must be key=value");
            }
            String key = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            if (value.startsWith("@")) {
                value = readFile(value.substring(1));
            } else if (value.equals("-")) {
                value = readStdin();
            }
            add(result, key, value);
        }
        return result;
    }

    private static String shorten(String arg) {
        // an argument may hold a secret: show only its start
        return arg.length() > 12 ? arg.substring(0, 12) + "..." : arg;
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> result, String key, Object value) {
        if (!result.containsKey(key)) {
            result.put(key, value);
            return;
        }
        Object existing = result.get(key);
        List<Object> list;
        if (existing instanceof List<?> l) {
            list = new ArrayList<>((List<Object>) l);
        } else {
            list = new ArrayList<>();
            list.add(existing);
        }
        list.add(value);
        result.put(key, list);
    }

    private String readStdin() {
        if (stdinUsed) {
            throw new UsageException("Failed to parse K=V data: stdin can only be read once");
        }
        stdinUsed = true;
        try {
            return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("Failed to read stdin: " + e.getMessage());
        }
    }

    private static String readFile(String name) {
        try {
            return Files.readString(Path.of(name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("Failed to parse K=V data: cannot read " + name + ": no such file");
        } catch (IOException e) {
            throw new UsageException("Failed to parse K=V data: cannot read " + name + ": " + e.getMessage());
        }
    }
}
