package dev.av.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests move by hand. Thread-safe. */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    private volatile Duration tick = Duration.ZERO;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public static MutableClock startingAt(String isoInstant) {
        return new MutableClock(Instant.parse(isoInstant));
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant t) {
        now.set(t);
    }

    /**
     * From now on every reading moves the clock on by {@code d} (zero stops it again): time passes
     * between two readings of one request, as it does on a real clock.
     */
    public void tickOnEveryRead(Duration d) {
        tick = d;
    }

    @Override
    public Instant instant() {
        Duration d = tick;
        return d.isZero() ? now.get() : now.getAndUpdate(t -> t.plus(d));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
