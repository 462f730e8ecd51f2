package dev.av.policy.acl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/** Vault's {@code parseutil.ParseDurationSecond}: int seconds, "90", Go durations, "1d". */
final class GoDuration {

    private GoDuration() {
    }

    static Duration parseSeconds(String field, Object raw) {
        try {
            return parse(raw);
        } catch (PolicyException e) {
            throw new PolicyException("error parsing " + field + ": " + e.getMessage());
        }
    }

    private static Duration parse(Object raw) {
        if (raw == null) {
            return Duration.ZERO;
        }
        if (raw instanceof BigInteger b) {
            try {
                return Duration.ofSeconds(b.longValueExact());
            } catch (ArithmeticException e) {
                throw new PolicyException("duration out of range");
            }
        }
        if (raw instanceof BigDecimal d) {
            if (d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new PolicyException("duration out of range");
            }
            if (d.abs().compareTo(BigDecimal.ONE) < 0) {
                return Duration.ZERO;
            }
            try {
                return Duration.ofSeconds(d.toBigInteger().longValueExact());
            } catch (ArithmeticException e) {
                throw new PolicyException("duration out of range");
            }
        }
        if (!(raw instanceof String s)) {
            throw new PolicyException("could not parse duration from input");
        }
        if (s.isEmpty()) {
            return Duration.ZERO;
        }
        if (s.endsWith("s") || s.endsWith("m") || s.endsWith("h")) {
            return go(s);
        }
        if (s.endsWith("d")) {
            String days = s.substring(0, s.length() - 1);
            try {
                return Duration.ofDays(Long.parseLong(days));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new PolicyException("strconv.ParseInt: parsing " + Hcl.quote(days) + ": invalid syntax");
            }
        }
        try {
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new PolicyException("strconv.ParseInt: parsing " + Hcl.quote(s) + ": invalid syntax");
        }
    }

    /** Go's time.ParseDuration. */
    static Duration go(String orig) {
        String s = orig;
        boolean neg = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new PolicyException("time: invalid duration " + Hcl.quote(orig));
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            boolean pre = i > start;
            String whole = s.substring(start, i);
            String frac = "";
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fs = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                frac = s.substring(fs, i);
            }
            if (!pre && frac.isEmpty()) {
                throw new PolicyException("time: invalid duration " + Hcl.quote(orig));
            }
            int us = i;
            while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(us, i);
            if (unit.isEmpty()) {
                throw new PolicyException("time: missing unit in duration " + Hcl.quote(orig));
            }
            long nanos = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new PolicyException("time: unknown unit " + Hcl.quote(unit) + " in duration " + Hcl.quote(orig));
            };
            BigDecimal amount = new BigDecimal((whole.isEmpty() ? "0" : whole) + (frac.isEmpty() ? "" : "." + frac));
            total = total.add(amount.multiply(BigDecimal.valueOf(nanos)));
        }
        BigInteger n = total.toBigInteger();
        if (n.bitLength() > 63) {
            throw new PolicyException("time: invalid duration " + Hcl.quote(orig));
        }
        long v = n.longValue();
        return Duration.ofNanos(neg ? -v : v);
    }
}
