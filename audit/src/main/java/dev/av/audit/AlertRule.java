package dev.av.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * "N denials for one agent within T": when an agent's denied responses reach {@code threshold}
 * inside a sliding {@code window}, the broker writes an {@code alert} entry to every device (a
 * webhook device whose filter takes alerts turns it into a notification) and starts counting that
 * agent afresh. {@code agent} limits the rule to one agent; null watches all.
 */
public record AlertRule(String name, int threshold, Duration window, String agent) {

    public AlertRule {
        Objects.requireNonNull(name, "name");
        if (threshold < 1) {
            throw new IllegalArgumentException("an alert threshold must be at least 1: " + threshold);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("an alert window must be positive: " + window);
        }
    }
}
