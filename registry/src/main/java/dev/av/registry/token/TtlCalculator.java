package dev.av.registry.token;

import dev.av.core.AvException;
import dev.av.core.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Vault's {@code CalculateTTL}: the TTL a lease or token gets at creation ({@code increment} = 0) or
 * renewal, given the system defaults, the backend's TTL and max, a period and an explicit max TTL,
 * measured from {@code start} (the creation time). Times are whole seconds.
 */
public final class TtlCalculator {

    /** The result: the TTL and any warnings (e.g. "capped"). */
    public record Result(Duration ttl, List<String> warnings) {
    }

    private TtlCalculator() {
    }

    public static Result calculate(Duration systemDefault, Duration systemMax, Duration increment,
                                   Duration backendTtl, Duration period, Duration backendMax,
                                   Duration explicitMax, Instant start, Instant now) {
        List<String> warnings = new ArrayList<>();
        Instant nowS = truncate(now);
        Instant startS = start == null ? nowS : truncate(start);
        Duration maxTtl = systemMax;
        if (backendMax.isPositive() && backendMax.compareTo(maxTtl) < 0) {
            maxTtl = backendMax;
        }
        if (explicitMax.isPositive() && explicitMax.compareTo(maxTtl) < 0) {
            maxTtl = explicitMax;
        }
        if (!maxTtl.isPositive()) {
            throw AvException.badRequest("max TTL must be greater than zero");
        }
        Duration ttl;
        Instant maxValid = null;
        if (period.isPositive()) {
            Duration p = period;
            if (p.compareTo(maxTtl) > 0) {
                warnings.add("period of \"" + Durations.format(p) + "\" exceeded the effective max_ttl of \""
                        + Durations.format(maxTtl) + "\"; period value is capped accordingly");
                p = maxTtl;
            }
            ttl = p;
            if (explicitMax.isPositive()) {
                maxValid = startS.plus(explicitMax);
            }
        } else {
            if (increment.isPositive()) {
                ttl = increment;
            } else if (backendTtl.isPositive()) {
                ttl = backendTtl;
            } else {
                ttl = systemDefault;
            }
            maxValid = startS.plus(maxTtl);
        }
        if (maxValid != null) {
            Duration maxValidTtl = Duration.between(nowS, maxValid);
            if (!maxValidTtl.isPositive()) {
                throw AvException.badRequest("past the max TTL, cannot renew");
            }
            if (maxValidTtl.compareTo(ttl) < 0) {
                warnings.add("TTL of \"" + Durations.format(ttl) + "\" exceeded the effective max_ttl of \""
                        + Durations.format(maxValidTtl) + "\"; TTL value is capped accordingly");
                ttl = maxValidTtl;
            }
        }
        return new Result(Duration.ofSeconds(ttl.toSeconds()), warnings);
    }

    static Instant truncate(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond());
    }
}
