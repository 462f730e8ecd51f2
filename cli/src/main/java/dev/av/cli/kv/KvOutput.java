package dev.av.cli.kv;

import dev.av.api.ApiResponse;
import dev.av.api.Json;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import dev.av.cli.output.Output;
import dev.av.cli.output.Values;
import dev.av.cli.output.Yaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code vault kv}'s table layout: {@code == Secret Path ==} then sections whose headers are
 * padded with {@code =} to the width of the table below them ({@code ======= Metadata =======},
 * {@code === Data ===}), each a sorted {@code Key / Value} table.
 */
final class KvOutput {

    private KvOutput() {
    }

    /** Vault's padEqualSigns: {@code = header =} to {@code totalLength}, the same count on both sides. */
    static String padEqualSigns(String header, int totalLength) {
        int signs = totalLength - (header.length() + 2);
        if (signs <= 0) {
            return header;
        }
        String side = "=".repeat(signs / 2);
        return side + " " + header + " " + side;
    }

    /** Vault's getHeaderForMap: width = the longest key + 4 (column gap) + 5 ("Value"). */
    static String headerForMap(String header, Map<String, ?> data) {
        int maxKey = 0;
        for (String k : data.keySet()) {
            maxKey = Math.max(maxKey, k.length());
        }
        return padEqualSigns(header, maxKey + 4 + 5);
    }

    static void path(Output out, String title, String path) {
        out.out().println(padEqualSigns(title, path.length()));
        out.out().println(path);
        out.out().println();
    }

    static void section(Output out, String title, Map<String, ?> data) {
        out.out().println(headerForMap(title, data));
        List<String[]> rows = new ArrayList<>();
        new TreeMap<>(data).forEach((k, v) -> rows.add(new String[] {k, v instanceof String s ? s : Values.cell(v)}));
        out.table(rows);
    }

    /** The whole answer as JSON or YAML when asked for; returns true when it printed. */
    static boolean structured(Output out, ApiResponse r) {
        if (out.format() == Format.JSON) {
            out.out().println(Json.writePretty(r.body() == null ? Map.of() : r.body()));
            return true;
        }
        if (out.format() == Format.YAML) {
            out.out().print(Yaml.write(r.body() == null ? Map.of() : r.body()));
            return true;
        }
        return false;
    }

    /** {@code -field}: one raw value of {@code data}, or Vault's error when it is missing. */
    static int field(Output out, Map<String, ?> data, String field) {
        if (data == null || !data.containsKey(field)) {
            out.err().println("Field \"" + field + "\" not present in secret");
            return ExitCodes.USAGE;
        }
        out.raw(data.get(field));
        return ExitCodes.OK;
    }
}
