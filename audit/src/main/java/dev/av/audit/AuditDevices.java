package dev.av.audit;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.core.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds audit devices from Vault-style type + options, validating every option (an unknown or bad
 * option is a bad request naming it; nothing is opened then).
 *
 * <p>Common options: {@code format} (json), {@code prefix}, {@code log_raw}, {@code hmac_accessor}
 * (default true), {@code elide_list_responses}, {@code filter} ({@link AuditFilter}), {@code events}
 * (comma list of entry types), {@code checkpoint_entries} (default 1000), {@code checkpoint_interval}
 * (default 60s), {@code alert_denials} + {@code alert_window} (+ {@code alert_agent}): an
 * {@link AlertRule}. Per type:
 * <ul>
 *   <li>{@code file}: {@code file_path} (or {@code path}; {@code stdout} and {@code discard} are special),
 *       {@code mode} (0600), {@code fsync} (true);</li>
 *   <li>{@code socket}: {@code address} (host:port), {@code socket_type} (tcp), {@code write_timeout} (2s),
 *       {@code spool_max_bytes} (64 MiB);</li>
 *   <li>{@code syslog}: {@code facility} (AUTH), {@code tag} (av), {@code address} (udp://127.0.0.1:514
 *       or unix:///path);</li>
 *   <li>{@code webhook}: {@code url}, {@code authorization_header} (secret), {@code batch_size} (100),
 *       {@code timeout} (5s), {@code spool_max_bytes}.</li>
 * </ul>
 */
public final class AuditDevices {

    /** Options whose values are secrets: store them sealed, never show them. */
    public static final Set<String> SECRET_OPTIONS = Set.of("authorization_header");

    public static final List<String> TYPES = List.of("file", "socket", "syslog", "webhook");

    private static final Set<String> COMMON = Set.of("format", "prefix", "log_raw", "hmac_accessor",
            "elide_list_responses", "filter", "events", "checkpoint_entries", "checkpoint_interval", "alert_denials",
            "alert_window", "alert_agent", "local", "fallback");
    private static final Map<String, Set<String>> PER_TYPE = Map.of(
            "file", Set.of("file_path", "path", "mode", "fsync"),
            "socket", Set.of("address", "socket_type", "write_timeout", "spool_max_bytes"),
            "syslog", Set.of("facility", "tag", "address"),
            "webhook", Set.of("url", "authorization_header", "batch_size", "timeout", "spool_max_bytes"));

    private AuditDevices() {
    }

    /**
     * What a device needs besides its options.
     *
     * @param salt       the device's HMAC salt (persist it sealed; the same salt keeps hashes comparable)
     * @param signingKey the Ed25519 key pair that signs checkpoints (persist the private key sealed)
     * @param spoolDir   where a shipping device keeps its spool (one directory per device)
     */
    public record Context(byte[] salt, KeyPair signingKey, Path spoolDir, InstantSource clock) {
    }

    public static KeyPair newSigningKey() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Ed25519 is not available", e);
        }
    }

    /** Checks type and options without opening anything. */
    public static void validate(String name, String type, Map<String, String> options) {
        checkName(name);
        Set<String> allowed = PER_TYPE.get(type);
        if (allowed == null) {
            throw AvException.badRequest("unknown audit device type \"" + type + "\" (known: "
                    + String.join(", ", TYPES) + ")");
        }
        for (String key : options.keySet()) {
            if (!COMMON.contains(key) && !allowed.contains(key)) {
                Set<String> known = new TreeSet<>(COMMON);
                known.addAll(allowed);
                throw AvException.badRequest("unknown option \"" + key + "\" for audit device type " + type
                        + " (known: " + String.join(", ", known) + ")");
            }
        }
        Opts o = new Opts(options);
        String format = o.str("format", "json");
        if (!format.equals("json")) {
            throw AvException.badRequest("unsupported audit format \"" + format + "\": only json is supported");
        }
        o.bool("log_raw", false);
        o.bool("hmac_accessor", true);
        o.bool("elide_list_responses", false);
        if (options.containsKey("filter")) {
            AuditFilter.parse(options.get("filter"));
        }
        o.positiveInt("checkpoint_entries", 1000);
        o.duration("checkpoint_interval", Duration.ofSeconds(60));
        alertRules(name, o);
        switch (type) {
            case "file" -> {
                String path = o.str("file_path", o.str("path", ""));
                if (path.isEmpty()) {
                    throw AvException.badRequest("file_path is required for a file audit device");
                }
                FileSink.toRwx(o.str("mode", "0600"));
                o.bool("fsync", true);
            }
            case "socket" -> {
                new SocketTransport(o.required("address", type), o.duration("write_timeout", Duration.ofSeconds(2)));
                String st = o.str("socket_type", "tcp");
                if (!st.equals("tcp")) {
                    throw AvException.badRequest("unsupported socket_type \"" + st + "\": only tcp is supported");
                }
                o.positiveLong("spool_max_bytes", 64L << 20);
            }
            case "syslog" -> new SyslogSink(o.str("address", "udp://127.0.0.1:514"), o.str("facility", "AUTH"),
                    o.str("tag", "av"), InstantSource.system());
            case "webhook" -> {
                if (options.containsKey("prefix")) {
                    throw AvException.badRequest("prefix is not supported by webhook devices (the body is a JSON array)");
                }
                new WebhookTransport(o.required("url", type), null, o.duration("timeout", Duration.ofSeconds(5)));
                o.positiveInt("batch_size", 100);
                o.positiveLong("spool_max_bytes", 64L << 20);
            }
            default -> throw new IllegalStateException(type);
        }
    }

    /** Validates and opens a device. Failing to open its destination is a bad request naming it. */
    public static AuditDevice open(String name, String type, String description, Map<String, String> options,
                                   Context ctx) {
        validate(name, type, options);
        Opts o = new Opts(options);
        EntryFormatter formatter = new EntryFormatter(AuditHasher.withSalt(ctx.salt()), o.bool("log_raw", false),
                o.bool("hmac_accessor", true), o.bool("elide_list_responses", false));
        AuditFilter filter = options.containsKey("filter") ? AuditFilter.parse(options.get("filter")) : null;
        Set<String> events = new LinkedHashSet<>();
        for (String ev : o.str("events", "").split(",")) {
            String t = ev.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                if (!Set.of("request", "response", "alert").contains(t)) {
                    throw AvException.badRequest("unknown event type \"" + t + "\" in events (request, response, alert)");
                }
                events.add(t);
            }
        }
        String prefix = o.str("prefix", "");
        Sink sink;
        try {
            sink = switch (type) {
                case "file" -> {
                    String path = o.str("file_path", o.str("path", ""));
                    yield switch (path) {
                        case "stdout" -> new StreamSink(System.out, "stdout");
                        case "discard" -> StreamSink.discard();
                        default -> new FileSink(Path.of(path), o.str("mode", "0600"), o.bool("fsync", true));
                    };
                }
                case "syslog" -> new SyslogSink(o.str("address", "udp://127.0.0.1:514"), o.str("facility", "AUTH"),
                        o.str("tag", "av"), ctx.clock());
                case "socket" -> new SpoolSink(
                        new Spool(ctx.spoolDir(), o.positiveLong("spool_max_bytes", 64L << 20), name),
                        new SocketTransport(o.required("address", type),
                                o.duration("write_timeout", Duration.ofSeconds(2))),
                        256, name);
                case "webhook" -> {
                    String auth = options.get("authorization_header");
                    yield new SpoolSink(
                            new Spool(ctx.spoolDir(), o.positiveLong("spool_max_bytes", 64L << 20), name),
                            new WebhookTransport(o.required("url", type), auth == null ? null : Secret.of(auth),
                                    o.duration("timeout", Duration.ofSeconds(5))),
                            o.positiveInt("batch_size", 100), name);
                }
                default -> throw new IllegalStateException(type);
            };
        } catch (IOException e) {
            throw AvException.badRequest("cannot open audit device " + name + ": " + describe(e));
        }
        DeviceWriter writer = new DeviceWriter(name, prefix, sink, ctx.signingKey(),
                o.positiveInt("checkpoint_entries", 1000), o.duration("checkpoint_interval", Duration.ofSeconds(60)),
                ctx.clock());
        Map<String, String> shown = new LinkedHashMap<>(options);
        SECRET_OPTIONS.forEach(shown::remove);
        return new AuditDevice(name, type, description == null ? "" : description, shown, formatter, filter, events,
                writer, sink, alertRules(name, o));
    }

    /**
     * A device that is configured but could not be opened (e.g. after a restart its file became
     * unwritable): every entry fails on it, so fail-closed stays in force until an operator fixes
     * or disables it. It is listed like any other device.
     */
    public static AuditDevice unavailable(String name, String type, String description, Map<String, String> options,
                                          Context ctx, String reason) {
        Sink failing = new Sink() {
            @Override
            public void write(List<byte[]> lines) throws IOException {
                throw new IOException("the device could not be opened: " + reason);
            }

            @Override
            public String describe() {
                return type + " (unavailable)";
            }

            @Override
            public void close() {
            }
        };
        EntryFormatter formatter = new EntryFormatter(AuditHasher.withSalt(ctx.salt()), false, true, false);
        DeviceWriter writer = new DeviceWriter(name, "", failing, ctx.signingKey(), 1000, Duration.ofSeconds(60),
                ctx.clock());
        Map<String, String> shown = new LinkedHashMap<>(options);
        SECRET_OPTIONS.forEach(shown::remove);
        return new AuditDevice(name, type, description == null ? "" : description, shown, formatter, null, Set.of(),
                writer, failing, List.of());
    }

    private static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> "no such file or directory: " + n.getFile();
            case java.nio.file.AccessDeniedException a -> "permission denied: " + a.getFile();
            case java.nio.file.FileSystemException f -> f.getReason() == null ? f.getFile()
                    : f.getReason() + ": " + f.getFile();
            default -> String.valueOf(e.getMessage());
        };
    }

    private static List<AlertRule> alertRules(String name, Opts o) {
        List<AlertRule> rules = new ArrayList<>();
        if (o.has("alert_denials")) {
            rules.add(new AlertRule(name, o.positiveInt("alert_denials", 1),
                    o.duration("alert_window", Duration.ofMinutes(1)), o.str("alert_agent", null)));
        } else if (o.has("alert_window") || o.has("alert_agent")) {
            throw AvException.badRequest("alert_window and alert_agent need alert_denials");
        }
        return rules;
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 128
                || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')
                || name.startsWith(".")) {
            throw AvException.badRequest("invalid audit device name: 1-128 letters, digits, '-', '_' or '.'");
        }
    }

    private record Opts(Map<String, String> m) {
        boolean has(String k) {
            return m.containsKey(k);
        }

        String str(String k, String def) {
            String v = m.get(k);
            return v == null ? def : v;
        }

        String required(String k, String type) {
            String v = m.get(k);
            if (v == null || v.isBlank()) {
                throw AvException.badRequest(k + " is required for a " + type + " audit device");
            }
            return v;
        }

        boolean bool(String k, boolean def) {
            String v = m.get(k);
            if (v == null || v.isEmpty()) {
                return def;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "1", "t", "yes" -> true;
                case "false", "0", "f", "no" -> false;
                default -> throw AvException.badRequest("invalid boolean for \"" + k + "\": " + quote(v));
            };
        }

        int positiveInt(String k, int def) {
            long v = positiveLong(k, def);
            if (v > Integer.MAX_VALUE) {
                throw AvException.badRequest("\"" + k + "\" is too large");
            }
            return (int) v;
        }

        long positiveLong(String k, long def) {
            String v = m.get(k);
            if (v == null || v.isEmpty()) {
                return def;
            }
            try {
                long n = Long.parseLong(v.trim());
                if (n < 1) {
                    throw AvException.badRequest("\"" + k + "\" must be a positive number");
                }
                return n;
            } catch (NumberFormatException e) {
                throw AvException.badRequest("invalid number for \"" + k + "\": " + quote(v));
            }
        }

        Duration duration(String k, Duration def) {
            String v = m.get(k);
            if (v == null || v.isEmpty()) {
                return def;
            }
            Duration d = Durations.parse(k, v);
            if (d.isZero()) {
                throw AvException.badRequest("\"" + k + "\" must be positive");
            }
            return d;
        }

        private static String quote(String v) {
            return "\"" + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "\"";
        }
    }
}
