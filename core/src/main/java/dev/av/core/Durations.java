package dev.av.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vault's duration syntax: a bare integer is seconds; otherwise a sequence of numbers with units
 * {@code ns us µs ms s m h d} (Go's {@code time.ParseDuration} plus Vault's {@code d}), e.g. {@code 1h30m}.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

    private Durations() {
    }

    /** Parses a duration; throws {@link AvException} (bad request) naming the field on bad input. */
    public static Duration parse(String field, Object raw) {
        if (raw == null) {
            return Duration.ZERO;
        }
        if (raw instanceof Number n) {
            if (n.longValue() < 0) {
                throw AvException.badRequest("invalid duration for \"" + field + "\": must not be negative");
            }
            return Duration.ofSeconds(n.longValue());
        }
        String text = raw.toString().trim();
        if (text.isEmpty()) {
            return Duration.ZERO;
        }
        if (text.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw AvException.badRequest("invalid duration for \"" + field + "\": out of range");
            }
        }
        Matcher m = PART.matcher(text);
        int at = 0;
        double nanos = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw AvException.badRequest("invalid duration for \"" + field + "\": " + quoteShort(text));
            }
            double amount = Double.parseDouble(m.group(1));
            nanos += amount * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                case "d" -> 86400e9;
                default -> throw new IllegalStateException();
            };
            at = m.end();
        }
        if (nanos > Long.MAX_VALUE) {
            throw AvException.badRequest("invalid duration for \"" + field + "\": out of range");
        }
        return Duration.ofNanos((long) nanos);
    }

    /** Formats like Vault's CLI tables: {@code 768h}, {@code 10m}, {@code 1h30m5s}, {@code 0s}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(m).append('m');
        }
        if (sec > 0) {
            out.append(sec).append('s');
        }
        return out.toString();
    }

    private static String quoteShort(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return "\"" + shown + "\"";
    }
}
