package dev.av.cli.output;

import dev.av.api.ApiResponse;
import dev.av.api.Json;
import dev.av.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints API answers the way Vault's CLI does: a {@code Key / Value} table (or {@code Keys} for
 * lists), {@code -format=json|yaml}, and {@code -field=NAME} for one raw value.
 */
public final class Output {

    private static final String GLUE = "    ";

    private final PrintWriter out;
    private final PrintWriter err;
    private final Format format;
    private final String field;
    private final boolean terminal;

    public Output(PrintWriter out, PrintWriter err, Format format, String field, boolean terminal) {
        this.out = out;
        this.err = err;
        this.format = format;
        this.field = field == null || field.isBlank() ? null : field;
        this.terminal = terminal;
    }

    public Format format() {
        return format;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** Prints a whole Vault response (envelope); returns the exit code (1 when -field is missing). */
    public int secret(ApiResponse r) {
        warnings(r);
        if (field != null) {
            Map<String, Object> flat = new LinkedHashMap<>();
            fieldsOf(r).forEach((k, v) -> flat.put(k.endsWith(":") ? k.substring(0, k.length() - 1) : k, v));
            if (!flat.containsKey(field)) {
                err.println("Field \"" + field + "\" not present in secret");
                return ExitCodes.USAGE;
            }
            raw(flat.get(field));
            return ExitCodes.OK;
        }
        switch (format) {
            case JSON -> out.println(Json.writePretty(r.body() == null ? Map.of() : r.body()));
            case YAML -> out.print(Yaml.write(r.body() == null ? Map.of() : r.body()));
            default -> table(secretRows(r));
        }
        return ExitCodes.OK;
    }

    /** Prints an ordered map of values (e.g. {@code av status}); -field picks one. */
    public int values(Map<String, ?> values) {
        if (field != null) {
            if (!values.containsKey(field)) {
                err.println("Field \"" + field + "\" not present in secret");
                return ExitCodes.USAGE;
            }
            raw(values.get(field));
            return ExitCodes.OK;
        }
        switch (format) {
            case JSON -> out.println(Json.writePretty(values));
            case YAML -> out.print(Yaml.write(values));
            default -> {
                List<String[]> rows = new ArrayList<>();
                values.forEach((k, v) -> rows.add(new String[] {k, Values.cell(v)}));
                table(rows);
            }
        }
        return ExitCodes.OK;
    }

    /** Prints a LIST answer's keys: a {@code Keys} table, or the JSON/YAML array. */
    public int list(ApiResponse r) {
        warnings(r);
        Map<String, Object> data = r.data();
        Object keys = data == null ? null : data.get("keys");
        List<?> list = keys instanceof List<?> l ? l : List.of();
        switch (format) {
            case JSON -> out.println(Json.writePretty(list));
            case YAML -> out.print(Yaml.write(list));
            default -> {
                List<String> lines = new ArrayList<>();
                lines.add("Keys");
                lines.add("----");
                list.forEach(k -> lines.add(String.valueOf(k)));
                lines.forEach(out::println);
            }
        }
        return ExitCodes.OK;
    }

    /** A {@code Key / Value} table with Vault's column layout ({@code n/a} for empty cells). */
    public void table(List<String[]> rows) {
        List<String[]> all = new ArrayList<>(rows.size() + 2);
        all.add(new String[] {"Key", "Value"});
        all.add(new String[] {"---", "-----"});
        all.addAll(rows);
        columns(all);
    }

    /** Prints rows as aligned columns separated by four spaces (Vault's columnize settings). */
    public void columns(List<String[]> rows) {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], cell(r[i]).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            b.setLength(0);
            for (int i = 0; i < r.length; i++) {
                String c = cell(r[i]);
                b.append(c);
                if (i < r.length - 1) {
                    b.append(" ".repeat(width[i] - c.length())).append(GLUE);
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }

    private static String cell(String s) {
        return s == null || s.isEmpty() ? "n/a" : s;
    }

    /** Warnings go to stderr, as Vault does. */
    public void warnings(ApiResponse r) {
        List<String> w = r.warnings();
        if (!w.isEmpty() && format == Format.TABLE) {
            err.println("WARNING! The following warnings were returned from av:");
            err.println();
            for (String s : w) {
                err.println("  * " + s);
            }
            err.println();
        }
    }

    /** One value, raw: strings as they are, structures as JSON. */
    public void raw(Object v) {
        String text;
        if (format == Format.JSON) {
            text = Json.writePretty(v);
        } else if (format == Format.YAML) {
            text = Yaml.write(v).stripTrailing();
        } else if (v instanceof Map || v instanceof List) {
            text = Json.write(v);
        } else {
            text = v == null ? "" : Values.cell(v);
        }
        if (terminal) {
            out.println(text);
        } else {
            out.print(text);
        }
    }

    /** The rows of Vault's table for a secret: lease, auth, wrap info, then sorted data. */
    public static List<String[]> secretRows(ApiResponse r) {
        List<String[]> rows = new ArrayList<>();
        fieldsOf(r).forEach((k, v) -> rows.add(new String[] {k, v instanceof String s ? s : Values.cell(v)}));
        return rows;
    }

    /** Every field Vault's table and {@code -field} know of, in table order. */
    static Map<String, Object> fieldsOf(ApiResponse r) {
        Map<String, Object> rows = new LinkedHashMap<>();
        if (r.leaseDuration() > 0) {
            if (!r.leaseId().isEmpty()) {
                rows.put("lease_id", r.leaseId());
                rows.put("lease_duration", Values.duration(r.leaseDuration()));
                rows.put("lease_renewable", r.renewable());
            } else {
                rows.put("refresh_interval", Values.duration(r.leaseDuration()));
            }
        }
        Map<String, Object> auth = r.auth();
        if (auth != null) {
            rows.put("token", str(auth.get("client_token")));
            rows.put("token_accessor", str(auth.get("accessor")));
            long ld = auth.get("lease_duration") instanceof Number n ? n.longValue() : 0;
            rows.put("token_duration", ld == 0 ? "∞" : Values.duration(ld));
            rows.put("token_renewable", Boolean.TRUE.equals(auth.get("renewable")));
            rows.put("token_policies", Values.quotedList(auth.get("token_policies")));
            rows.put("identity_policies", Values.quotedList(auth.get("identity_policies")));
            rows.put("policies", Values.quotedList(auth.get("policies")));
            if (auth.get("metadata") instanceof Map<?, ?> meta) {
                new TreeMap<>(meta.entrySet().stream().collect(
                        java.util.stream.Collectors.toMap(e -> String.valueOf(e.getKey()), Map.Entry::getValue)))
                        .forEach((k, v) -> rows.put("token_meta_" + k, v));
            }
        }
        Map<String, Object> wrap = r.wrapInfo();
        if (wrap != null) {
            rows.put("wrapping_token:", str(wrap.get("token")));
            rows.put("wrapping_accessor:", str(wrap.get("accessor")));
            rows.put("wrapping_token_ttl:", wrap.get("ttl") instanceof Number n ? Values.duration(n.longValue()) : "");
            rows.put("wrapping_token_creation_time:", str(wrap.get("creation_time")));
            rows.put("wrapping_token_creation_path:", str(wrap.get("creation_path")));
            if (wrap.get("wrapped_accessor") != null && !str(wrap.get("wrapped_accessor")).isEmpty()) {
                rows.put("wrapped_accessor:", str(wrap.get("wrapped_accessor")));
            }
        }
        Map<String, Object> data = r.data();
        if (data != null) {
            new TreeMap<>(data).forEach((k, v) -> rows.put(k, Values.looksLikeDuration(k) ? Values.durationOrSelf(v) : v));
        }
        return rows;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
