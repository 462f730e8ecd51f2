package dev.av.cli.output;

import dev.av.cli.UsageException;
import java.util.Locale;

/** {@code -format=table|json|yaml} (default from {@code AV_FORMAT}, else table). */
public enum Format {
    TABLE, JSON, YAML;

    public static Format parse(String text) {
        if (text == null || text.isBlank()) {
            return TABLE;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "table" -> TABLE;
            case "json" -> JSON;
            case "yaml", "yml" -> YAML;
            default -> throw new UsageException("Invalid output format: " + text + " (use table, json or yaml)");
        };
    }
}
