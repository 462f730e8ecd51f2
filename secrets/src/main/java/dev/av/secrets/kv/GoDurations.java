package dev.av.secrets.kv;

import java.math.BigDecimal;
import java.time.Duration;

/** Go's {@code time.Duration.String()}, which Vault uses for {@code delete_version_after}: {@code 0s}, {@code 1h0m0s}, {@code 1m30s}, {@code 500ms}. */
final class GoDurations {

    private GoDurations() {
    }

    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000_000_000L) {
            if (nanos < 1_000L) {
                return nanos + "ns";
            }
            if (nanos < 1_000_000L) {
                return decimal(nanos, 1_000L) + "µs";
            }
            return decimal(nanos, 1_000_000L) + "ms";
        }
        long hours = nanos / 3_600_000_000_000L;
        long minutes = (nanos / 60_000_000_000L) % 60;
        long secNanos = nanos % 60_000_000_000L;
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(decimal(secNanos, 1_000_000_000L)).append('s');
        return out.toString();
    }

    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }
}
