package dev.av.secrets.lease;

import dev.av.core.AvException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A lease handler that records what it was asked and can be told to fail. */
final class RecordingLeaseHandler implements LeaseHandler {

    final List<String> revoked = new CopyOnWriteArrayList<>();
    final List<String> renewed = new CopyOnWriteArrayList<>();
    volatile boolean failing;
    volatile Instant cap;
    volatile Runnable whileRenewing = () -> { };

    @Override
    public Instant renew(Lease lease, Instant requested) {
        renewed.add(lease.id());
        whileRenewing.run();
        return cap != null && cap.isBefore(requested) ? cap : requested;
    }

    @Override
    public void revoke(Lease lease) {
        if (failing) {
            throw new AvException(AvException.Kind.UNAVAILABLE, "backend down");
        }
        revoked.add(lease.id());
    }
}
